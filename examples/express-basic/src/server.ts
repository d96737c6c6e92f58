import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { createTour, toCurl } from './tour.ts';

const port = Number(process.env.PORT ?? 3000);
const { app, catalogue } = createApp();
const tour = await createTour(catalogue);

const server = app.listen(port, () => {
  const base = `http://localhost:${(server.address() as AddressInfo).port}`;
  const lines = tour.map((step) => `  # ${step.shows}\n  ${toCurl(base, step)}`);
  process.stdout.write(
    `express-basic listening on ${base}\n\nTry:\n${lines.join('\n')}\n\nAlso: ${base}/api/products, ${base}/me, ${base}/api/cart, ${base}/stats\n`,
  );
});
