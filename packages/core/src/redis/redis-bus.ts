import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { PolicyError } from '../errors';
import type { BusInspection } from '../metrics/inspection';
import type { Bus, BusMessage } from '../types';
import { withinDeadline } from '../util/deadline';

/** `redisBus()` options. */
export interface RedisBusOptions {
  /** The ioredis `Redis` or `Cluster` client to publish with; the bus subscribes on its own `duplicate()`. */
  client: Redis | Cluster;
  /**
   * Pub/sub channel; every instance that shares the cache must use the same one.
   * @default 'routecache:bus'
   */
  channel?: string;
  /**
   * How often the bus publishes a heartbeat, in milliseconds. Heartbeats (and every message)
   * carry a per-instance sequence number: a heartbeat of our own that does not come back, or
   * a gap in anyone's sequence, means messages were lost, and `onHealth(false)` is reported.
   * @default 1000
   */
  heartbeatMs?: number;
  /**
   * How long `subscribe()` waits for the first subscription before it rejects, in
   * milliseconds; the bus keeps retrying in the background and reports `onHealth(true)` later.
   * @default 5000
   */
  subscribeTimeoutMs?: number;
  /**
   * Bound on one `PUBLISH`, in milliseconds; past it `publish()` rejects (a client with an
   * offline queue would otherwise hold an invalidation for as long as Redis is down).
   * @default 1000
   */
  publishTimeoutMs?: number;
  /** This instance's id (stamped as `from`). Default: a random UUID. */
  id?: string;
}

/** The bus `redisBus()` returns. */
export interface RedisBus extends Bus {
  readonly id: string;
  /** True while subscribed and no loss has been detected. */
  readonly healthy: boolean;
  /** Health, when our last heartbeat came back and its round trip (the bus's lag), losses detected. */
  inspect(): BusInspection;
}

/** What goes over the wire: the message plus the sender's id and sequence number. */
interface Envelope {
  v: 1;
  from: string;
  seq: number;
  /** When it was published, ms since epoch (the sender's clock): our own echo's round trip is the lag. */
  t?: number;
  /** Absent on heartbeats. */
  m?: BusMessage;
}

interface Sender {
  next: number;
  /** Sequence numbers skipped over, with when we noticed; late arrivals (reordering) remove them. */
  missing: Map<number, number>;
  lastSeen: number;
}

/**
 * An invalidation bus over Redis pub/sub, for `tieredStore()`.
 *
 * - Publishes with `client`; subscribes on its own connection (`client.duplicate()`), since a
 *   subscribed connection can run no other command.
 * - Plain `PUBLISH`/`SUBSCRIBE`, also on a Cluster: Redis Cluster forwards every `PUBLISH` to all
 *   nodes, so the subscriber may sit on any node and survives failovers and resharding without
 *   knowing the slot map. (Sharded pub/sub, `SPUBLISH`, sends a message to one shard only, which
 *   is cheaper on large clusters but ties the channel to one slot's master and its failover.)
 * - An instance ignores its own messages.
 * - Pub/sub is at-most-once. The bus reports `onHealth(false)` as soon as its subscriber
 *   connection closes or reconnects, when its own heartbeat stops coming back (3 heartbeats), or
 *   when a sequence gap shows a message was lost (e.g. a Cluster client silently moving its
 *   subscriber to another node); and `onHealth(true)` once subscribed and delivering again.
 *   `tieredStore()` drops and bypasses L1 in between.
 *
 * @example
 * const bus = redisBus({ client: redis });
 * const store = tieredStore({ l1: memoryStore(), l2: redisStore({ client: redis }), bus });
 */
