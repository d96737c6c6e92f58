import { Injectable } from '@nestjs/common';

/** Counts handler runs, so that tests can tell a hit from a miss. */
@Injectable()
export class CatalogueService {
  runs = 0;

  product(id: string): { id: string; name: string; run: number } {
    this.runs += 1;
    return { id, name: `Product ${id}`, run: this.runs };
  }
}
