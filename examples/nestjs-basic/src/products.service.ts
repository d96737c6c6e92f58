import { Injectable, NotFoundException } from '@nestjs/common';

export interface Product {
  id: string;
  name: string;
  price: number;
}

/** The catalogue (in memory here; a database in a real app). */
@Injectable()
export class ProductsService {
  private readonly products = new Map<string, Product>([
    ['1', { id: '1', name: 'Espresso cup', price: 12 }],
    ['2', { id: '2', name: 'Milk jug', price: 18 }],
    ['3', { id: '3', name: 'Grinder', price: 89 }],
  ]);

  list(): Product[] {
    return [...this.products.values()];
  }

  get(id: string): Product {
    const product = this.products.get(id);
    if (!product) throw new NotFoundException(`No product ${id}`);
    return product;
  }

  update(id: string, changes: Partial<Omit<Product, 'id'>>): Product {
    const product = { ...this.get(id), ...changes, id };
    this.products.set(id, product);
    return product;
  }
}
