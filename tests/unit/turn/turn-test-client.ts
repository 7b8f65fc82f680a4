/** Builds TURN client requests for the tests, with long-term (REST) authentication. */
import { randomBytes } from 'node:crypto';
import { Attr, StunClass, StunMethod } from '../../../relay/turn/stun/constants';
import { decodeStun, encodeStun, getAttribute } from '../../../relay/turn/stun/message';
import type { StunAttribute, StunMessage } from '../../../relay/turn/stun/message';
import { decodeErrorCode, decodeString, encodeAddress, encodeChannelNumber, encodeRequestedTransport, encodeString, encodeUint32 } from '../../../relay/turn/stun/attributes';
import { longTermKey } from '../../../relay/turn/stun/integrity';
import type { TransportAddress } from '../../../relay/turn/ip-address';

export interface ClientAuth {
  username: string;
  password: string;
  realm: string;
  nonce: string;
}

export function buildRequest(method: number, attributes: StunAttribute[], auth?: ClientAuth, transactionId: Uint8Array = randomBytes(12)): Uint8Array {
  if (!auth) return encodeStun({ cls: StunClass.request, method, transactionId, attributes }, { fingerprint: true });
  const attrs = [
    ...attributes,
    { type: Attr.USERNAME, value: encodeString(auth.username) },
    { type: Attr.REALM, value: encodeString(auth.realm) },
    { type: Attr.NONCE, value: encodeString(auth.nonce) },
  ];
  return encodeStun(
    { cls: StunClass.request, method, transactionId, attributes: attrs },
    { integrityKey: longTermKey(auth.username, auth.realm, auth.password), fingerprint: true },
  );
}

export function buildSendIndication(peer: TransportAddress, data: Uint8Array): Uint8Array {
  const transactionId = randomBytes(12);
  return encodeStun({
    cls: StunClass.indication,
    method: StunMethod.send,
    transactionId,
    attributes: [
      { type: Attr.XOR_PEER_ADDRESS, value: encodeAddress(peer, transactionId) },
      { type: Attr.DATA, value: data },
    ],
  });
}

export function decodeOrThrow(bytes: Uint8Array): StunMessage {
  const r = decodeStun(bytes);
  if (!r.ok) throw r.error;
  return r.value;
}

export function errorCodeOf(msg: StunMessage): number | null {
  const v = getAttribute(msg, Attr.ERROR_CODE);
  return v ? (decodeErrorCode(v)?.code ?? null) : null;
}

export function challengeOf(msg: StunMessage): { realm: string; nonce: string } {
  return { realm: decodeString(getAttribute(msg, Attr.REALM)!), nonce: decodeString(getAttribute(msg, Attr.NONCE)!) };
}

export const attrs = {
  udp: (): StunAttribute => ({ type: Attr.REQUESTED_TRANSPORT, value: encodeRequestedTransport(17) }),
  transport: (p: number): StunAttribute => ({ type: Attr.REQUESTED_TRANSPORT, value: encodeRequestedTransport(p) }),
  lifetime: (s: number): StunAttribute => ({ type: Attr.LIFETIME, value: encodeUint32(s) }),
  channel: (n: number): StunAttribute => ({ type: Attr.CHANNEL_NUMBER, value: encodeChannelNumber(n) }),
  /** XOR-PEER-ADDRESS needs the transaction id the request will carry. */
  peer: (p: TransportAddress, txid: Uint8Array): StunAttribute => ({ type: Attr.XOR_PEER_ADDRESS, value: encodeAddress(p, txid) }),
  data: (d: Uint8Array): StunAttribute => ({ type: Attr.DATA, value: d }),
};

export function isSuccess(msg: StunMessage): boolean {
  return msg.cls === StunClass.success;
}
