import type { Sql } from 'postgres';
import type { DbOrTx } from './client.js';

/** What drizzle's `.prepare(name)` gives: a statement built once, run with placeholder values. */
interface PreparedStatement<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}

interface Preparable<T> {
  prepare(name: string): PreparedStatement<T>;
}

/** drizzle keeps the postgres.js client of a database or transaction on its session. */
export function clientOf(db: DbOrTx): object {
  return (db as unknown as { session: { client: object } }).session.client;
}

/**
 * A hot statement whose SQL drizzle builds only once. Building (the query builder and the SQL
 * text it generates) is the larger part of a small statement's cost in Node: ~50-90 µs each, a
 * dozen of them per card click. The values come in through `sql.placeholder(name)`.
 *
 * drizzle's own prepared queries are bound to the database or transaction they were built on;
 * this one runs on whichever it is given, so it still takes part in the caller's transaction:
 * the prepared query is reused with the given one's postgres.js client in place of its own.
 */
export function builtOnce<V extends Record<string, unknown>, T>(build: (db: DbOrTx) => Preparable<T>): (db: DbOrTx, values: V) => Promise<T> {
  let template: PreparedStatement<T> | undefined;
  return (db, values) => {
    template ??= build(db).prepare('built-once');
    const onConnection = Object.create(template) as PreparedStatement<T> & { client: object };
    onConnection.client = clientOf(db);
    return onConnection.execute(values);
  };
}

/**
 * A statement of fixed text, run as it is on the given database or transaction (no drizzle): for
 * hot statements drizzle can only build per call, such as ones taking arrays (see arrayLiteral).
 */
export function runFixed(db: DbOrTx, text: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
  return (clientOf(db) as Sql).unsafe(text, parameters as never[]);
}
