/**
 * A small TCP fault proxy on loopback (node:net) to put between one process and Redis:
 * `pass`, `delay` (every chunk held `ms` in each direction, order kept), `blackhole` (one
 * direction or both: nothing is forwarded, everything is held, as a network that stops
 * delivering packets while TCP keeps the connection; healing delivers what was held), and
 * `reset()` (every connection destroyed at once, as a partition that ends in resets).
 *
 * `up` is client → server, `down` is server → client.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export type ProxyMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'blackhole'; readonly direction: 'up' | 'down' | 'both' };

export interface FaultProxy {
  /** The loopback port clients connect to. */
  readonly port: number;
  readonly url: string;
  mode: ProxyMode;
  /** Destroys every open connection (both sides). */
  reset(): void;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Pipe {
  /** Chunks held while this direction is blackholed. */
  held: Buffer[];
  /** When the last delayed chunk goes out (keeps delayed chunks in order). */
  nextAt: number;
  to: Socket;
}

/** Starts a proxy from a free 127.0.0.1 port to `127.0.0.1:targetPort`. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const pipes = new Set<{ up: Pipe; down: Pipe }>();
  let mode: ProxyMode = { kind: 'pass' };

  const blocked = (direction: 'up' | 'down') =>
    mode.kind === 'blackhole' && (mode.direction === 'both' || mode.direction === direction);

  const forward = (pipe: Pipe, direction: 'up' | 'down', chunk: Buffer) => {
    if (blocked(direction) || pipe.held.length > 0) {
      pipe.held.push(chunk);
      return;
    }
    if (mode.kind === 'delay') {
      const at = Math.max(Date.now() + mode.ms, pipe.nextAt);
      pipe.nextAt = at;
      setTimeout(() => pipe.to.destroyed || pipe.to.write(chunk), at - Date.now());
      return;
    }
    pipe.to.write(chunk);
  };

  const flush = () => {
    for (const { up, down } of pipes) {
      for (const [pipe, direction] of [
        [up, 'up'],
        [down, 'down'],
      ] as const) {
        if (blocked(direction)) continue;
        const held = pipe.held.splice(0);
        for (const chunk of held) if (!pipe.to.destroyed) pipe.to.write(chunk);
      }
    }
  };

  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const pair = {
      up: { held: [], nextAt: 0, to: upstream } as Pipe,
      down: { held: [], nextAt: 0, to: client } as Pipe,
    };
    pipes.add(pair);
    const end = () => {
      pipes.delete(pair);
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => forward(pair.up, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => forward(pair.down, 'down', chunk));
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    set mode(next: ProxyMode) {
      mode = next;
      flush();
    },
    reset() {
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
