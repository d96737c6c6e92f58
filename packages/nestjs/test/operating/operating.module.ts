import { Module } from '@nestjs/common';
import { RouteCacheModule } from '../../src';
import { OperatingController } from './operating.controller';

@Module({
  imports: [RouteCacheModule.forRoot({})],
  controllers: [OperatingController],
})
export class OperatingModule {}
