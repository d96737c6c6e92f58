/**
 * CPU accounting from /proc, to tell a quiet measurement from a noisy one: how much of the
 * server's core went to processes other than the server during the load.
 */
import { readFileSync } from 'node:fs';

/**
 * Per-CPU jiffies: `busy` is time spent running tasks (user, nice, system, steal), `total`
 * everything. Interrupt and softirq time are left out of `busy`: at high request rates the
 * kernel's loopback networking for the server's own traffic shows up there, not other processes.
 */
export function readCpuTimes() {
  const cpus = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = line.match(/^cpu(\d+)\s+(.*)$/);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].trim().split(/\s+/).map(Number);
    const busy = user + nice + system + (steal ?? 0);
    cpus[m[1]] = { busy, total: busy + idle + (iowait ?? 0) + (irq ?? 0) + (softirq ?? 0) };
  }
  return cpus;
}

/** utime + stime of a process, in jiffies (undefined once it is gone). */
export function readProcessTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Share of `core`'s time used by others than `pid` between two samples (0..1), and the
 * server's own share of that core.
 */
export function foreignShare(before, after, core, pidTicksBefore, pidTicksAfter) {
  const b = before[core];
  const a = after[core];
  if (!a || !b) return { foreign: Number.NaN, server: Number.NaN };
  const total = a.total - b.total;
  const busy = a.busy - b.busy;
  const server = (pidTicksAfter ?? 0) - (pidTicksBefore ?? 0);
  if (total <= 0) return { foreign: Number.NaN, server: Number.NaN };
  return { foreign: Math.max(0, busy - server) / total, server: server / total };
}

/** CPU time a process has run, in nanoseconds (`/proc/<pid>/schedstat`), or undefined once it is gone. */
export function readProcessCpuNs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}
