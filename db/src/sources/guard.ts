/**
 * What only Node can check about where a source reads from (exported by `@budget-sync/db/node`):
 *
 * - Folders: an organization's folder sources live in its own folder, `<BUDGET_SYNC_FOLDER_ROOT>/<org id>`.
 *   A path is resolved with realpath (symlinks followed) and must stay inside that folder. The check runs
 *   when the source is stored and again before every operation of a sync, so a folder replaced by a
 *   symlink after it was configured is refused then.
 * - Hosts: a name is resolved and every address it resolves to is checked (addresses.ts). `checkedLookup`
 *   does that inside the connection itself (net, http and https take it as `lookup`): the address
 *   checked is the address connected to, so a name that resolves to a public address when checked and to
 *   a private one a moment later (DNS rebinding) gains nothing.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { lookup as lookupAsync } from 'node:dns/promises';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DomainError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import {
  addressKind,
  addressRefused,
  type HostField,
  isAddress,
  literalHostProblem,
  type PlaceGuard,
  privateNetworksAllowed,
} from './addresses.ts';

export const FOLDER_ROOT_VARIABLE = 'BUDGET_SYNC_FOLDER_ROOT';

/** The error code of a connection refused by checkedLookup; connectors turn it into `source.address_refused`. */
export const ADDRESS_REFUSED = 'BUDGET_SYNC_ADDRESS_REFUSED';

const FOLDER_FIELD = 'config.directory';

function folderRefused(message: string): DomainError {
  return new DomainError('source.folder_refused', message, { field: FOLDER_FIELD });
}

/** The operator's root of organization folders, or null when none is set (then the API offers no folder sources). */
export function folderRoot(env: Record<string, string | undefined> = process.env): string | null {
  const root = env[FOLDER_ROOT_VARIABLE]?.trim();
  return root ? resolve(root) : null;
}

/** The organization's own folder under the root (made when missing); its real path. */
export async function organizationFolder(orgId: string, options: { create?: boolean } = {}): Promise<string> {
  const root = folderRoot();
  if (root === null) {
    throw folderRefused(
      `This server offers no folders to organizations (its operator has not set ${FOLDER_ROOT_VARIABLE}); use an SFTP or S3 source instead.`,
    );
  }
  if (!isUuid(orgId)) throw folderRefused(`There is no folder for organization ${orgId}.`);
  const own = join(root, orgId);
  if (options.create) await mkdir(own, { recursive: true, mode: 0o750 });
  try {
    return await realpath(own);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw folderRefused(`The organization's folder ${orgId} does not exist on the server.`);
    throw e;
  }
}

const inside = (dir: string, path: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);

/**
 * The real path of a tenant's folder (relative to its organization's folder), checked to be inside it.
 * With `mayBeMissing` (when the source is stored) a folder that does not exist yet is accepted when its
 * nearest existing parent is inside; a sync needs it to exist (ENOENT otherwise).
 */
export async function confinedFolder(orgId: string, directory: string, options: { mayBeMissing?: boolean } = {}): Promise<string> {
  const own = await organizationFolder(orgId, { create: options.mayBeMissing === true });
  const wanted = resolve(own, directory);
  // The nearest part of the path that exists (all of it at sync time), where it really leads.
  let existing = wanted;
  let real: string | null = null;
  while (real === null) {
    try {
      real = await realpath(existing);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !options.mayBeMissing || existing === dirname(existing)) throw e;
      existing = dirname(existing);
    }
  }
  if (!inside(own, real)) {
    throw folderRefused(
      `The folder (${FOLDER_FIELD}) "${directory}" leads outside your organization's folder on the server (an absolute path, or a symbolic link out of it); name a folder inside it.`,
    );
  }
  if (existing !== wanted) return join(real, relative(existing, wanted));
  if (!(await stat(real)).isDirectory()) throw folderRefused(`The folder (${FOLDER_FIELD}) "${directory}" is a file, not a folder.`);
  return real;
}

/** Checks a stored folder for a tenant: inside its organization's folder. */
export async function checkTenantFolder(orgId: string, directory: string): Promise<void> {
  if (isAbsolute(directory)) throw folderRefused(`The folder (${FOLDER_FIELD}) must be a path inside your organization's folder.`);
  await confinedFolder(orgId, directory, { mayBeMissing: true });
}

/** Why an address may not be connected to (null when it may): the operator's switch decides. */
function refusal(address: string): string | null {
  return privateNetworksAllowed() ? null : addressKind(address);
}

function refusedError(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${hostname} resolves to an address on the server's own network, which Budget Sync does not connect to`), {
    code: ADDRESS_REFUSED,
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect, http(s).request and their agents: resolves, refuses when any address is a
 * loopback, private, link-local or reserved one (unless the operator allows them), and hands the checked
 * addresses to the connection.
 */
export function checkedLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  if (literalHostProblem(hostname) && !privateNetworksAllowed()) {
    callback(refusedError(hostname), '');
    return;
  }
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    if (addresses.some((a) => refusal(a.address))) return callback(refusedError(hostname), '');
    const first = addresses[0];
    if (options.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
  });
}

/**
 * The addresses of a host that may be connected to: a literal address checked as is, a name resolved and
 * every address checked. Rejects with a plain error of code ADDRESS_REFUSED, or the resolver's error.
 */
export async function publicAddresses(host: string): Promise<[LookupAddress, ...LookupAddress[]]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isAddress(bare)) {
    if (refusal(bare)) throw refusedError(host);
    return [{ address: bare, family: bare.includes(':') ? 6 : 4 }];
  }
  if (literalHostProblem(bare) && !privateNetworksAllowed()) throw refusedError(host);
  const [first, ...rest] = await lookupAsync(bare, { all: true });
  if (!first) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  if ([first, ...rest].some((a) => refusal(a.address))) throw refusedError(host);
  return [first, ...rest];
}

/**
 * A host setting's check when it is stored: a name that resolves to a refused address is refused. One
 * that does not resolve (yet) is accepted; connecting checks again whatever it resolves to then.
 */
async function checkResolvedHost(f: HostField, host: string): Promise<void> {
  try {
    await publicAddresses(host);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === ADDRESS_REFUSED) throw addressRefused(f, host, 'resolves-private');
  }
}

/** The checks of a source's settings that need the file system or DNS, run by the Node API and CLI before storing. */
export const nodePlaceGuard: PlaceGuard = {
  async source(orgId, settings) {
    switch (settings.type) {
      case 'folder':
        if (!settings.config.operatorPath) await checkTenantFolder(orgId, settings.config.directory);
        return;
      case 'sftp':
        return checkResolvedHost({ field: 'config.host', label: 'The SFTP host (config.host, --host)' }, settings.config.host);
      case 's3':
        if (settings.config.endpoint) {
          await checkResolvedHost(
            { field: 'config.endpoint', label: 'The S3 endpoint (config.endpoint, --endpoint)' },
            new URL(settings.config.endpoint).hostname,
          );
        }
        return;
    }
  },
  webhookUrl: (url) => checkResolvedHost({ field: 'url', label: 'The webhook URL (--url)' }, new URL(url).hostname),
};
