import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ENTRY_LAYOUT as L } from './entry-codec';

/**
 * The Lua scripts of `redisStore()`. Each runs atomically on one hash slot: every key a script
 * touches, declared or built from `base`, shares the bucket's hash tag (`<prefix>{<bucket>}`), so
 * the scripts are valid on Redis Cluster (no CROSSSLOT) and need no cross-slot transaction.
 *
 * Key names inside a bucket `base`:
 *   base..'e:'..key   entry (binary, see entry-codec.ts)
 *   base..'t:'..tag   tag set: version..key of this bucket's entries carrying the tag
 *   base..'i:'..tag   race guard: when the tag was last invalidated (ms, cache clock), with a TTL
 *   base..'k:'..key   race guard: when the key was last expired
 *   base..'l:'..key   stampede lock
 *   base..'f'         guard floor (a hash): f = the latest invalidation time of the bucket, e = Redis's
 *                     evicted_keys when last looked at, x = when evictions were last seen (0: never)
 *
 * Eviction (an evicting maxmemory-policy) can drop any of these keys on its own. The scripts are
 * built so that a missing key never reads as "fresh" or "not invalidated":
 * - an entry is served only while it is a member of every one of its tags' sets (GET_SCRIPT):
 *   an evicted tag set hides its entries, which a tag invalidation could no longer find;
 * - a write whose run started before an invalidation of the bucket and whose race guard is
 *   missing is dropped when Redis evicted keys since (SET_SCRIPT, the guard floor).
 */
const HELPERS = `
local MAGIC = '${L.magic}'
local PREAMBLE = ${L.preambleBytes}
local FRESH_OFFSET, FRESH_FROM, FRESH_TO = ${L.freshOffset}, ${L.freshOffset + 1}, ${L.freshOffset + L.freshWidth}
local GRACE_FROM, GRACE_TO = ${L.graceOffset + 1}, ${L.graceOffset + L.graceWidth}
local TAGS_LENGTH_AT = ${L.tagsLengthOffset + 1}
local VERSION_OFFSET, VERSION_WIDTH = ${L.versionOffset}, ${L.versionWidth}
local VERSION_FROM, VERSION_TO = ${L.versionOffset + 1}, ${L.versionOffset + L.versionWidth}
local function readHead(ek, size)
  local head = redis.pcall('GETRANGE', ek, 0, size - 1)
  if type(head) ~= 'string' or #head < PREAMBLE or string.sub(head, 1, #MAGIC) ~= MAGIC then return nil end
  return head
end
local function readTags(ek)
  local head = readHead(ek, 512)
  if not head then return nil end
  local version = string.sub(head, VERSION_FROM, VERSION_TO)
  local n = struct.unpack('>I4', head, TAGS_LENGTH_AT)
  if n <= 2 then return {}, version end
  local raw
  if PREAMBLE + n <= #head then
    raw = string.sub(head, PREAMBLE + 1, PREAMBLE + n)
  else
    raw = redis.call('GETRANGE', ek, PREAMBLE, PREAMBLE + n - 1)
  end
  local ok, tags = pcall(cjson.decode, raw)
  if not ok or type(tags) ~= 'table' then return nil end
  return tags, version
end
local function unindex(base, ek, key)
  local tags, version = readTags(ek)
  if not tags then return end
  for _, t in ipairs(tags) do
    if type(t) == 'string' then redis.call('SREM', base .. 't:' .. t, version .. key) end
  end
end
local function expire(ek, head, nowp, now)
  local fu = tonumber(string.sub(head, FRESH_FROM, FRESH_TO))
  if fu and fu <= now then return 1 end
  redis.call('SETRANGE', ek, FRESH_OFFSET, nowp)
  local g = tonumber(string.sub(head, GRACE_FROM, GRACE_TO)) or 0
  if g <= 0 then redis.call('DEL', ek) return 1 end
  redis.call('PEXPIRE', ek, math.ceil(g), 'LT')
  return 1
end
local function guard(k, now, nows, ttl)
  local cur = tonumber(redis.call('GET', k) or '')
  if cur and cur > now then redis.call('PEXPIRE', k, ttl) else redis.call('SET', k, nows, 'PX', ttl) end
end
-- Redis's evicted_keys counter, or nil when INFO is refused (then every check is conservative).
local function evictedKeys()
  local info = redis.pcall('INFO', 'stats')
  if type(info) ~= 'string' then return nil end
  return tonumber(string.match(info, 'evicted_keys:(%d+)'))
end
-- A new guard floor: from now on; evictions seen now unless Redis never evicted (or INFO failed).
local function newFloor(fk, now, ttl)
  local ev = evictedKeys()
  redis.call('HSET', fk, 'f', now, 'e', ev or -1, 'x', (ev == 0) and 0 or now)
  redis.call('PEXPIRE', fk, ttl)
  return ev
end
-- Called by every invalidation of the bucket, after its guards are set.
local function raiseFloor(fk, now, ttl)
  local f = tonumber(redis.call('HGET', fk, 'f') or '')
  if not f then newFloor(fk, now, ttl) return end
  if f < now then redis.call('HSET', fk, 'f', now) end
  redis.call('PEXPIRE', fk, ttl)
end
`;

