/**
 * Which addresses a source may connect to (db/src/sources/addresses.ts), without the network: every
 * spelling of the server's own network is known for what it is, and public addresses — also inside the
 * IPv6 forms that carry an IPv4 address — are not refused by mistake.
 */
import { addressKind, normalizeHost, parseOrgFolder } from '@budget-sync/db';
import { describe, expect, it } from 'vitest';

const kindOf = (host: string) => {
  const normalized = normalizeHost(host);
  return normalized === null ? 'not a host' : addressKind(normalized);
};

describe('addressKind', () => {
  it('knows loopback, private, link-local and metadata addresses in their spellings', () => {
    const cases: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '2130706433': 'loopback',
      '0x7f000001': 'loopback',
      '0x7f.1': 'loopback',
      '0177.0.0.1': 'loopback',
      '127.255.255.254': 'loopback',
      '::1': 'loopback',
      '[0:0:0:0:0:0:0:1]': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '::127.0.0.1': 'loopback',
      '64:ff9b::127.0.0.1': 'loopback',
      '2002:7f00:1::': 'loopback',
      '10.1.2.3': 'private',
      '172.31.255.255': 'private',
      '192.168.0.1': 'private',
      '100.64.0.1': 'private',
      '100.100.100.200': 'private',
      'fc00::1': 'private',
      'fd00:ec2::254': 'private',
      'fec0::1': 'private',
      '169.254.169.254': 'link-local',
      '2852039166': 'link-local',
      '::ffff:169.254.169.254': 'link-local',
      'fe80::1': 'link-local',
      'fe80::1%eth0': 'link-local',
      '0.0.0.0': 'unspecified',
      '0': 'unspecified',
      '::': 'unspecified',
      '224.0.0.1': 'multicast',
      'ff02::1': 'multicast',
      '255.255.255.255': 'reserved',
      '192.0.2.1': 'reserved',
      '2001:db8::1': 'reserved',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2': 'reserved',
    };
    for (const [host, kind] of Object.entries(cases)) expect(kindOf(host), host).toBe(kind);
  });

  it('lets public addresses through, also inside mapped, NAT64 and 6to4 forms', () => {
    for (const host of [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '169.253.1.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
      'example.com',
    ]) {
      expect(kindOf(host), host).toBeNull();
    }
  });

  it('takes no port, path or space as part of a host', () => {
    for (const host of ['10.0.0.1:6379', 'host/path', 'a b', 'user@host', '']) expect(normalizeHost(host), host).toBeNull();
  });
});

describe('parseOrgFolder', () => {
  it("normalizes a path inside the org's folder and refuses one that leaves it", () => {
    expect(parseOrgFolder('./incoming//2026/')).toBe('incoming/2026');
    expect(parseOrgFolder('')).toBe('.');
    expect(parseOrgFolder('.')).toBe('.');
    for (const bad of ['/etc', '../x', 'in/../../x', '..', '~', `in\u0000x`]) {
      expect(() => parseOrgFolder(bad), bad).toThrow(expect.objectContaining({ code: 'source.folder_refused' }));
    }
  });
});
