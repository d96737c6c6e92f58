import { expect, it } from 'vitest';

it('x', async () => {
  const m = await import('prom-client');
  expect(typeof m.Registry).toBe('function');
});
