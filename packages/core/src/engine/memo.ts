/**
 * A bounded string-keyed memo for the hit path: pure computations over request parts (query
 * filtering, key building) are done once per distinct input. Past `max` entries the oldest is
 * dropped, so attacker-chosen URLs only cost recomputation, never memory.
 */
export interface Memo<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

export function createMemo<V>(max: number): Memo<V> {
  const values = new Map<string, V>();
  return {
    get: (key) => values.get(key),
    set(key, value): void {
      if (values.size >= max && !values.has(key)) {
        const oldest = values.keys().next();
        if (!oldest.done) values.delete(oldest.value);
      }
      values.set(key, value);
    },
  };
}

/** Joins parts into a memo key that no other list of parts can produce (length-prefixed). */
export function joinMemoKey(parts: readonly (string | undefined)[]): string {
  let key = '';
  for (const part of parts) key += part === undefined ? '~' : `${part.length}:${part}`;
  return key;
}
