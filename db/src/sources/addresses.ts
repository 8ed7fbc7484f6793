/**
 * Which network addresses Budget Sync may connect to on a tenant's behalf (SFTP hosts, S3 endpoints,
 * webhook URLs). A setting that points at the server's own network — loopback, private ranges,
 * link-local (cloud metadata at 169.254.169.254), unique-local IPv6 — would let an organization's admin
 * make the server probe or talk to what only the server can reach. Those are refused unless the operator
 * allows them with BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS (a self-hosted install whose sources are on its LAN).
 *
 * Pure (no I/O): the API checks the literal addresses and names here, on Workers too; on Node the names
 * are also resolved, and checked again when connecting (db/src/sources/guard.ts).
 */
import { DomainError } from '../errors.ts';
import type { SourceSettings } from './validate.ts';

/** What an address is when it is not a public one; null for a public address. */
export type AddressKind = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

export const ALLOW_PRIVATE_NETWORKS_VARIABLE = 'BUDGET_SYNC_ALLOW_PRIVATE_NETWORKS';

/** Whether the operator allows loopback, private and link-local addresses (`1`, `true` or `yes`). */
export function privateNetworksAllowed(env: Record<string, string | undefined> = globalThis.process?.env ?? {}): boolean {
  return /^(1|true|yes)$/i.test(env[ALLOW_PRIVATE_NETWORKS_VARIABLE]?.trim() ?? '');
}

/** `a.b.c.d` (decimal, as resolvers and the URL parser write it) as four bytes; null otherwise. */
function ipv4Bytes(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** An IPv6 address (zone and brackets allowed, a dotted IPv4 tail too) as eight 16-bit groups; null otherwise. */
function ipv6Groups(text: string): number[] | null {
  let t = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!t.includes(':')) return null;
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(t);
  if (tail?.[1]) {
    const v4 = ipv4Bytes(tail[1]);
    if (!v4) return null;
    t = `${t.slice(0, -tail[1].length)}${((v4[0] as number) * 256 + (v4[1] as number)).toString(16)}:${((v4[2] as number) * 256 + (v4[3] as number)).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const head = part(halves[0]);
  const rest = part(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

function ipv4Kind(b: number[]): AddressKind | null {
  const [a = 0, c = 0] = b;
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) return 'private';
  // Shared address space (carrier-grade NAT; Alibaba's metadata at 100.100.100.200).
  if (a === 100 && c >= 64 && c <= 127) return 'private';
  // Link-local: the cloud metadata service (169.254.169.254) lives here.
  if (a === 169 && c === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  // IETF assignments, documentation, benchmarking, the old class E and broadcast.
  if (
    a >= 240 ||
    (a === 192 && c === 0 && (b[2] === 0 || b[2] === 2)) ||
    (a === 198 && (c === 18 || c === 19 || (c === 51 && b[2] === 100))) ||
    (a === 203 && c === 0 && b[2] === 113)
  )
    return 'reserved';
  return null;
}

/** The IPv4 address an IPv6 one carries in its last 32 bits. */
const lastV4 = (g: number[]) => [(g[6] ?? 0) >> 8, (g[6] ?? 0) & 255, (g[7] ?? 0) >> 8, (g[7] ?? 0) & 255];

function ipv6Kind(g: number[]): AddressKind | null {
  const [g0 = 0, g1 = 0, g2 = 0] = g;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): the IPv4 address decides.
  if ((zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) || (g0 === 0x64 && g1 === 0xff9b && g.slice(2, 6).every((x) => x === 0)))
    return ipv4Kind(lastV4(g));
  // 6to4 (2002:aabb:ccdd::) carries an IPv4 address in its second and third groups.
  if (g0 === 0x2002) return ipv4Kind([g1 >> 8, g1 & 255, g2 >> 8, g2 & 255]);
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7 (AWS metadata fd00:ec2::254)
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // the old site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  // Local-use NAT64, discard-only, Teredo (an IPv4 address in disguise), documentation.
  if ((g0 === 0x64 && g1 === 0xff9b) || (g0 === 0x100 && zeroUpTo(4)) || (g0 === 0x2001 && (g1 === 0 || g1 === 0xdb8))) return 'reserved';
  return null;
}

/** What a literal address is (null when it is a public one, or not an address at all). */
export function addressKind(address: string): AddressKind | null {
  const v4 = ipv4Bytes(address);
  if (v4) return ipv4Kind(v4);
  const v6 = ipv6Groups(address);
  return v6 ? ipv6Kind(v6) : null;
}

/** Whether the text is a literal IP address (after normalizeHost). */
export function isAddress(text: string): boolean {
  return ipv4Bytes(text) !== null || ipv6Groups(text) !== null;
}

/** Names that are the server itself or its cloud's metadata service, whatever a resolver says. */
function localName(host: string): boolean {
  const h = host.replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'metadata.google.internal' || h === 'metadata';
}

/**
 * A host name or address as a person typed it, in the one spelling resolvers agree on: lower case, IPv6
 * without brackets, and IPv4 in dotted decimal — `2130706433`, `0x7f.1` and `0177.0.0.1` all become
 * `127.0.0.1` (the URL parser reads them the way the system resolver would). Null when it is neither a
 * name nor an address (a port, a path, spaces…).
 */
export function normalizeHost(text: string): string | null {
  const t = text.trim().toLowerCase();
  if (t.includes(':')) {
    const bare = t.replace(/^\[|\]$/g, '');
    return ipv6Groups(bare) ? bare : null;
  }
  if (!/^[a-z0-9_.-]{1,253}$/.test(t)) return null;
  try {
    const u = new URL(`http://${t}/`);
    return u.hostname && u.port === '' && u.pathname === '/' ? u.hostname : null;
  } catch {
    return null;
  }
}

