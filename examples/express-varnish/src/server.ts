import { createApp } from './app.ts';

const port = Number(process.env.PORT ?? 3000);
const varnish = process.env.VARNISH_URL ?? 'http://127.0.0.1:6081';
const { app } = createApp({ varnishUrl: varnish });

app.listen(port, '127.0.0.1', () => {
  process.stdout.write(
    [
      `express-varnish: app on http://127.0.0.1:${port}, Varnish in front on ${varnish}`,
      '',
      'Watch a purge go through:',
      `  curl -si ${varnish}/api/products/1 | grep -iE '^(x-varnish|age):|price'   # miss: one X-Varnish id`,
      `  curl -si ${varnish}/api/products/1 | grep -iE '^(x-varnish|age):|price'   # hit: two ids, Age grows`,
      `  curl -s -X POST -H 'content-type: application/json' -d '{"price":99}' ${varnish}/api/products/1/price`,
      `  curl -si ${varnish}/api/products/1 | grep -iE '^(x-varnish|age):|price'   # miss again, price 99`,
      `  curl -s http://127.0.0.1:${port}/stats                                     # stats().cdn.varnish`,
      '',
    ].join('\n'),
  );
});
