import { readFileSync, writeFileSync } from 'node:fs';

/** A product as the demo's "database" holds it. */
export interface Product {
  id: string;
  name: string;
  price: number;
}

/** The demo's "database": a JSON file every instance reads and writes (stands in for your real DB). */
export interface Catalogue {
  list(): Product[];
  find(id: string): Product | undefined;
  update(id: string, changes: Partial<Omit<Product, 'id'>>): Product | undefined;
}

/** The products a new catalogue file starts with. */
export const SEED_PRODUCTS: readonly Product[] = [
  { id: '1', name: 'Espresso cup', price: 900 },
  { id: '2', name: 'Moka pot', price: 3500 },
  { id: '3', name: 'Milk jug', price: 1500 },
];

/** Writes the seed products to `file` (the start script and the test do this once). */
export function seedCatalogue(file: string): void {
  writeFileSync(file, JSON.stringify(SEED_PRODUCTS));
}

/** The catalogue in `file`, read on every call, as a query to a shared database would be. */
export function openCatalogue(file: string): Catalogue {
  const read = (): Product[] => JSON.parse(readFileSync(file, 'utf8'));
  return {
    list: read,
    find: (id) => read().find((p) => p.id === id),
    update(id, changes) {
      const products = read();
      const product = products.find((p) => p.id === id);
      if (product === undefined) return undefined;
      if (typeof changes.name === 'string') product.name = changes.name;
      if (typeof changes.price === 'number' && Number.isFinite(changes.price)) product.price = changes.price;
      writeFileSync(file, JSON.stringify(products));
      return product;
    },
  };
}
