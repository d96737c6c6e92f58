/** A tiny in-memory product catalogue: the demo's "database". */
export interface Product {
  id: string;
  name: string;
  price: number;
}

export interface Catalogue {
  list(): Product[];
  find(id: string): Product | undefined;
  update(id: string, changes: Partial<Omit<Product, 'id'>>): Product | undefined;
}

export function createCatalogue(): Catalogue {
  const products = new Map<string, Product>([
    ['1', { id: '1', name: 'Espresso cup', price: 900 }],
    ['2', { id: '2', name: 'Moka pot', price: 3500 }],
    ['3', { id: '3', name: 'Milk jug', price: 1500 }],
  ]);
  return {
    list: () => [...products.values()],
    find: (id) => products.get(id),
    update(id, changes) {
      const product = products.get(id);
      if (product === undefined) return undefined;
      if (typeof changes.name === 'string') product.name = changes.name;
      if (typeof changes.price === 'number' && Number.isFinite(changes.price)) product.price = changes.price;
      return product;
    },
  };
}
