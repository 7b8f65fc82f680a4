/**
 * CPU time of Chromium's processes from /proc (Linux only): a page's renderer process holds its
 * main thread, its workers and WebRTC's threads, so its CPU time is what forwarding costs that
 * page. Packet I/O in the shared network service is not included.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields start after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, ppid, cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

export function cpuMs(pid: number): number {
  return readStat(pid)?.cpuMs ?? NaN;
}

/** Renderer processes descending from `rootPid` (the browser we launched, not anyone else's). */
export function rendererPids(rootPid: number): Set<number> {
  return new Set([...descendantPids(rootPid)].filter((pid) => processType(pid) === 'renderer'));
}

/** Every process descending from `rootPid` (renderers, the GPU process, the audio service…). */
export function descendantPids(rootPid: number): Set<number> {
  const stats = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is ProcStat => s !== null);
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out = new Set<number>();
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    for (const c of children.get(pid) ?? []) {
      out.add(c);
      stack.push(c);
    }
  }
  return out;
}

/** Chromium's process type (`renderer`, `gpu-process`, `utility`…; `browser` for the main one). */
export function processType(pid: number): string {
  try {
    return /--type=([a-z-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
}

/** CPU time (ms) of each thread of `pid`, keyed `<thread id>` with its name (`comm`). */
export function threadCpuMs(pid: number): Map<number, { name: string; cpuMs: number }> {
  const out = new Map<number, { name: string; cpuMs: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
      const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { name, cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}
