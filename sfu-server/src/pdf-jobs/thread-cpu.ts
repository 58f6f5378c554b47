/**
 * CPU time of one thread of this process, from /proc/self/task/<tid>/stat (Linux): user + system
 * clock ticks (fields 14 and 15), at the kernel's USER_HZ of 100 ticks per second. Null where /proc
 * is not there (the caller then falls back to wall-clock time).
 */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

export function threadCpuSeconds(tid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : null;
}
