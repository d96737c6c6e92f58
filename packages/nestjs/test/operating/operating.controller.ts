import { Controller, Get, Param } from '@nestjs/common';
import { CachePolicy } from '../../src';

@Controller('items')
export class OperatingController {
  runs = 0;

  @Get(':id')
  @CachePolicy({ maxAge: 60, tags: ['items'] })
  item(@Param('id') id: string): { id: string; run: number } {
    this.runs++;
    return { id, run: this.runs };
  }
}
