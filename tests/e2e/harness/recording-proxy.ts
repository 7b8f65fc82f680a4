/**
 * A TCP proxy in front of the relay that keeps every byte browsers send it, so a test can
 * check what the relay received. Client-to-server WebSocket frames are masked (RFC 6455
 * §5.3), so `received()` unmasks them; HTTP requests are kept as text.
 */
import net from 'node:net';

export interface RecordingProxy {
  url: string;
  /** Everything received from clients: HTTP request text and unmasked WebSocket payloads. */
  received: () => string;
  close: () => Promise<void>;
}

/** Extracts HTTP heads and unmasked WebSocket payloads from one client→server byte stream. */
export function decodeClientStream(buf: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return buf.toString('latin1');
  const head = buf.subarray(0, headEnd + 4).toString('latin1');
  parts.push(head);
  offset = headEnd + 4;
  if (!/^upgrade:\s*websocket/im.test(head)) {
    // Plain HTTP (keep-alive may carry several requests): keep it all as text.
    parts.push(buf.subarray(offset).toString('latin1'));
    return parts.join('\n');
  }
  while (offset + 2 <= buf.length) {
    const b1 = buf[offset + 1] as number;
    let len = b1 & 0x7f;
    let p = offset + 2;
    if (len === 126) {
      if (p + 2 > buf.length) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (p + 8 > buf.length) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? buf.subarray(p, p + 4) : null;
    if (masked) p += 4;
    if (p + len > buf.length) break;
    const payload = Buffer.from(buf.subarray(p, p + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    parts.push(payload.toString('utf8'));
    offset = p + len;
  }
  return parts.join('\n');
}

export async function startRecordingProxy(targetPort: number): Promise<RecordingProxy> {
  const streams: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const chunks: Buffer[] = [];
    streams.push(chunks);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d: Buffer) => {
      chunks.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => streams.map((c) => decodeClientStream(Buffer.concat(c))).join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
