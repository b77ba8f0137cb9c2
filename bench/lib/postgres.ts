import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';

/**
 * The PostgreSQL server of a bench run: an embedded one in a temp dir (the default), or the server
 * of BENCH_DATABASE_URL. Every measurement gets its own database on it, dropped at the end.
 */
export interface BenchServer {
  /** What the run used, for the results. */
  description: string;
  urlFor(database: string): string;
  /** Creates a database (optionally a copy of a template; nobody may be connected to the template). */
  createDatabase(name: string, template?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Admin connection (one connection) for SQL that is not the app's. */
  admin(database: string): postgres.Sql;
  /** CPU milliseconds used by the server so far (embedded only: read from /proc). */
  cpuMs(): number | undefined;
  /**
   * Waits until the server has used under 5 % of a core for a second (autovacuum after the
   * previous section's writes, backends of a killed app finishing), at most `boundMs`.
   * Resolves with the time waited (0 where the server's CPU cannot be read).
   */
  quiet(boundMs: number): Promise<number>;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const TICKS_PER_SECOND = 100;

/** utime+stime (+ reaped children) of the postmaster and its live children, in ms. */
function postgresCpuMs(postmasterPid: number): number | undefined {
  let ticks = 0;
  let found = false;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    if (pid === postmasterPid) {
      found = true;
      // utime, stime, cutime, cstime: reaped backends count through the parent's c-times.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } else if (ppid === postmasterPid) {
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  }
  return found ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

export async function startBenchServer(tempRoot: string): Promise<BenchServer> {
  const external = process.env.BENCH_DATABASE_URL?.trim();
  let embedded: EmbeddedPostgres | undefined;
  let adminUrl: string;
  let description: string;
  if (external) {
    adminUrl = external;
    description = `BENCH_DATABASE_URL (${new URL(external).host})`;
  } else {
    const dataDir = path.join(tempRoot, 'pg');
    await fsp.mkdir(dataDir, { recursive: true });
    // As root the server runs as `postgres`, which must be able to enter the folders above its data.
    await fsp.chmod(tempRoot, 0o755);
    await fsp.chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir, log: pino({ level: 'warn' }) });
    adminUrl = embedded.url('postgres');
    description = `embedded PostgreSQL 17 (${embedded.dataDir}, port ${embedded.port})`;
  }
  const created = new Set<string>();
  const main = postgres(withDatabase(adminUrl, new URL(adminUrl).pathname.slice(1) || 'postgres'), { max: 1, onnotice: () => undefined });
  const postmasterPid = embedded
    ? Number(fs.readFileSync(path.join(embedded.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0])
    : undefined;

  return {
    description,
    urlFor: (database) => withDatabase(adminUrl, database),
    async createDatabase(name, template) {
      await main.unsafe(`drop database if exists "${name}" with (force)`);
      await main.unsafe(`create database "${name}"${template ? ` template "${template}"` : ''}`);
      created.add(name);
      return withDatabase(adminUrl, name);
    },
    async dropDatabase(name) {
      await main.unsafe(`drop database if exists "${name}" with (force)`);
      created.delete(name);
    },
    admin: (database) => postgres(withDatabase(adminUrl, database), { max: 1, onnotice: () => undefined, connection: { TimeZone: 'UTC' } }),
    cpuMs: () => (postmasterPid ? postgresCpuMs(postmasterPid) : undefined),
    async quiet(boundMs) {
      const started = performance.now();
      if (!postmasterPid) return 0;
      let last = postgresCpuMs(postmasterPid) ?? 0;
      while (performance.now() - started < boundMs) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const now = postgresCpuMs(postmasterPid) ?? 0;
        if (now - last < 50) break;
        last = now;
      }
      return performance.now() - started;
    },
    async stop() {
      try {
        // An embedded server goes away with its data directory; on someone else's server, drop ours.
        if (!embedded) for (const name of [...created]) await main.unsafe(`drop database if exists "${name}" with (force)`).catch(() => undefined);
      } finally {
        await main.end({ timeout: 5 }).catch(() => undefined);
        if (embedded) await embedded.stop();
      }
    },
  };
}

export const tempRootFor = () => fsp.mkdtemp(path.join(os.tmpdir(), 'yq-bench-'));
