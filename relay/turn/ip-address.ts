/**
 * IP addresses as bytes. Pure: the codec XORs address bytes and the peer filter matches CIDRs
 * on them, so both need the same exact parse (no DNS, no zone ids beyond stripping them).
 */
export type IpFamily = 4 | 6;

export interface IpBytes {
  family: IpFamily;
  bytes: Uint8Array;
}

/** A transport address (IP + port) as the STUN attributes carry it. */
export interface TransportAddress {
  family: IpFamily;
  address: string;
  port: number;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(input: string): Uint8Array | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const out = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) fills the last 4 bytes.
  let tail: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    tail = parseIpv4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const groups = h.split(':');
    const nums: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      nums.push(parseInt(g, 16));
    }
    return nums;
  };
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !rest) return null;
  if (halves.length === 1 && head.length !== 8) return null;
  if (halves.length === 2 && head.length + rest.length > 7) return null;
  const groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

export function parseIp(s: string): IpBytes | null {
  const v4 = parseIpv4(s);
  if (v4) return { family: 4, bytes: v4 };
  if (!s.includes(':')) return null;
  const v6 = parseIpv6(s);
  return v6 ? { family: 6, bytes: v6 } : null;
}

/** Canonical text form (RFC 5952 zero compression) so map keys match Node's socket addresses. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function addressKey(a: { address: string; port: number }): string {
  return `${a.address}|${a.port}`;
}

/** Node reports addresses as text; re-format so `::ffff:7f00:1` and `::ffff:127.0.0.1` share one key. */
export function canonicalIp(s: string): string {
  if (!s.includes(':')) return s;
  const ip = parseIp(s);
  return ip ? formatIp(ip.bytes) : s;
}

/** Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; STUN must echo them as IPv4. */
export function toTransportAddress(address: string, port: number): TransportAddress {
  // Per-packet path: plain IPv4 text is already canonical.
  if (!address.includes(':')) return { family: 4, address, port };
  const unmapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (unmapped) return { family: 4, address: unmapped[1]!, port };
  const family: IpFamily = address.includes(':') ? 6 : 4;
  return { family, address: family === 6 ? canonicalIp(address) : address, port };
}
