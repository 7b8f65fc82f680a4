import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../../relay/options';
import { createRoom, roomTopic } from '../../../src/room/room-link';
import { TestClient } from './test-client';

/**
 * The relay must not be able to leak what it never learns. Clients here behave like ours:
 * the room id, secret, display names and chat only ever travel as a topic hash or as
 * ciphertext. Afterwards, everything the relay logged, served, sent to webhooks or holds
 * in its heap is searched for them.
 */
describe('privacy: the relay never holds room ids, secrets, names or chat', () => {
  const { roomId, secret } = createRoom();
  const names = ['Zephyrine Quortlebaum', 'Bartholomew Xylograph'];
  const chat = 'the walrus sings at midnight 4471';
  const needles = [roomId, secret, ...names, chat];
  let child: ChildProcess;
  let base = '';
  let output = '';
  const webhookBodies: string[] = [];
  let hooks: http.Server;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lunar-privacy-'));
    hooks = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        webhookBodies.push(JSON.stringify(req.headers) + body);
        res.end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/`;
    child = fork(path.join(REPO_ROOT, 'tests/unit/relay/privacy-relay-child.ts'), [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TURN_ENABLED: '0', WEBHOOK_URLS: hookUrl, WEBHOOK_SECRET: 'whsec-privacy' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`relay did not start: ${output}`)), 20_000);
      child.stdout?.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      await exited;
    }
    hooks?.closeAllConnections();
    await new Promise((r) => hooks?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds none of them in logs, /stats, /metrics, webhooks or a heap snapshot', async () => {
    const ws = base.replace(/^http/, 'ws');
    const topic = await roomTopic(roomId);
    // What our clients do with the secret: derive a key, send only ciphertext.
    const keyBytes = new Uint8Array(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(`k/${secret}`)));
    const key = await webcrypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt']);
    const seal = async (text: string): Promise<string> => {
      const iv = webcrypto.getRandomValues(new Uint8Array(12));
      const ct = await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
      return Buffer.concat([iv, new Uint8Array(ct)]).toString('base64url');
    };

    const ids = ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'];
    const presence = await Promise.all(ids.map(() => TestClient.open(`${ws}/yjs`)));
    const peers = await Promise.all(
      ids.map((id, i) => TestClient.open(`${ws}/peerjs?key=peerjs&id=${id}&token=${'t'.repeat(10)}${i}&version=1.5.5`)),
    );
    for (const p of peers) expect((await p.next()).type).toBe('OPEN');
    for (const p of presence) p.send({ type: 'subscribe', topics: [topic] });
    // The relay answers each socket in order: a pong means that socket's subscribe was taken.
    for (const p of presence) p.send({ type: 'ping' });
    for (const p of presence) await p.nextMatching((m) => m?.type === 'pong');
    for (let i = 0; i < 2; i++) {
      presence[i]!.send({ type: 'publish', topic, data: { t: 'hello', id: ids[i], sealed: await seal(names[i]!) } });
    }
    peers[0]!.send({ type: 'OFFER', dst: ids[1], payload: { sdp: await seal(`v=0 ${names[0]}`), type: 'media' } });
    peers[1]!.send({ type: 'ANSWER', dst: ids[0], payload: { sdp: await seal(`v=0 ${names[1]}`) } });
    presence[0]!.send({ type: 'publish', topic, data: { chat: await seal(chat) } });
    for (const c of presence) await c.drain(100);
    await fetch(`${base}/report`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ v: 1, topology: 'mesh', e2ee: true, peers: 1, rttMs: 20 }),
    });

    // While the call is live: the relay's state holds the topic hash, which proves the
    // snapshot really covers relay state (positive control).
    const snapshotText = await new Promise<string>((resolve) => {
      child.once('message', (m: unknown) => resolve(readFileSync((m as { file: string }).file, 'utf8')));
      child.send({ type: 'snapshot', dir });
    });
    expect(snapshotText).toContain(topic);
    for (const c of [...presence, ...peers]) c.close();

    // The relay sees the closes and posts its webhooks in its own time: wait for them, not for a fixed time.
    let stats = '';
    await vi.waitFor(
      async () => {
        stats = await (await fetch(`${base}/stats`)).text();
        expect(JSON.parse(stats)).toMatchObject({ total_conferences_completed: 1, total_quality_reports: 1 });
        expect(webhookBodies.length).toBeGreaterThanOrEqual(6);
      },
      { timeout: 10_000, interval: 100 },
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const places: Record<string, string> = { log: output, stats, metrics, webhooks: webhookBodies.join('\n'), heap: snapshotText };
    const hits: string[] = [];
    for (const [where, text] of Object.entries(places)) {
      for (const needle of needles) if (text.includes(needle)) hits.push(`${where}: ${needle}`);
    }
    expect(hits).toEqual([]);
    // Webhooks do not even carry the topic the clients used.
    expect(places.webhooks).not.toContain(topic);
    expect(stats + metrics).not.toContain(topic);
  }, 60_000);
});
