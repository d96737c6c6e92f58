import { afterAll, beforeAll, describe } from 'vitest';
import { createBehaviourFixture } from '../../../../test-support/behaviour-fixture';
import { behaviourSuite, httpFetch } from '../../../../test-support/behaviour-suite';
import { type BootedApp, boot, PLATFORMS } from '../support/boot';
import { createBehaviourModule } from './behaviour.module';

describe.each(PLATFORMS)('NestJS on %s', (platform) => {
  let booted: BootedApp | undefined;
  beforeAll(async () => {
    booted = await boot(createBehaviourModule(createBehaviourFixture()), platform);
  });
  afterAll(() => booted?.close());

  behaviourSuite(`NestJS (${platform}) over HTTP`, () => httpFetch(() => booted!.url));
});
