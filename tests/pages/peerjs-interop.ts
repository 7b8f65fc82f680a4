/**
 * The unmodified `peerjs` client against our relay's /peerjs route: a data connection and
 * a media call, driven from the test through window.interop.
 */
import { Peer, type DataConnection, type MediaConnection } from 'peerjs';

const received: unknown[] = [];
let peer: Peer | null = null;
let remoteStream: MediaStream | null = null;
let call: MediaConnection | null = null;

function relayOptions() {
  return { host: location.hostname, port: Number(location.port), path: '/', secure: false, debug: 0 as const, config: { iceServers: [] } };
}

async function framesDecoded(): Promise<number> {
  const pc = call?.peerConnection;
  if (!pc) return 0;
  let n = 0;
  (await pc.getStats()).forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') n += Number(s.framesDecoded ?? 0);
  });
  return n;
}

const api = {
  /** Opens a Peer; with no id the client asks the relay for one (GET /peerjs/id). */
  open: (id?: string) =>
    new Promise<string>((resolve, reject) => {
      peer = id ? new Peer(id, relayOptions()) : new Peer(relayOptions());
      peer.on('open', resolve);
      peer.on('error', (e) => reject(new Error(`${e.type}: ${e.message}`)));
      peer.on('connection', (conn: DataConnection) => conn.on('data', (d) => received.push(d)));
      peer.on('call', async (incoming) => {
        const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
        call = incoming;
        incoming.on('stream', (s) => (remoteStream = s));
        incoming.answer(media);
      });
    }),
  send: (to: string, data: unknown) =>
    new Promise<void>((resolve, reject) => {
      if (!peer) return reject(new Error('not open'));
      const conn = peer.connect(to, { reliable: true });
      conn.on('open', () => {
        conn.send(data);
        resolve();
      });
      conn.on('error', (e) => reject(e));
    }),
  call: async (to: string) => {
    if (!peer) throw new Error('not open');
    const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    call = peer.call(to, media);
    call.on('stream', (s) => (remoteStream = s));
  },
  received: () => received,
  hasRemoteStream: () => remoteStream !== null,
  framesDecoded,
};

declare global {
  interface Window {
    interop: typeof api;
  }
}
window.interop = api;
