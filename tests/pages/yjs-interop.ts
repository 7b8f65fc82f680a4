/** The unmodified y-webrtc provider syncing a Y.Doc through our relay's /yjs route. */
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';

const doc = new Y.Doc();
let provider: WebrtcProvider | null = null;

const api = {
  connect: (room: string, password?: string) => {
    const signaling = [`ws://${location.host}/yjs`];
    provider = new WebrtcProvider(room, doc, { signaling, ...(password ? { password } : {}), peerOpts: { config: { iceServers: [] } } });
  },
  set: (key: string, value: string) => doc.getMap('m').set(key, value),
  get: (key: string) => doc.getMap('m').get(key) as string | undefined,
  peers: () => (provider ? provider.room?.webrtcConns.size ?? 0 : 0),
  /** The room is open (its key derived) and every signalling socket is up: our announce is on its way (encrypted first). */
  settled: () => !!provider?.room && provider.signalingConns.length > 0 && provider.signalingConns.every((c) => c.connected),
};

declare global {
  interface Window {
    yinterop: typeof api;
  }
}
window.yinterop = api;
