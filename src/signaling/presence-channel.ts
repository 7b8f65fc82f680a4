/**
 * Room presence over the relay's pub/sub route (`/yjs`, y-webrtc's protocol). The topic
 * is a hash of the room id, so the relay can fan messages out without learning the room.
 *
 * With `replyId` we also listen on a reply topic of our own (`<topic>.<id>`): members answer a
 * newcomer's announce there, so a join costs the relay one delivery per member instead of one
 * per member per member (everyone's answer went to everyone).
 */
import { Emitter, type Unsubscribe } from '../util/emitter';
import { ReconnectingSocket, wsUrl, type JsonSocket, type SocketStatus } from './reconnecting-socket';

type Events = { message: unknown; status: SocketStatus };

const PING_MS = 20_000;

export class PresenceChannel {
  private readonly socket: JsonSocket;
  private readonly events = new Emitter<Events>();
  private readonly ping: ReturnType<typeof setInterval>;

  private readonly topics: string[];

  constructor(
    relayBase: string,
    private readonly topic: string,
    socketFactory?: (url: () => string) => JsonSocket,
    jwt?: string,
    replyId?: string,
  ) {
    this.topics = replyId ? [topic, replyTopic(topic, replyId)] : [topic];
    const url = () => wsUrl(relayBase, 'yjs', jwt ? { jwt } : undefined);
    this.socket = socketFactory ? socketFactory(url) : new ReconnectingSocket(url);
    this.socket.onStatus((s) => {
      // Subscribe before telling anyone we are open, so our first publish has an audience.
      if (s === 'open') this.socket.send({ type: 'subscribe', topics: this.topics });
      this.events.emit('status', s);
    });
    this.socket.onMessage((m) => {
      if (typeof m !== 'object' || m === null) return;
      const msg = m as Record<string, unknown>;
      if (msg.type === 'publish' && typeof msg.topic === 'string' && this.topics.includes(msg.topic)) this.events.emit('message', msg.data);
    });
    this.ping = setInterval(() => this.socket.send({ type: 'ping' }), PING_MS);
  }

  get status(): SocketStatus {
    return this.socket.status;
  }

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  publish(data: unknown): boolean {
    return this.socket.send({ type: 'publish', topic: this.topic, data });
  }

  /** To one member's reply topic (it listens there if it asked for replies with `rt`). */
  publishTo(peerId: string, data: unknown): boolean {
    return this.socket.send({ type: 'publish', topic: replyTopic(this.topic, peerId), data });
  }

  close(): void {
    clearInterval(this.ping);
    this.socket.send({ type: 'unsubscribe', topics: this.topics });
    this.socket.close();
    this.events.clear();
  }
}

/** A member's reply topic: the room topic (a hash) and its random per-load id; nothing more. */
export function replyTopic(topic: string, peerId: string): string {
  return `${topic}.${peerId}`;
}
