import { afterAll, beforeAll, describe } from 'vitest';
import { behaviourSuite, httpFetch } from '../../../test-support/behaviour-suite';
import { createBehaviourApp } from './behaviour/app';
import { EXPRESS_VERSIONS, listen, type Running } from './harness';

describe.each(EXPRESS_VERSIONS)('$name', ({ name, express }) => {
  let server: Running | undefined;
  beforeAll(async () => {
    server = await listen(createBehaviourApp(express));
  });
  afterAll(() => server?.close());

  behaviourSuite(`${name} over HTTP`, () => httpFetch(() => server!.url));
});
