import { afterAll, beforeAll, describe } from 'vitest';
import { behaviourSuite, httpFetch } from '../../../test-support/behaviour-suite';
import { fidelitySuite } from '../../../test-support/fidelity-suite';
import { createBehaviourApp } from './behaviour/app';
import { EXPRESS_VERSIONS, listen, type Running } from './harness';

describe.each(EXPRESS_VERSIONS)('$name', ({ name, express }) => {
  let server: Running | undefined;
  // The fidelity suite's pair: a cached app of its own (the behaviour suite's has run its cases) and one without the cache.
  let cached: Running | undefined;
  let cacheless: Running | undefined;
  beforeAll(async () => {
    server = await listen(createBehaviourApp(express));
    cached = await listen(createBehaviourApp(express));
    cacheless = await listen(createBehaviourApp(express, { cacheless: true }));
  });
  afterAll(async () => {
    await server?.close();
    await cached?.close();
    await cacheless?.close();
  });

  behaviourSuite(`${name} over HTTP`, () => httpFetch(() => server!.url));
  fidelitySuite(
    `${name} over HTTP`,
    () => httpFetch(() => cached!.url),
    () => httpFetch(() => cacheless!.url),
  );
});
