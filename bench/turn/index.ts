/**
 * Relayed packets per second and loss: our built-in TURN server against coturn's `turnserver`,
 * same machine, same `turnutils_uclient` load (N clients, channels, echo through
 * `turnutils_peer`), interleaved rounds so machine load hits both alike. Skips coturn (and says
 * so) when it is not installed. Writes bench/results/turn.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from '../stats';
import { measureAllocationRate } from './allocation-rate';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 'bench-secret';

export interface TurnLoad {
  clients: number;
  messages: number;
  bytes: number;
  /** uclient flags beyond the common ones, e.g. ['-c'] (no RTCP) or ['-c', '-s'] (Send indications). */
  flags: string[];
}

export interface TurnRun {
  sent: number;
  received: number;
  lost: number;
  wallSeconds: number;
  /** Both legs: client → peer and peer → client, per second of the uclient run. */
  relayedPerSecond: number;
}

export interface TurnBenchResult {
  load: TurnLoad;
  rounds: number;
  ours: TurnRun[];
  coturn: TurnRun[];
  oursMedianPps: number;
  coturnMedianPps: number | null;
  oursLossPercent: number;
  coturnLossPercent: number | null;
  /** ours / coturn relayed packets per second; target ≥ 0.7. */
  ratio: number | null;
  /** Allocate + delete cycles per second (8 concurrent clients). */
  oursAllocationsPerSecond: number;
  coturnAllocationsPerSecond: number | null;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function runCommand(cmd: string, args: string[], timeoutMs: number): Promise<{ out: string; seconds: number }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ out, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

function stop(child: ChildProcess | undefined): void {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
}

async function uclient(serverPort: number, peerPort: number, load: TurnLoad): Promise<TurnRun> {
  const args = [
    ...load.flags,
    '-W', SECRET, '-u', 'bench',
    '-e', '127.0.0.1', '-r', String(peerPort),
    '-p', String(serverPort),
    '-m', String(load.clients), '-n', String(load.messages), '-l', String(load.bytes), '-z', '0',
    '127.0.0.1',
  ];
  const { out, seconds } = await runCommand('turnutils_uclient', args, 120_000);
  const msgs = [...out.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
  const lost = /Total lost packets (\d+)/.exec(out);
  if (!msgs || !lost) throw new Error(`turnutils_uclient gave no summary:\n${out.slice(-1500)}`);
  const sent = Number(msgs[1]);
  const received = Number(msgs[2]);
  return { sent, received, lost: Number(lost[1]), wallSeconds: seconds, relayedPerSecond: (sent + received) / seconds };
}

/** Our server in its own Node process, like coturn in its own. */
async function startOurs(): Promise<{ child: ChildProcess; port: number }> {
  const entry = path.join(REPO_ROOT, 'bench/turn/serve.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: REPO_ROOT, env: { ...process.env, TURN_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`our TURN server exited: ${out}`)));
  });
  return { child, port };
}

async function startCoturn(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'turnserver',
    [
      '-n', '-L', '127.0.0.1', '-p', String(port), '--relay-ip=127.0.0.1',
      '--use-auth-secret', `--static-auth-secret=${SECRET}`, '--realm=bench',
      '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
      `--userdb=${path.join(dir, 'turndb')}`, `--pidfile=${path.join(dir, 'turnserver.pid')}`,
      `--log-file=${path.join(dir, 'turnserver.log')}`, '--simple-log',
    ],
    { stdio: 'ignore' },
  );
  // Ready when it answers a STUN Binding request.
  const binding = Buffer.from('000100002112a442' + '0123456789abcdef01234567', 'hex');
  const probe = dgram.createSocket('udp4');
  try {
    for (let i = 0; i < 50; i++) {
      const answered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 100);
        probe.once('message', () => {
          clearTimeout(timer);
          resolve(true);
        });
        probe.send(binding, port, '127.0.0.1');
      });
      if (answered) return child;
    }
  } finally {
    probe.close();
  }
  stop(child);
  throw new Error('coturn did not start');
}

