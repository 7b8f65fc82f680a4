import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { RELAY_NODE_FLAGS } from '../../relay/node-flags';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerKind = 'ours' | 'y-webrtc' | 'peer';

export interface BenchServer {
  kind: ServerKind;
  pid: number;
  /** ws:// URL of the pub/sub route (ours, y-webrtc) or the PeerJS route base (ours, peer). */
  pubsubUrl: string | null;
  peerjsUrl: (id: string) => string | null;
  /** Server memory after a full GC in the server process. */
  memory(): Promise<{ rss: number; heapUsed: number; external: number }>;
  /** CPU time (user + system) the server process has used, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Writes a heap snapshot in the server process (for profiling; not used by the benchmark). */
  snapshot(file: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const ENTRY: Record<ServerKind, string> = {
  ours: 'bench/signaling/launch-ours.ts',
  'y-webrtc': 'node_modules/y-webrtc/bin/server.js',
  peer: 'bench/signaling/launch-peer.ts',
};

/**
 * Each server in its own Node process, same flags and preload for all three.
 * BENCH_SERVER_FLAGS adds node flags (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) to every server.
 */
export async function startServer(kind: ServerKind): Promise<BenchServer> {
  const port = await freePort();
  const extra = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const child: ChildProcess = spawn(
    process.execPath,
    // Ours as shipped: with the relay's own Node flags (the references run with Node's defaults).
    [...extra, ...(kind === 'ours' ? RELAY_NODE_FLAGS : []), '--import', 'tsx', '--import', './bench/signaling/bench-preload.ts', ENTRY[kind]],
    { cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start:\n${out}`)), 20_000);
    const poll = setInterval(() => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      });
      s.on('error', () => s.destroy());
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code}:\n${out}`));
    });
  });
  const ws = `ws://127.0.0.1:${port}`;
  return {
    kind,
    pid: child.pid ?? -1,
    pubsubUrl: kind === 'ours' ? `${ws}/yjs` : kind === 'y-webrtc' ? ws : null,
    peerjsUrl: (id) => (kind === 'y-webrtc' ? null : `${ws}/peerjs?key=peerjs&id=${id}&token=tok${id}&version=1.5.5`),
    cpuMicros: () =>
      new Promise((resolve) => {
        const onMessage = (m: unknown): void => {
          const msg = m as { type?: string; micros: number };
          if (msg.type !== 'cpu') return;
          child.off('message', onMessage);
          resolve(msg.micros);
        };
        child.on('message', onMessage);
        child.send({ type: 'cpu' });
      }),
    snapshot: (file) =>
      new Promise((resolve) => {
        const onMessage = (m: unknown): void => {
          const msg = m as { type?: string; file: string };
          if (msg.type !== 'snapshot') return;
          child.off('message', onMessage);
          resolve(msg.file);
        };
        child.on('message', onMessage);
        child.send({ type: 'snapshot', file });
      }),
    memory: () =>
      new Promise((resolve) => {
        const onMessage = (m: unknown): void => {
          const msg = m as { type?: string; rss: number; heapUsed: number; external: number };
          if (msg.type !== 'memory') return;
          child.off('message', onMessage);
          resolve({ rss: msg.rss, heapUsed: msg.heapUsed, external: msg.external });
        };
        child.on('message', onMessage);
        child.send({ type: 'memory' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        // A clean exit writes any --cpu-prof output; the kill is the fallback.
        child.send({ type: 'exit' });
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}
