/**
 * `node --import ./snapshot-register.mjs`: resolve `@routecache/*` to the runner's snapshot build.
 * `registerHooks` runs the hook in the same thread (no loader worker in the measured process).
 */
import { registerHooks } from 'node:module';
import { resolve } from './snapshot-hooks.mjs';

registerHooks({ resolve });
