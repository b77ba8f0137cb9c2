import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/db/array-literal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('arrayLiteral: a JS array as a PostgreSQL array parameter', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('text the server reads back unchanged: quotes, backslashes, commas, braces, NULL and "NULL"', async () => {
    const values = ['plain', 'a "quoted" word', 'back\\slash', 'a,b', '{braces}', 'NULL', null, '', ' spaced ', '舆情，县卫健委', "it's"];
    // Read back as JSON, so the server says which element is NULL (not a client's array parser).
    const [row] = await test.sql.unsafe<{ back: (string | null)[] }[]>('select array_to_json($1::text[]) as back', [arrayLiteral(values)]);
    expect(row!.back).toEqual(values);
  });

  it('instants, booleans and numbers as their types', async () => {
    const at = [new Date('2026-11-28T02:00:00.123Z'), null, new Date('1999-12-31T23:59:59Z')];
    const [row] = await test.sql.unsafe<{ at: (number | null)[]; flags: boolean[]; ids: string[] }[]>(
      `select array_to_json(array(select extract(epoch from t) * 1000 from unnest($1::timestamptz[]) t)) as at,
        array_to_json($2::boolean[]) as flags, array_to_json($3::bigint[]::text[]) as ids`,
      [arrayLiteral(at), arrayLiteral([true, false]), arrayLiteral([1, 9007199254740991])],
    );
    expect(row!.at.map((ms) => (ms === null ? null : Number(ms)))).toEqual(at.map((d) => d?.getTime() ?? null));
    expect(row!.flags).toEqual([true, false]);
    expect(row!.ids).toEqual(['1', '9007199254740991']);
  });
});
