import { describe, expect, it } from 'vitest';
import { createPeerFilter, parseAllowList, parseCidr } from '../../../relay/turn/peer-filter';
import { formatIp, parseIp } from '../../../relay/turn/ip-address';

const denied = [
  '0.0.0.0',
  '0.1.2.3',
  '10.1.2.3',
  '100.64.0.1',
  '100.127.255.255',
  '127.0.0.1',
  '127.255.0.9',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '224.0.0.251',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  '::',
  '::1',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'febf::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:0.0.0.0',
  '::ffff:10.0.0.1',
  '::ffff:7f00:1',
  '::ffff:169.254.169.254',
  '0:0:0:0:0:ffff:c0a8:0101',
  'not-an-ip',
  '1.2.3',
];
const allowed = ['8.8.8.8', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.0.2.1', '2001:db8::1', '::ffff:8.8.8.8'];

describe('peer filter', () => {
  const filter = createPeerFilter();
  it.each(denied)('denies %s', (ip) => expect(filter.isAllowed(ip)).toBe(false));
  it.each(allowed)('allows %s', (ip) => expect(filter.isAllowed(ip)).toBe(true));

  it('the allow list opens exact addresses and CIDRs, including their IPv4-mapped forms', () => {
    const f = createPeerFilter(parseAllowList('127.0.0.1, 10.0.0.0/8')!);
    expect(f.isAllowed('127.0.0.1')).toBe(true);
    expect(f.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(f.isAllowed('127.0.0.2')).toBe(false);
    expect(f.isAllowed('10.200.1.1')).toBe(true);
    expect(f.isAllowed('192.168.0.1')).toBe(false);
  });

  it('rejects malformed allow lists', () => {
    expect(parseAllowList('127.0.0.1, banana')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseAllowList('')).toEqual([]);
  });

  it('parses and formats IPv6 canonically', () => {
    expect(formatIp(parseIp('2001:0db8:0:0:0:0:0:1')!.bytes)).toBe('2001:db8::1');
    expect(formatIp(parseIp('::ffff:127.0.0.1')!.bytes)).toBe('::ffff:7f00:1');
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3')!.bytes)).toBe('1:0:0:2::3');
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('12345::')).toBeNull();
  });
});
