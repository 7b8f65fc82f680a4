/**
 * Loaded (`--import`) into every benchmarked server process, ours and the references:
 * 1. binds any listener that names no host to 127.0.0.1 (y-webrtc's server would bind every
 *    interface; benchmarks must stay on loopback);
 * 2. answers `{type:'memory'}` over IPC with memory after a full GC, so per-socket figures
 *    are not noise from garbage waiting to be collected, and `{type:'cpu'}` with CPU time used;
 * 3. exits cleanly on `{type:'exit'}`, so `--cpu-prof` / `--heap-prof` (BENCH_SERVER_FLAGS) get written.
 */
import net from 'node:net';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function patched(this: net.Server, ...args: unknown[]) {
  const portOnly = typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]));
  if (portOnly && typeof args[1] !== 'string') args.splice(0, 1, Number(args[0]), '127.0.0.1');
  if (typeof args[0] === 'object' && args[0] !== null && !('host' in args[0])) args[0] = { ...args[0], host: '127.0.0.1' };
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

process.on('message', (msg: unknown) => {
  if ((msg as { type?: string } | null)?.type === 'exit') process.exit(0);
  if ((msg as { type?: string } | null)?.type === 'snapshot') {
    process.send?.({ type: 'snapshot', file: writeHeapSnapshot((msg as { file?: string }).file) });
    return;
  }
  if ((msg as { type?: string } | null)?.type === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ type: 'cpu', micros: c.user + c.system });
    return;
  }
  if ((msg as { type?: string } | null)?.type !== 'memory') return;
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  process.send?.({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external });
});
