import postgres from 'postgres';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import { describeDatabaseUrl } from '../logger.js';
import { connectDatabase, openAllConnections, type Database } from './client.js';
import { startEmbeddedPostgres } from './embedded.js';
import { runMigrations } from './migrate.js';

export interface OpenedDatabase extends Database {
  /** Where the data lives, for the start-up line. */
  description: string;
}

/** Sandbox data goes to its own database so demo items never mix with real ones. */
export function databaseNameFor(mode: AppConfig['mode']): string {
  return mode === 'sandbox' ? 'yuqing_sandbox' : 'yuqing';
}

async function ensureDatabase(adminUrl: string, name: string, reset = false): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    if (reset) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await admin.unsafe(`create database "${name}"`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created meanwhile by another replica
    });
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** With DATABASE_URL in sandbox mode, the same server but a database with a `_sandbox` suffix. */
function sandboxUrl(url: string): { adminUrl: string; url: string; name: string } {
  const parsed = new URL(url);
  const base = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const name = `${base}_sandbox`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  parsed.pathname = `/${name}`;
  return { adminUrl: admin.toString(), url: parsed.toString(), name };
}

/**
 * Connects to DATABASE_URL, or starts the embedded server under DATA_DIR, then applies the
 * migrations. Closing stops the embedded server too.
 */
export async function openDatabase(config: AppConfig, log: Logger, options: { resetSandbox?: boolean } = {}): Promise<OpenedDatabase> {
  const reset = config.mode === 'sandbox' && options.resetSandbox === true;
  if (config.databaseUrl) {
    let url = config.databaseUrl;
    if (config.mode === 'sandbox') {
      const target = sandboxUrl(config.databaseUrl);
      await ensureDatabase(target.adminUrl, target.name, reset);
      url = target.url;
    }
    await runMigrations(url);
    const database = connectDatabase(url);
    await openAllConnections(database.sql);
    return { ...database, description: describeDatabaseUrl(url) };
  }
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  try {
    const name = databaseNameFor(config.mode);
    await ensureDatabase(server.url('postgres'), name, reset);
    const url = server.url(name);
    await runMigrations(url);
    const database = connectDatabase(url);
    await openAllConnections(database.sql);
    return {
      ...database,
      description: `embedded PostgreSQL, data in ${server.dataDir} (database ${name})`,
      close: async () => {
        await database.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
