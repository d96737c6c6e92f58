import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { DEMO_HOST, warmCatalogue } from './warm.ts';

describe('the express-basic warm script', () => {
  it('stores every catalogue page through the app and prints a progress line for each', async () => {
    const demo = createApp();
    const lines: string[] = [];
    const summary = await warmCatalogue(demo, (line) => lines.push(line));
    expect(summary).toMatchObject({ total: 4, stored: 4, skipped: 0, failed: 0 });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\[warm\] 1\/4 stored {2}\/api\/products(\/\d)? \d+\.\d ms$/);
    expect(lines[4]).toMatch(/^\[warm\] done: 4 stored, 0 already fresh, 0 skipped, 0 failed in \d+ ms$/);
    // The health report sees the warmed entries; the next visitors (same Host) hit.
    expect((await demo.rc.health()).l1?.entries).toBe(4);
    const again = await warmCatalogue(demo, () => {});
    expect(again).toMatchObject({ fresh: 4, stored: 0 });
    expect(DEMO_HOST).toBe('localhost:3000');
  });
});
