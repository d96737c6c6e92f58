/**
 * The bodies of the entries the engine builds, each with a mark that is new whenever the same
 * body object is stored again (a handler may return one `Buffer` with new bytes each time). A
 * sender may keep a body's text (`adapter/body-text.ts`) only for a body with a mark, and only
 * while the mark is the one it converted: an answer's own bytes, never ones the app may change.
 */
const marks = new WeakMap<Uint8Array, object>();

/** Marks `body` as an entry's, replacing any mark it had. */
export function markEntryBody(body: Uint8Array): void {
  marks.set(body, {});
}

/** `body`'s mark, `undefined` for a body no entry was built with. */
export function entryBodyMark(body: Uint8Array): object | undefined {
  return marks.get(body);
}
