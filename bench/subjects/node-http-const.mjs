/** Raw `node:http` sending the precomputed document: the platform ceiling every framework sits under. */
import { listenNode } from '../src/serve.mjs';
import { BODY_BYTES } from '../src/workload.mjs';

export const meta = {
  framework: 'node',
  title: 'node:http constant (platform ceiling)',
  role: 'platform',
  baseline: true,
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
};

export function start({ port }) {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': BODY_BYTES.length };
  return listenNode((_req, res) => {
    res.writeHead(200, headers);
    res.end(BODY_BYTES);
  }, port);
}
