import { describe, expect, it } from 'vitest';
import { connectionTarget } from '../../src/db/postgres-url.js';

describe('database URLs (connectionTarget)', () => {
  it('leaves a plain URL as it is, with no socket', () => {
    const url = 'postgres://bot:secret@db.example:6543/yuqing?sslmode=require';
    expect(connectionTarget(url)).toEqual({ url });
  });

  it("takes libpq's host=<folder> as the server's Unix socket in that folder, on the URL's port", () => {
    const target = connectionTarget('postgres://postgres@localhost:5433/yuqing?host=%2Fvar%2Frun%2Fpostgresql&sslmode=disable');
    expect(target.socketPath).toBe('/var/run/postgresql/.s.PGSQL.5433');
    // Taken out of the URL: postgres.js would send it to the server as a setting.
    expect(new URL(target.url).searchParams.get('host')).toBeNull();
    expect(new URL(target.url).searchParams.get('sslmode')).toBe('disable');
    expect(new URL(target.url).pathname).toBe('/yuqing');
  });

  it('uses port 5432 when the URL names none, and a trailing slash changes nothing', () => {
    expect(connectionTarget('postgres://postgres@localhost/yuqing?host=/tmp/').socketPath).toBe('/tmp/.s.PGSQL.5432');
    expect(connectionTarget('postgres://postgres@localhost/yuqing?host=/').socketPath).toBe('/.s.PGSQL.5432');
  });

  it('takes a host name in the parameter as the host to connect to', () => {
    const target = connectionTarget('postgres://postgres@localhost:5432/yuqing?host=db.internal');
    expect(target.socketPath).toBeUndefined();
    expect(new URL(target.url).hostname).toBe('db.internal');
    expect(new URL(target.url).search).toBe('');
  });
});
