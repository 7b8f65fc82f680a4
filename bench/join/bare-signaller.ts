/**
 * The baseline's "trivial WebSocket signaller": relays every message to the other sockets
 * and tells a newcomer how many are connected. Nothing else: no validation, no rooms.
 */
import { WebSocketServer, WebSocket } from 'ws';

export interface BareSignaller {
  url: string;
  close: () => Promise<void>;
}

export async function startBareSignaller(): Promise<BareSignaller> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    // Only the newcomer hears the count, so exactly one side (the second) offers.
    ws.send(JSON.stringify({ peers: wss.clients.size }));
    ws.on('message', (data) => {
      for (const c of wss.clients) if (c !== ws && c.readyState === WebSocket.OPEN) c.send(data.toString());
    });
  });
  const addr = wss.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
