/** CPU time and resident memory of a process and of its mediasoup-worker children, from /proc (Linux). */
import fs from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; comm: string; cpu: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return { ppid: Number(fields[1]), comm, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return null;
  }
}

export function workerPids(parent: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s && s.ppid === parent && s.comm.startsWith('mediasoup-work')) out.push(pid);
  }
  return out;
}

/** CPU seconds used so far by the process itself and by its workers. */
export function cpuOf(pid: number): { process: number; workers: number } {
  const own = stat(pid)?.cpu ?? 0;
  const workers = workerPids(pid).reduce((sum, w) => sum + (stat(w)?.cpu ?? 0), 0);
  return { process: own, workers };
}

/** Resident memory of a process, MiB (NaN when it is gone). */
export function rssMb(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by one process (0 when it is gone). */
export function processCpu(pid: number): number {
  return stat(pid)?.cpu ?? 0;
}

/** Children of `parent` whose command name starts with `comm` (e.g. the server's ffmpegs). */
export function childPids(parent: number, comm: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s && s.ppid === parent && s.comm.startsWith(comm)) out.push(pid);
  }
  return out;
}
