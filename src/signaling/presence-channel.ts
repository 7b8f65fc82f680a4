/**
 * Room presence over the relay's pub/sub route (`/yjs`, y-webrtc's protocol). The topic
 * is a hash of the room id, so the relay can fan messages out without learning the room.
 */
import { Emitter, type Unsubscribe } from '../util/emitter';
import { ReconnectingSocket, wsUrl, type JsonSocket, type SocketStatus } from './reconnecting-socket';

type Events = { message: unknown; status: SocketStatus };

const PING_MS = 20_000;

export class PresenceChannel {
  private readonly socket: JsonSocket;
  private readonly events = new Emitter<Events>();
  private readonly ping: ReturnType<typeof setInterval>;

  constructor(
    relayBase: string,
    private readonly topic: string,
    socketFactory?: (url: () => string) => JsonSocket,
    jwt?: string,
  ) {
    const url = () => wsUrl(relayBase, 'yjs', jwt ? { jwt } : undefined);
    this.socket = socketFactory ? socketFactory(url) : new ReconnectingSocket(url);
    this.socket.onStatus((s) => {
      // Subscribe before telling anyone we are open, so our first publish has an audience.
      if (s === 'open') this.socket.send({ type: 'subscribe', topics: [this.topic] });
      this.events.emit('status', s);
    });
    this.socket.onMessage((m) => {
      if (typeof m !== 'object' || m === null) return;
      const msg = m as Record<string, unknown>;
      if (msg.type === 'publish' && msg.topic === this.topic) this.events.emit('message', msg.data);
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

  close(): void {
    clearInterval(this.ping);
    this.socket.send({ type: 'unsubscribe', topics: [this.topic] });
    this.socket.close();
    this.events.clear();
  }
}
