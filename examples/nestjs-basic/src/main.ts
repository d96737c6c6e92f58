import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  console.log(
    `nestjs-basic: http://127.0.0.1:${port}/api/products (Redis: ${process.env.REDIS_URL ?? 'off'})`,
  );
}

void main();
