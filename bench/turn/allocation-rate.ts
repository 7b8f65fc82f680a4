/**
 * Allocations per second against any TURN server with REST credentials: each of `concurrency`
 * workers loops Allocate (401 challenge, then authenticated) → Refresh(lifetime 0), so the
 * server does the full credential check and relay-socket setup and teardown every time.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { issueTurnCredentials } from '../../relay/turn/credentials';
import { decodeErrorCode, decodeString, encodeRequestedTransport, encodeString, encodeUint32 } from '../../relay/turn/stun/attributes';
import { Attr, StunClass, StunMethod } from '../../relay/turn/stun/constants';
import { longTermKey } from '../../relay/turn/stun/integrity';
import { decodeStun, encodeStun, getAttribute } from '../../relay/turn/stun/message';
import type { StunAttribute, StunMessage } from '../../relay/turn/stun/message';

function transact(socket: dgram.Socket, port: number, bytes: Uint8Array): Promise<StunMessage> {
  const txid = Buffer.from(bytes.subarray(8, 20));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error('TURN request timed out'));
    }, 2000);
    const onMessage = (m: Buffer): void => {
      if (!txid.equals(m.subarray(8, 20))) return;
      const d = decodeStun(m);
      if (!d.ok) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(d.value);
    };
    socket.on('message', onMessage);
    socket.send(bytes, port, '127.0.0.1');
  });
}

function request(method: number, attributes: StunAttribute[], auth?: { username: string; realm: string; nonce: string; key: Uint8Array }): Uint8Array {
  const attrs = auth
    ? [
        ...attributes,
        { type: Attr.USERNAME, value: encodeString(auth.username) },
        { type: Attr.REALM, value: encodeString(auth.realm) },
        { type: Attr.NONCE, value: encodeString(auth.nonce) },
      ]
    : attributes;
  return encodeStun({ cls: StunClass.request, method, transactionId: randomBytes(12), attributes: attrs }, { ...(auth ? { integrityKey: auth.key } : {}), fingerprint: true });
}

/** Runs for `durationMs`; returns completed allocate+delete cycles per second. */
export async function measureAllocationRate(port: number, secret: string, durationMs: number, concurrency = 8): Promise<number> {
  const creds = issueTurnCredentials(secret, 3600, Date.now());
  const udp = [{ type: Attr.REQUESTED_TRANSPORT, value: encodeRequestedTransport(17) }];
  const deadline = Date.now() + durationMs;
  let done = 0;
  // A fresh socket (5-tuple) per allocation, as each browser ICE agent has; coturn also
  // refuses to reuse a 5-tuple right after its allocation was deleted (437).
  const cycle = async (): Promise<boolean> => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    try {
      const challenge = await transact(socket, port, request(StunMethod.allocate, udp));
      const realm = decodeString(getAttribute(challenge, Attr.REALM) ?? new Uint8Array());
      const nonce = decodeString(getAttribute(challenge, Attr.NONCE) ?? new Uint8Array());
      const auth = { username: creds.username, realm, nonce, key: longTermKey(creds.username, realm, creds.credential) };
      const res = await transact(socket, port, request(StunMethod.allocate, udp, auth));
      if (res.cls !== StunClass.success) {
        const code = decodeErrorCode(getAttribute(res, Attr.ERROR_CODE) ?? new Uint8Array())?.code;
        // The kernel handed us the port of an earlier client whose allocation still lives.
        if (code === 437) return false;
        throw new Error(`Allocate failed with ${code}`);
      }
      await transact(socket, port, request(StunMethod.refresh, [{ type: Attr.LIFETIME, value: encodeUint32(0) }], auth));
      return true;
    } finally {
      socket.close();
    }
  };
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      if (await cycle()) done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (done * 1000) / (Date.now() - started);
}
