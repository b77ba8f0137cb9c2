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

export function connectDatabase(url: string, options: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
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