export async function runTurnBench(rounds = 3, load: TurnLoad = { clients: 10, messages: 1000, bytes: 200, flags: ['-c'] }): Promise<TurnBenchResult | null> {
  if (!has('turnutils_uclient') || !has('turnutils_peer')) {
    console.log('turn bench: turnutils_uclient/turnutils_peer not installed (Debian package coturn); skipped');
    return null;
  }
  const withCoturn = has('turnserver');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'turn-bench-'));
  const ours = await startOurs();
  const peerPort = await freeUdpPort();
  const peer = spawn('turnutils_peer', ['-L', '127.0.0.1', '-p', String(peerPort)], { stdio: 'ignore' });
  let coturn: ChildProcess | undefined;
  const oursRuns: TurnRun[] = [];
  const coturnRuns: TurnRun[] = [];
  let oursAllocationsPerSecond = 0;
  let coturnAllocationsPerSecond: number | null = null;
  try {
    const coturnPort = withCoturn ? await freeUdpPort() : 0;
    if (withCoturn) coturn = await startCoturn(coturnPort, dir);
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < rounds; i++) {
      oursRuns.push(await uclient(ours.port, peerPort, load));
      if (coturn) coturnRuns.push(await uclient(coturnPort, peerPort, load));
    }
    oursAllocationsPerSecond = await measureAllocationRate(ours.port, SECRET, 3000);
    if (coturn) coturnAllocationsPerSecond = await measureAllocationRate(coturnPort, SECRET, 3000);
  } finally {
    stop(peer);
    stop(coturn);
    stop(ours.child);
    rmSync(dir, { recursive: true, force: true });
  }
  const loss = (runs: TurnRun[]) => (100 * runs.reduce((s, r) => s + (r.sent - r.received), 0)) / Math.max(1, runs.reduce((s, r) => s + r.sent, 0));
  const oursMedianPps = median(oursRuns.map((r) => r.relayedPerSecond));
  const coturnMedianPps = coturnRuns.length ? median(coturnRuns.map((r) => r.relayedPerSecond)) : null;
  const result: TurnBenchResult = {
    load,
    rounds,
    ours: oursRuns,
    coturn: coturnRuns,
    oursMedianPps,
    coturnMedianPps,
    oursLossPercent: loss(oursRuns),
    coturnLossPercent: coturnRuns.length ? loss(coturnRuns) : null,
    ratio: coturnMedianPps ? oursMedianPps / coturnMedianPps : null,
    oursAllocationsPerSecond,
    coturnAllocationsPerSecond,
  };
  printTable(
    `TURN relay: turnutils_uclient -m ${load.clients} -n ${load.messages} -l ${load.bytes} ${load.flags.join(' ')} through turnutils_peer (loopback)`,
    ['server', 'median relayed pkt/s', 'loss %', 'rounds'],
    [
      ['lunar-chat built-in', oursMedianPps.toFixed(0), result.oursLossPercent.toFixed(3), String(rounds)],
      ['coturn turnserver', coturnMedianPps?.toFixed(0) ?? 'not installed', result.coturnLossPercent?.toFixed(3) ?? '', String(coturnRuns.length)],
      ['ratio (ours / coturn)', result.ratio?.toFixed(2) ?? 'n/a', '', 'target ≥ 0.70'],
    ],
  );
  printTable('TURN allocations: Allocate (401 + authenticated) then Refresh(0), 8 concurrent clients', ['server', 'allocations/s'], [
    ['lunar-chat built-in', oursAllocationsPerSecond.toFixed(0)],
    ['coturn turnserver', coturnAllocationsPerSecond?.toFixed(0) ?? 'not installed'],
    ['ratio (ours / coturn)', coturnAllocationsPerSecond ? (oursAllocationsPerSecond / coturnAllocationsPerSecond).toFixed(2) : 'n/a'],
  ]);
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/turn.json'), JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runTurnBench(Number(process.env.BENCH_RUNS ?? 3));
}