/** Why this normalized host must not be connected to, without resolving it; null when nothing is known against it. */
export function literalHostProblem(host: string): AddressKind | null {
  if (localName(host)) return 'loopback';
  return addressKind(host);
}

const SWITCH_ADVICE = `Use a public host name or address; if the source really is on this server's own network, the operator can allow that with ${ALLOW_PRIVATE_NETWORKS_VARIABLE}=1.`;

/** A setting that names a host: its path in the API (`config.host`) and how a person knows it. */
export interface HostField {
  field: string;
  /** e.g. `The SFTP host (config.host, --host)`. */
  label: string;
}

/** The refusal of a setting whose host is (or resolves to) an address Budget Sync does not connect to. */
export function addressRefused(f: HostField, host: string, kind: AddressKind | 'resolves-private'): DomainError {
  const what =
    kind === 'resolves-private'
      ? 'resolves to a loopback, private, link-local or reserved address'
      : `is a ${kind} address or name, which Budget Sync does not connect to`;
  return new DomainError('source.address_refused', `${f.label} "${host}" ${what}. ${SWITCH_ADVICE}`, { field: f.field });
}

/** Checks a host setting without resolving it: its normalized spelling, or the error naming the field. */
export function checkHostLiteral(f: HostField, text: string, allowPrivate: boolean): string {
  const host = normalizeHost(text);
  if (host === null) {
    throw new DomainError(
      'input.invalid',
      `${f.label} must be a host name or IP address without a port or path (the port has its own setting), not "${text}".`,
      { field: f.field },
    );
  }
  const kind = literalHostProblem(host);
  if (kind && !allowPrivate) throw addressRefused(f, host, kind);
  return host;
}

/**
 * The checks of a source's or webhook's settings that need the file system or DNS, run before they are
 * stored where the runtime can (Node: `nodePlaceGuard` of `@budget-sync/db/node`). Without one only the
 * checks above apply, and a tenant gets no folder source.
 */
export interface PlaceGuard {
  source(orgId: string, settings: SourceSettings): Promise<void>;
  webhookUrl(url: string): Promise<void>;
}