export function redisBus(options: RedisBusOptions): RedisBus {
  const { client } = options;
  if (!client || typeof (client as Redis).duplicate !== 'function') {
    throw new PolicyError('redisBus.client', 'must be an ioredis Redis or Cluster instance');
  }
  const channel = options.channel ?? 'routecache:bus';
  const heartbeatMs = options.heartbeatMs ?? 1000;
  if (typeof channel !== 'string' || channel === '')
    throw new PolicyError('redisBus.channel', 'must be a non-empty string');
  if (!(heartbeatMs > 0) || !Number.isFinite(heartbeatMs)) {
    throw new PolicyError(
      'redisBus.heartbeatMs',
      `must be a positive number of ms, got ${String(heartbeatMs)}`,
    );
  }
  const subscribeTimeoutMs = options.subscribeTimeoutMs ?? 5000;
  const publishTimeoutMs = options.publishTimeoutMs ?? 1000;
  const id = options.id ?? randomUUID();
  /** Our own message not back within this long = lost; also the window for reordered messages. */
  const lossWindowMs = heartbeatMs * 3;

  let subscriber: Redis | Cluster | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let seq = 0;
  let healthy = false;
  let subscribed = false;
  /** Settles `subscribe()`'s wait: the first subscription, or `close()` before it. */
  let firstSubscribed: () => void = () => {};
  let closed = false;
  let lastEcho = 0;
  let lastHeartbeatAt: number | undefined;
  let lagMs: number | undefined;
  let losses = 0;
  const senders = new Map<string, Sender>();
  let onMessage: ((message: BusMessage) => void) | undefined;
  let onHealth: ((healthy: boolean) => void) | undefined;

  const setHealth = (value: boolean) => {
    if (closed || healthy === value) return;
    healthy = value;
    if (!value) losses++;
    onHealth?.(value);
  };

  /** A loss was detected while the subscription itself looks fine: report a blip. */
  const lost = () => {
    setHealth(false);
    for (const sender of senders.values()) sender.missing.clear();
    if (subscribed) {
      lastEcho = Date.now();
      setHealth(true);
    }
  };

  const send = async (message?: BusMessage): Promise<void> => {
    const envelope: Envelope = {
      v: 1,
      from: id,
      seq: seq++,
      t: Date.now(),
      ...(message ? { m: message } : {}),
    };
    await withinDeadline(
      client.publish(channel, JSON.stringify(envelope)),
      publishTimeoutMs,
      () => new Error(`redisBus: publish timed out after ${publishTimeoutMs} ms`),
    );
  };

  const track = (from: string, n: number, now: number) => {
    const sender = senders.get(from);
    if (!sender) {
      senders.set(from, { next: n + 1, missing: new Map(), lastSeen: now });
      return;
    }
    sender.lastSeen = now;
    if (n >= sender.next) {
      for (let k = Math.max(sender.next, n - 1000); k < n; k++) sender.missing.set(k, now);
      sender.next = n + 1;
    } else {
      sender.missing.delete(n);
    }
  };

  const receive = (raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return; // not ours
    }
    if (envelope?.v !== 1 || typeof envelope.from !== 'string' || typeof envelope.seq !== 'number') return;
    const now = Date.now();
    track(envelope.from, envelope.seq, now);
    if (envelope.from === id) {
      lastEcho = now;
      lastHeartbeatAt = now;
      if (typeof envelope.t === 'number') lagMs = Math.max(0, now - envelope.t);
      if (subscribed) setHealth(true);
      return;
    }
    if (envelope.m && typeof envelope.m === 'object') onMessage?.(envelope.m);
  };

  const tick = () => {
    const now = Date.now();
    void send().catch(() => {});
    if (subscribed && now - lastEcho > lossWindowMs) setHealth(false);
    for (const [from, sender] of senders) {
      if (from !== id && now - sender.lastSeen > 60_000 && sender.missing.size === 0) {
        senders.delete(from);
        continue;
      }
      for (const noticed of sender.missing.values()) {
        if (now - noticed > lossWindowMs) {
          lost();
          return;
        }
      }
    }
  };

  const resubscribe = async (connection: Redis | Cluster) => {
    try {
      await connection.subscribe(channel);
      if (closed) return;
      subscribed = true;
      firstSubscribed();
      lastEcho = Date.now();
      // Anything between the loss and now is gone; sequences restart from what comes next.
      senders.clear();
      setHealth(true);
    } catch {
      // the next 'ready' retries
    }
  };

  return {
    id,
    get healthy() {
      return healthy;
    },

    inspect(): BusInspection {
      return { healthy, lastHeartbeatAt, lagMs, losses };
    },

    async publish(message: BusMessage): Promise<void> {
      await send({ ...message, from: id });
    },

    async subscribe(handler, healthHandler): Promise<void> {
      if (subscriber) throw new Error('redisBus: subscribe() may be called once');
      onMessage = handler;
      onHealth = healthHandler;
      const connection: Redis | Cluster = (client as { isCluster?: boolean }).isCluster
        ? (client as Cluster).duplicate()
        : (client as Redis).duplicate();
      subscriber = connection;
      connection.on('error', () => {}); // reported through onHealth; ioredis reconnects on its own
      connection.on('message', (_channel: string, raw: string) => receive(raw));
      const down = () => {
        subscribed = false;
        setHealth(false);
      };
      connection.on('close', down);
      connection.on('reconnecting', down);
      connection.on('end', down);
      connection.on('ready', () => void resubscribe(connection));
      timer = setInterval(tick, heartbeatMs);
      timer.unref?.();
      // Resolves once subscribed (or closed); while Redis is unreachable the bus keeps retrying
      // and reports onHealth(true) when it gets there.
      const first = new Promise<void>((resolve) => {
        firstSubscribed = resolve;
      });
      if ((connection as Redis).status === 'ready') void resubscribe(connection);
      else if ((connection as Redis).status === 'wait') connection.connect().catch(() => {});
      await withinDeadline(
        first,
        subscribeTimeoutMs,
        () =>
          new Error(
            `redisBus: could not subscribe within ${subscribeTimeoutMs} ms (retrying in the background)`,
          ),
      );
    },

    async close(): Promise<void> {
      closed = true;
      subscribed = false;
      firstSubscribed();
      if (timer) clearInterval(timer);
      const connection = subscriber;
      subscriber = undefined;
      if (connection) await connection.quit().catch(() => connection.disconnect());
    },
  };
}
