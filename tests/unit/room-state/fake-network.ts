/**
 * An in-memory, seeded, lossy and reordering network of Y.Docs (in the spirit of Yjs's
 * TestConnector). Updates are broadcast as y-webrtc does; delivery picks a random queued
 * message (reordering) and drops some (loss). Joining runs a sync exchange like y-webrtc's
 * sync step 1/2 (also through the lossy queue); `settle` ends loss and repeats anti-entropy
 * until every online doc has the same state.
 */
import * as Y from 'yjs';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Message {
  to: string;
  update: Uint8Array;
}

export interface NetworkOptions {
  dropRate: number;
  /**
   * Runs on each new doc. `toJSON` only lists root types a doc has accessed, so the test
   * declares the schema's types here: otherwise equal docs would compare unequal.
   */
  onCreate?: (doc: Y.Doc) => void;
}

const NETWORK = Symbol('network');

export class FakeNetwork {
  readonly docs = new Map<string, Y.Doc>();
  private readonly online = new Set<string>();
  private queue: Message[] = [];
  private lossy = true;
  delivered = 0;
  dropped = 0;

  constructor(
    readonly random: () => number,
    private readonly options: NetworkOptions,
  ) {}

  pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  onlinePeers(): string[] {
    return [...this.online].sort();
  }

  /** A new peer (or a returning one, with its old doc and its offline edits). */
  join(name: string): Y.Doc {
    let doc = this.docs.get(name);
    if (!doc) {
      doc = new Y.Doc();
      // Seeded client ids: a replayed seed breaks ties the same way.
      doc.clientID = Math.floor(this.random() * 2 ** 31);
      this.options.onCreate?.(doc);
      this.docs.set(name, doc);
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === NETWORK || !this.online.has(name)) return;
        for (const peer of this.online) if (peer !== name) this.queue.push({ to: peer, update });
      });
    }
    this.online.add(name);
    const other = this.pick(this.onlinePeers().filter((p) => p !== name));
    if (other) this.exchange(name, other);
    return doc;
  }

  leave(name: string): void {
    this.online.delete(name);
    this.queue = this.queue.filter((m) => m.to !== name);
  }

  /** Sync step 1/2 both ways between two peers, queued like any other message. */
  private exchange(a: string, b: string): void {
    const docA = this.docs.get(a);
    const docB = this.docs.get(b);
    if (!docA || !docB) return;
    this.queue.push({ to: b, update: Y.encodeStateAsUpdate(docA, Y.encodeStateVector(docB)) });
    this.queue.push({ to: a, update: Y.encodeStateAsUpdate(docB, Y.encodeStateVector(docA)) });
  }

  /** Delivers (or drops) one random queued message; false when the queue is empty. */
  step(): boolean {
    if (this.queue.length === 0) return false;
    const index = Math.floor(this.random() * this.queue.length);
    const [message] = this.queue.splice(index, 1);
    if (!message) return false;
    if (this.lossy && this.random() < this.options.dropRate) {
      this.dropped++;
      return true;
    }
    const doc = this.docs.get(message.to);
    if (doc && this.online.has(message.to)) {
      Y.applyUpdate(doc, message.update, NETWORK);
      this.delivered++;
    }
    return true;
  }

  /** Loss stops; anti-entropy rounds until all online docs agree (bounded: a bug must not hang). */
  settle(maxRounds = 20): boolean {
    this.lossy = false;
    for (let round = 0; round < maxRounds; round++) {
      while (this.step());
      if (this.converged()) return true;
      const peers = this.onlinePeers();
      for (let i = 1; i < peers.length; i++) this.exchange(peers[0] ?? '', peers[i] ?? '');
    }
    while (this.step());
    return this.converged();
  }

  converged(): boolean {
    const states = this.onlinePeers().map((p) => this.docs.get(p)).map((d) => (d ? canonicalJson(d.toJSON()) : ''));
    const vectors = this.onlinePeers().map((p) => this.docs.get(p)).map((d) => (d ? JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(d))].sort((x, y) => x[0] - y[0])) : ''));
    return states.every((s) => s === states[0]) && vectors.every((v) => v === vectors[0]);
  }
}

/** JSON with sorted object keys: Y.Map key order depends on arrival order, content does not. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