/**
 * Reads an entry, but only while it is still indexed: a member (version .. key) of every one of
 * its tags' sets. An entry whose tag set was evicted (or lost in a slot move) reads as a miss,
 * never as fresh. Values that are not entries are returned as they are (the client reads them as
 * misses); an entry without tags costs no more than the GET. Without the helpers (their closures
 * cost about 2 µs a call): this is the read path.
 * KEYS: entry. ARGV: base, store key. Returns the value or false.
 */
export const GET_SCRIPT: string = `
local v = redis.pcall('GET', KEYS[1])
if type(v) ~= 'string' then return false end
if #v < ${L.preambleBytes} or string.sub(v, 1, ${L.magic.length}) ~= '${L.magic}' then return v end
local n = struct.unpack('>I4', v, ${L.tagsLengthOffset + 1})
if n <= 2 then return v end
local ok, tags = pcall(cjson.decode, string.sub(v, ${L.preambleBytes + 1}, ${L.preambleBytes} + n))
if not ok or type(tags) ~= 'table' then return false end
local member = string.sub(v, ${L.versionOffset + 1}, ${L.versionOffset + L.versionWidth}) .. ARGV[2]
for i = 1, #tags do
  local t = tags[i]
  if type(t) ~= 'string' or redis.call('SISMEMBER', ARGV[1] .. 't:' .. t, member) == 0 then return false end
end
return v
`;

/**
 * Stores an entry unless the race guard drops it; keeps the tag sets in step (the value it
 * replaces leaves its tag sets).
 *
 * The race guard: a guard time at or after notBefore drops the write. A missing guard means "not
 * invalidated since notBefore" only if it cannot have been evicted: when the bucket had an
 * invalidation since notBefore (or its floor is unknown), the write goes through only if Redis
 * has evicted nothing since before notBefore (the floor's e and x, checked against INFO).
 * KEYS: entry, key guard, n tag guards, n tag sets, guard floor (declared, like every key a
 * script may create, so that a slot being migrated routes the script where the keys are).
 * ARGV: value, ttl ms, notBefore ('' = none), n, base, store key, member (version .. key), now,
 * guard ttl ms.
 * Returns 1 when stored, 0 when dropped.
 */
export const SET_SCRIPT: string = `${HELPERS}
if redis.replicate_commands then redis.replicate_commands() end
local n = tonumber(ARGV[4])
if ARGV[3] ~= '' then
  local nb, missing = tonumber(ARGV[3]), false
  for i = 2, 2 + n do
    local ts = tonumber(redis.call('GET', KEYS[i]) or '')
    if ts and ts >= nb then return 0 end
    if not ts then missing = true end
  end
  if missing then
    local fk, now = KEYS[3 + 2 * n], tonumber(ARGV[8])
    local fl = redis.call('HMGET', fk, 'f', 'e', 'x')
    local f = tonumber(fl[1])
    if not f then
      -- no invalidation here for guardTtl, a restart, or the floor itself was evicted
      if newFloor(fk, now, ARGV[9]) ~= 0 then return 0 end
    elseif f >= nb then
      local ev = evictedKeys()
      if ev == nil or ev ~= tonumber(fl[2]) then
        redis.call('HSET', fk, 'e', ev or -1, 'x', now)
        return 0
      end
      if (tonumber(fl[3]) or now) >= nb then return 0 end
    end
  end
end
unindex(ARGV[5], KEYS[1], ARGV[6])
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 3 + n, 2 + 2 * n do
  redis.call('SADD', KEYS[i], ARGV[7])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
`;

