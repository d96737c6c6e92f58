import type { RequestListener, Server } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import type { WarmDispatch } from '@routecache/core';
import { PolicyError } from '@routecache/core';
import { createHttpDispatch } from '@routecache/core/node';

/** Fastify's in-process request injection, as Nest's Fastify adapter exposes it. */
interface Injectable {
  inject(options: {
    method: 'GET';
    url: string;
    headers: Record<string, string>;
  }): Promise<{ statusCode: number; rawPayload: Uint8Array }>;
}

/**
 * Opens a warm dispatcher on Nest's HTTP adapter: real HTTP to the server when it listens;
 * otherwise Fastify's `inject()`, or a loopback server over the Express instance for the
 * warming. Requests go through Nest's whole pipeline (guards, interceptors, the cache).
 */
export async function openNestDispatch(
  host: HttpAdapterHost | undefined,
  method: string,
): Promise<{ dispatch: WarmDispatch; close(): Promise<void> }> {
  const adapter = host?.httpAdapter;
  if (!adapter) {
    throw new PolicyError(
      'app',
      `${method}: no Nest HTTP adapter yet (call it after app.init() or app.listen())`,
    );
  }
  const server = adapter.getHttpServer() as Server | undefined;
  if (server?.listening) return createHttpDispatch({ server });
  const instance = adapter.getInstance() as unknown;
  if (typeof (instance as Injectable | undefined)?.inject === 'function') {
    const fastify = instance as Injectable;
    return {
      dispatch: async (path, headers) => {
        const response = await fastify.inject({ method: 'GET', url: path, headers: { ...headers } });
        return { status: response.statusCode, body: new Uint8Array(response.rawPayload) };
      },
      close: async () => {},
    };
  }
  if (typeof instance === 'function') return createHttpDispatch({ listener: instance as RequestListener });
  throw new PolicyError(
    'app',
    `${method}: the Nest HTTP adapter is neither Express nor Fastify and is not listening`,
  );
}
