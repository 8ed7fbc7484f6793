/**
 * A private OpenSSH server for the SFTP tests (DESIGN §4): `sshd -D -e -f <config>` on 127.0.0.1 and a
 * free port, with its own host key and a client key, key authentication only, `internal-sftp` forced
 * into a directory outside /tmp that a dedicated user owns. The user is created if missing, with `*` as
 * its shadow entry (sshd refuses locked `!` accounts even for keys). `stop()` also ends the per-connection
 * processes, which sshd forks into sessions of their own, so a test can cut a transfer in progress.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForListener } from './ports.ts';

export const SSHD = '/usr/sbin/sshd';
export const SFTP_USER = 'bs-sftp-test';
const BASE = '/var/lib/budget-sync-test';

export interface SshServer {
  host: string;
  port: number;
  username: string;
  /** The client's private key (OpenSSH format). */
  clientKey: string;
  /** `SHA256:…` of the server's host key. */
  hostKeyFingerprint: string;
  /** The directory the SFTP session starts in, on this machine. */
  dir: string;
  uid: number;
  gid: number;
  /** Ends the server and every connection it serves (a transfer in progress breaks). */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same keys. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

export function sshdAvailable(): boolean {
  return existsSync(SSHD);
}

function ensureUser(): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', SFTP_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', BASE, '--shell', '/bin/sh', SFTP_USER]);
  }
  // A locked account ("!") is refused by sshd even with a key; "*" means "no password" instead.
  execFileSync('usermod', ['-p', '*', SFTP_USER]);
  const uid = Number(execFileSync('id', ['-u', SFTP_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', SFTP_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'budget-sync-test', '-f', path]);
}

/** The pids of every process descended from `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export async function startSshd(): Promise<SshServer> {
  if (!sshdAvailable()) throw new Error(`${SSHD} is missing: install the Debian package openssh-server (scripts/test.sh does it as root).`);
  mkdirSync('/run/sshd', { recursive: true });
  const { uid, gid } = ensureUser();
  const root = join(BASE, `run-${randomBytes(4).toString('hex')}`);
  const dir = join(root, 'upload');
  mkdirSync(dir, { recursive: true });
  chownSync(dir, uid, gid);
  keygen(join(root, 'host_ed25519'));
  keygen(join(root, 'client_ed25519'));
  writeFileSync(join(root, 'authorized_keys'), readFileSync(join(root, 'client_ed25519.pub')));
  const port = await freePort();
  const config = join(root, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(root, 'host_ed25519')}`,
      `PidFile ${join(root, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
      'StrictModes no',
      `AllowUsers ${SFTP_USER}`,
      'Subsystem sftp internal-sftp',
      `ForceCommand internal-sftp -d ${dir}`,
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const blob = Buffer.from(readFileSync(join(root, 'host_ed25519.pub'), 'utf8').split(' ')[1] ?? '', 'base64');
  const hostKeyFingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    await waitForListener(proc, 'sshd', port, 200);
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc?.pid || proc.exitCode !== null) return;
    const all = [proc.pid, ...descendants(proc.pid)];
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    for (const pid of all) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await exited;
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    username: SFTP_USER,
    clientKey: readFileSync(join(root, 'client_ed25519'), 'utf8'),
    hostKeyFingerprint,
    dir,
    uid,
    gid,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
