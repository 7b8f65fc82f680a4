/**
 * A client for the PeerJS server protocol (the relay's `/peerjs` route). We speak the wire
 * protocol ourselves instead of using `peerjs`'s MediaConnection (see docs/decisions.md):
 * the protocol gives us routing by peer id; negotiation is ours (perfect negotiation,
 * transforms attached before any description is applied).
 */
import { markOnce } from '../util/mark-once';
import { Emitter, type Unsubscribe } from '../util/emitter';
import { ReconnectingSocket, wsUrl, type JsonSocket, type SocketStatus } from './reconnecting-socket';

export type PeerjsSignalType = 'OFFER' | 'ANSWER' | 'CANDIDATE' | 'LEAVE';

export interface PeerjsSignal {
  type: PeerjsSignalType;
  from: string;
  payload: unknown;
}

type Events = {
  signal: PeerjsSignal;
  /** A message we sent could not be delivered (the peer is gone). */
  expire: { peerId: string };
  /** The relay lost the signalling socket of a peer we negotiated with: a hint (it may be back). */
  gone: { peerId: string };
  /** Registered with the relay and ready to route. */
  status: 'ready' | SocketStatus;
  error: { code: string; message: string };
};

const HEARTBEAT_MS = 5000;

export class PeerjsSignaling {
  private readonly socket: JsonSocket;
  private readonly events = new Emitter<Events>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private ready = false;

  constructor(
    relayBase: string,
    readonly peerId: string,
    token: string,
    socketFactory?: (url: () => string) => JsonSocket,
    jwt?: string,
  ) {
    const url = () => wsUrl(relayBase, 'peerjs', { key: 'peerjs', id: peerId, token, version: 'lunar-1', ...(jwt ? { jwt } : {}) });
    this.socket = socketFactory ? socketFactory(url) : new ReconnectingSocket(url);
    this.socket.onStatus((s) => {
      if (s !== 'open') this.ready = false;
      this.events.emit('status', s);
    });
    this.socket.onMessage((m) => this.handle(m));
    this.heartbeat = setInterval(() => this.socket.send({ type: 'HEARTBEAT' }), HEARTBEAT_MS);
  }

  get isReady(): boolean {
    return this.ready;
  }

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  send(type: PeerjsSignalType, dst: string, payload: unknown): boolean {
    return this.socket.send({ type, dst, payload });
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.socket.close();
    this.events.clear();
  }

  private handle(m: unknown): void {
    if (typeof m !== 'object' || m === null) return;
    const msg = m as Record<string, unknown>;
    switch (msg.type) {
      case 'OPEN':
        this.ready = true;
        this.events.emit('status', 'ready');
        return;
      case 'OFFER':
      case 'ANSWER':
      case 'CANDIDATE':
      case 'LEAVE':
        markOnce(`ws-${msg.type.toLowerCase()}`);
        if (typeof msg.src === 'string') this.events.emit('signal', { type: msg.type, from: msg.src, payload: msg.payload });
        return;
      case 'EXPIRE':
        if (typeof msg.src === 'string') this.events.emit('expire', { peerId: msg.src });
        return;
      case 'GONE':
        if (typeof msg.src === 'string') this.events.emit('gone', { peerId: msg.src });
        return;
      case 'ID-TAKEN':
        this.events.emit('error', { code: 'id-taken', message: 'Another tab is using this participant id.' });
        return;
      case 'ERROR': {
        const p = msg.payload as Record<string, unknown> | undefined;
        this.events.emit('error', { code: typeof p?.code === 'string' ? p.code : 'relay-error', message: typeof p?.msg === 'string' ? p.msg : 'relay error' });
        return;
      }
      default:
        return;
    }
  }
}
