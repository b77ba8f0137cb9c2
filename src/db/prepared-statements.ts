import type { Sql } from 'postgres';

/**
 * Statements with more parameters than this stay unnamed: their text varies with the number of
 * rows or list entries (bulk inserts, `in (…)` lists), and every distinct text would stay cached
 * on the connection and in its server process until the connection is recycled.
 */
export const MAX_PREPARED_PARAMETERS = 64;

type Unsafe = Sql['unsafe'];
type UnsafeOptions = Parameters<Unsafe>[2];

/**
 * postgres.js as drizzle should see it: every statement drizzle sends with parameters becomes a
 * named prepared statement, cached per connection.
 *
 * Why: drizzle asks postgres.js for unnamed statements, and postgres.js sends an unnamed statement
 * with parameters in two round trips (parse and describe, wait for the parameter types, then bind
 * and execute), parsed and planned again by the server every time. A click runs ~45 statements
 * in one transaction, so round trips are most of its time. Named, a statement takes one round trip
 * from its second use on a connection, and the server parses it once.
 *
 * Transactions and savepoints hand drizzle a new client; those are wrapped too.
 */
export function preparingClient(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, key, wrapper: Sql) {
      if (key === 'unsafe') {
        const unsafe: Unsafe = (query, parameters, options) =>
          target.unsafe(query, parameters, { ...options, prepare: parameters !== undefined && parameters.length > 0 && parameters.length <= MAX_PREPARED_PARAMETERS } as UnsafeOptions);
        return unsafe;
      }
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const body = args.pop() as (client: Sql) => unknown;
          const open = Reflect.get(target, key, target) as (...a: unknown[]) => unknown;
          return open.apply(target, [
            ...args,
            (client: Sql) => {
              const wrapped = preparingClient(client);
              if (key === 'savepoint') outermost.set(wrapped, outermostClient(wrapper));
              return body(wrapped);
            },
          ]);
        };
      }
      return Reflect.get(target, key, target) as unknown;
    },
  });
}

const outermost = new WeakMap<object, object>();

/** The client of the transaction a savepoint's client belongs to (any other client: itself). */
export function outermostClient(client: object): object {
  return outermost.get(client) ?? client;
}
