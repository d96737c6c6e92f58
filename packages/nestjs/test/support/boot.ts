import { type IncomingHttpHeaders, request } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The platforms every e2e suite runs on. */
export const PLATFORMS = ['express', 'fastify'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

export interface BootedApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Boots `module` on `platform`, listening on a free loopback port. */
export async function boot(module: unknown, platform: PlatformName): Promise<BootedApp> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(module as never, adapter, {
    logger: process.env.NEST_LOG ? ['error', 'warn'] : false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, close: () => app.close() };
}

/**
 * A GET through `node:http`, sending exactly `headers`. (`fetch` adds `Cache-Control: no-cache`
 * to conditional requests, which asks every cache to revalidate end to end.)
 */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** A JSON body the test controllers send: most carry the handler's `run` count. */
export type JsonBody = { run: number } & Record<string, unknown>;

export function readJson<T = JsonBody>(response: Response): Promise<T> {
  return response.json() as Promise<T>;
}
