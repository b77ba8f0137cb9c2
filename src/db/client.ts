import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import { preparingClient } from './prepared-statements.js';
import { ORG_CHANGED_NOTICE, forgetOrgSnapshots } from './queries/org-snapshot.js';

export type Db = PostgresJsDatabase;
/** A transaction handle; queries take `Db | Tx` so a use case can compose them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  sql: Sql;
  close(): Promise<void>;
}

/** Connections the app keeps to its database. */
export const POOL_SIZE = 10;

export function connectDatabase(url: string, options: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? POOL_SIZE,
    // Notices are not logged; the one an organisation write raises drops this process's copies.
    onnotice: (notice) => {
      if (notice.message === ORG_CHANGED_NOTICE) forgetOrgSnapshots();
    },
    // Timestamps are always instants; keep postgres.js from guessing a local zone.
    connection: { TimeZone: 'UTC', application_name: 'yuqing-bot' },
  });
  return {
    // No schema: it only feeds drizzle's relational API (db.query.…), which the bot does not use,
    // and drizzle builds that API again for every transaction and savepoint it opens.
    db: drizzle(preparingClient(sql)),
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Opens every connection of the pool now rather than when load first needs it: a new connection
 * is a new server process with cold caches, and opening several in the middle of a burst of clicks
 * stalled the app for seconds (the bench's 200/s run: p50 0.55-0.7 s in its first 10 s with the
 * pool opened on demand, 16 ms with it opened at start).
 */
export async function openAllConnections(sql: Sql, count = POOL_SIZE): Promise<void> {
  // Held for a moment each, so that every one of them needs a connection of its own.
  await Promise.all(Array.from({ length: count }, () => sql`select pg_sleep(0.02)`));
}
