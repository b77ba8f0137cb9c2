/**
 * A PostgreSQL array literal (`{"a",NULL,"b"}`) for a parameter cast to an array type in the
 * statement (`$1::timestamptz[]`). postgres.js does not serialise a JS array passed to
 * `unsafe`, and would declare an array of Dates as a single timestamptz.
 */
export function arrayLiteral(values: readonly (Date | string | number | boolean | null | undefined)[]): string {
  const elements = values.map((value) => {
    if (value === null || value === undefined) return 'NULL';
    const text = value instanceof Date ? value.toISOString() : String(value);
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${elements.join(',')}}`;
}
