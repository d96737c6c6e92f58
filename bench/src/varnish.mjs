/**
 * Starts a throw-away varnishd with the project's VCL (`docs/varnish/routecache.vcl`) on a given
 * loopback port in front of a backend port, for the cdn-purge scenario. Foreground (`-F`), stopped
 * by PID.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const VARNISHD = process.env.VARNISHD_BIN ?? '/usr/sbin/varnishd';
const VCL = fileURLToPath(new URL('../../docs/varnish/routecache.vcl', import.meta.url));

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() || true));
    socket.once('error', () => resolve(false));
  });
}

/** @returns {Promise<{ url: string, stop: () => Promise<void> } | { unavailable: string }>} */
export async function startVarnish({ port, backendPort }) {
  if (!existsSync(VARNISHD))
    return { unavailable: `${VARNISHD} not found (apt-get install varnish varnish-modules)` };
  const dir = mkdtempSync(join(tmpdir(), 'routecache-bench-varnish-'));
  const vcl = readFileSync(VCL, 'utf8').replace(/\.port = "\d+";/, `.port = "${backendPort}";`);
  writeFileSync(join(dir, 'app.vcl'), vcl);
  const args = ['-F', '-j', 'none', '-n', join(dir, 'n'), '-a', `127.0.0.1:${port}`, '-T', 'none'];
  const child = spawn(VARNISHD, [...args, '-f', join(dir, 'app.vcl'), '-s', 'malloc,64M'], {
    stdio: 'ignore',
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 500 && !exited && !(await accepts(port)); i++) await sleep(20);
  if (exited) return { unavailable: 'varnishd exited at start' };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (!exited) {
        process.kill(child.pid, 'SIGTERM');
        await new Promise((r) => (exited ? r() : child.once('exit', r)));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
