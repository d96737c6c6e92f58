import { Module } from '@nestjs/common';
import { RouteCacheModule } from '../../src';
import { CatalogueController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';

@Module({
  imports: [RouteCacheModule.forRoot({})],
  controllers: [CatalogueController],
  providers: [CatalogueService],
})
export class CatalogueModule {}