/**
 * Invalidates this bucket's entries carrying any of n tags and records the tags' guard times.
 * A member acts only on the write it was added by (same version): a key rewritten since, with
 * other tags, is left alone. Deleted entries are not removed from their other tags' sets (that
 * would cost a JSON decode per entry); those members can never match again and expire with
 * their set.
 *
 * A Cluster slot migration moves keys one by one, so an entry can already be on the importing
 * node while its tag set is still here (the script runs where its declared keys are). Delete mode
 * UNLINKs the set, so such an entry fails the read's membership check. Expire mode keeps the set:
 * it removes the members whose entry it does not find here with their version, so the moved entry
 * reads as a miss (it loses its grace window, never its invalidation).
 * KEYS: n tag sets, n tag guards, guard floor. ARGV: mode, now (padded), now, guard ttl ms, base.
 * Returns how many entries were deleted or expired.
 */
export const INVALIDATE_TAGS_SCRIPT: string = `${HELPERS}
if redis.replicate_commands then redis.replicate_commands() end
local n = (#KEYS - 1) / 2
local mode, nowp, now, gttl, base = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local count, seen, single = 0, {}, n == 1
for i = 1, n do
  for _, m in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    if single or not seen[m] then
      if not single then seen[m] = true end
      local ek = base .. 'e:' .. string.sub(m, VERSION_WIDTH + 1)
      local version = string.sub(m, 1, VERSION_WIDTH)
      if mode == 'delete' then
        -- the hot path of a big invalidation: read only the version bytes
        if redis.pcall('GETRANGE', ek, VERSION_OFFSET, VERSION_OFFSET + VERSION_WIDTH - 1) == version then
          count = count + redis.call('DEL', ek)
        end
      else
        local head = readHead(ek, PREAMBLE)
        if head and string.sub(head, VERSION_FROM, VERSION_TO) == version then
          count = count + expire(ek, head, nowp, now)
        else
          -- Gone, rewritten, or moved ahead of this set by a slot migration: unindex it, so that
          -- an entry of this version arriving with the set reads as a miss, not as fresh.
          redis.call('SREM', KEYS[i], m)
        end
      end
    end
  end
  if mode == 'delete' then redis.call('UNLINK', KEYS[i]) end
  guard(KEYS[n + i], now, ARGV[3], gttl)
end
raiseFloor(KEYS[#KEYS], now, gttl)
return count
`;

/**
 * Makes keys of one bucket stale (grace kept) and records their guard times.
 * KEYS: n entries, n key guards, guard floor. ARGV: now (padded), now, guard ttl ms.
 */
export const EXPIRE_KEYS_SCRIPT: string = `${HELPERS}
if redis.replicate_commands then redis.replicate_commands() end
local n = (#KEYS - 1) / 2
local now = tonumber(ARGV[2])
local count = 0
for i = 1, n do
  guard(KEYS[n + i], now, ARGV[2], ARGV[3])
  local head = readHead(KEYS[i], PREAMBLE)
  if head then count = count + expire(KEYS[i], head, ARGV[1], now) end
end
raiseFloor(KEYS[#KEYS], now, ARGV[3])
return count
`;

/** Deletes entries of one bucket and their tag-set memberships. KEYS: entries. ARGV: base, then the store key of each. */
export const DELETE_SCRIPT: string = `${HELPERS}
local count = 0
for i = 1, #KEYS do
  unindex(ARGV[1], KEYS[i], ARGV[i + 1])
  count = count + redis.call('UNLINK', KEYS[i])
end
return count
`;

/** Releases a lock only when it still holds our token (compare-and-delete). KEYS: lock. ARGV: token. */
export const RELEASE_LOCK_SCRIPT: string = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** A script callable by SHA, loaded on first use (and again after a `SCRIPT FLUSH` or failover). */
export interface RedisScript {
  run(
    client: Redis | Cluster,
    keys: readonly string[],
    args: readonly (string | Buffer | number)[],
  ): Promise<unknown>;
  /**
   * The same with bulk replies as Buffers (binary-safe entries), chained without async frames:
   * it is the read path of every L2 lookup.
   */
  runBuffer(client: Redis | Cluster, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

/** Wraps a script: `EVALSHA`, falling back to `EVAL` (which also caches it on that node) on `NOSCRIPT`. */
export function defineScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
        return await client.eval(source, keys.length, ...keys, ...args);
      }
    },
    runBuffer(client, keys, args) {
      return client.callBuffer('EVALSHA', sha, keys.length, ...keys, ...args).catch((error: unknown) => {
        if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
        return client.callBuffer('EVAL', source, keys.length, ...keys, ...args);
      });
    },
  };
}
