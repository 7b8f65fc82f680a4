/**
 * Which peers a TURN allocation may relay to. Without this an open TURN server is a proxy into
 * the host's loopback and private networks (metadata services, admin ports), so loopback,
 * private, link-local, multicast and reserved ranges are refused unless explicitly allowed.
 */
import { parseIp } from './ip-address';
import type { IpBytes } from './ip-address';

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s.trim() : s.slice(0, slash).trim());
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  return { family: ip.family, bytes: ip.bytes, prefix };
}

function inCidr(ip: IpBytes, c: Cidr): boolean {
  if (ip.family !== c.family) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (c.bytes[i]! & mask)) return false;
  }
  return true;
}

const DENIED: readonly Cidr[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map((s) => parseCidr(s)!);

/** The IPv4 address embedded in ::ffff:a.b.c.d (mapped) or ::a.b.c.d (deprecated compatible). */
function embeddedIpv4(ip: IpBytes): IpBytes | null {
  if (ip.family !== 6) return null;
  for (let i = 0; i < 10; i++) if (ip.bytes[i] !== 0) return null;
  const mapped = ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  const compatible = ip.bytes[10] === 0 && ip.bytes[11] === 0;
  if (!mapped && !compatible) return null;
  return { family: 4, bytes: ip.bytes.subarray(12) };
}

export interface PeerFilter {
  isAllowed(address: string): boolean;
}

/** Parses `TURN_ALLOW_PEERS` ("127.0.0.1, 10.0.0.0/8, ::1"); returns null on a bad entry. */
export function parseAllowList(list: string | readonly string[]): Cidr[] | null {
  const items = typeof list === 'string' ? list.split(',') : [...list];
  const out: Cidr[] = [];
  for (const raw of items) {
    if (raw.trim() === '') continue;
    const c = parseCidr(raw);
    if (!c) return null;
    out.push(c);
  }
  return out;
}

export function createPeerFilter(allow: readonly Cidr[] = []): PeerFilter {
  const matches = (ip: IpBytes, list: readonly Cidr[]): boolean => {
    const v4 = embeddedIpv4(ip);
    return list.some((c) => inCidr(ip, c) || (v4 !== null && inCidr(v4, c)));
  };
  return {
    isAllowed(address: string): boolean {
      const ip = parseIp(address);
      if (!ip) return false;
      if (matches(ip, allow)) return true;
      return !matches(ip, DENIED);
    },
  };
}
