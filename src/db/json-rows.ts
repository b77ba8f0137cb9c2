import { getTableColumns, type Column, type InferSelectModel } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * A row as the server writes it in JSON (`json_agg(t)`, `row_to_json(t)`: column names, timestamps
 * as text) -> the row drizzle would return. For reads that gather several tables' rows in one
 * statement.
 */
export function rowFromJson<T extends PgTable>(table: T, row: Record<string, unknown>): InferSelectModel<T> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as InferSelectModel<T>;
}

const columnLists = new WeakMap<PgTable, [string, Column][]>();

/** A table's columns by property name, listed once (rowFromJson runs per row). */
function columnsOf(table: PgTable): [string, Column][] {
  let columns = columnLists.get(table);
  if (!columns) columnLists.set(table, (columns = Object.entries(getTableColumns(table))));
  return columns;
}
