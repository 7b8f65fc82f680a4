/**
 * Interop with coturn's own test client: turnutils_uclient allocates on our server with REST
 * credentials (-W), binds channels or uses Send indications, and relays to turnutils_peer (a
 * UDP echo server) on loopback. Skipped when the coturn utilities are not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnServer } from '../../../relay/turn/turn-server';
import type { TurnServer } from '../../../relay/turn/turn-server';

const hasCoturn = spawnSync('sh', ['-c', 'command -v turnutils_uclient && command -v turnutils_peer']).status === 0;
const SECRET = 'interop-secret';

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Resolves once the echo server on `port` answers a datagram (its start-up time varies with load). */
async function echoReady(port: number, timeoutMs = 10_000): Promise<void> {
  const s = dgram.createSocket('udp4');
  let answered = false;
  s.once('message', () => (answered = true));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  try {
    const deadline = Date.now() + timeoutMs;
    while (!answered) {
      if (Date.now() > deadline) throw new Error(`turnutils_peer did not answer on ${port}`);
      s.send(Buffer.from('ready?'), port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/** Totals from uclient's summary lines. */
function summary(out: string): { sent: number; received: number; lost: number } | null {
  // Progress lines repeat the counters; the final summary is the last occurrence.
  const msgs = [...out.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
  const lost = /Total lost packets (\d+)/.exec(out);
  if (!msgs || !lost) return null;
  return { sent: Number(msgs[1]), received: Number(msgs[2]), lost: Number(lost[1]) };
}

// No skip when coturn's tools are missing: the interop test must fail loudly (`.ci/run` installs coturn).
describe('interop with coturn turnutils_uclient', () => {
  it('has coturn tools installed (apt-get install coturn)', () => {
    expect(hasCoturn, 'turnutils_uclient and turnutils_peer must be on PATH').toBe(true);
  });

  let server: TurnServer;
  let peer: ChildProcess;
  let peerPort: number;

  beforeAll(async () => {
    server = await createTurnServer({ host: '127.0.0.1', port: 0, secrets: ['rotated-new', SECRET], allowPeers: '127.0.0.1', realm: 'interop' });
    peerPort = await freeUdpPort();
    peer = spawn('turnutils_peer', ['-L', '127.0.0.1', '-p', String(peerPort)], { stdio: 'ignore' });
    await echoReady(peerPort);
  });

  afterAll(async () => {
    if (peer?.pid !== undefined && peer.exitCode === null) process.kill(peer.pid, 'SIGKILL');
    await server?.close();
  });

  const cases: [string, string[]][] = [
    ['UDP, channels', ['-c']],
    ['UDP, RTP+RTCP pairs (EVEN-PORT, RESERVATION-TOKEN)', []],
    ['UDP, Send/Data indications', ['-c', '-s']],
    ['TCP, channels', ['-c', '-t']],
    ['UDP, DONT-FRAGMENT', ['-c', '-g']],
  ];
  for (const [name, flags] of cases) {
    it(`${name}: every message comes back`, async () => {
      const messages = 30;
      const clients = 2;
      const before = server.stats();
      const out = await run(
        'turnutils_uclient',
        [...flags, '-W', SECRET, '-u', 'interop', '-e', '127.0.0.1', '-r', String(peerPort), '-p', String(server.udpPort), '-n', String(messages), '-m', String(clients), '-l', '120', '-z', '10', '127.0.0.1'],
        15_000,
      );
      const s = summary(out);
      expect(s, out.slice(-2000)).not.toBeNull();
      expect(s!.lost, out.slice(-2000)).toBe(0);
      expect(s!.sent).toBe(messages * clients);
      expect(s!.received).toBe(messages * clients);
      const after = server.stats();
      expect(after.packetsToPeers - before.packetsToPeers).toBe(messages * clients);
      expect(after.internalErrors).toBe(0);
    });
  }
});
