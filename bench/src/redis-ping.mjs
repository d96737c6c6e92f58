/** One inline Redis command over a raw socket (no client library needed to probe a server). */
import { connect } from 'node:net';

export function rawRedisCommand(port, command) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500, () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().replace(/^[+:]/, '').trim());
    });
  });
}
