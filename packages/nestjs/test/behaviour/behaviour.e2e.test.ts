import { afterAll, beforeAll, describe } from 'vitest';
import { createBehaviourFixture } from '../../../../test-support/behaviour-fixture';
import { behaviourSuite, httpFetch } from '../../../../test-support/behaviour-suite';
import { fidelitySuite } from '../../../../test-support/fidelity-suite';
import { type BootedApp, boot, PLATFORMS } from '../support/boot';
import { createBehaviourModule } from './behaviour.module';

describe.each(PLATFORMS)('NestJS on %s', (platform) => {
  let booted: BootedApp | undefined;
  // The fidelity suite's pair: a cached app of its own (the behaviour suite's has run its cases) and one without the cache.
  let cached: BootedApp | undefined;
  let cacheless: BootedApp | undefined;
  beforeAll(async () => {
    booted = await boot(createBehaviourModule(createBehaviourFixture()), platform);
    cached = await boot(createBehaviourModule(createBehaviourFixture()), platform);
    cacheless = await boot(createBehaviourModule(createBehaviourFixture(), { cacheless: true }), platform);
  });
  afterAll(async () => {
    await booted?.close();
    await cached?.close();
    await cacheless?.close();
  });

  behaviourSuite(`NestJS (${platform}) over HTTP`, () => httpFetch(() => booted!.url));
  fidelitySuite(
    `NestJS (${platform}) over HTTP`,
    () => httpFetch(() => cached!.url),
    () => httpFetch(() => cacheless!.url),
  );
});
