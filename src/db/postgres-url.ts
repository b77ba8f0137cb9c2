import postgres from 'postgres';

/**
 * Where a database URL points. Besides `postgres://user:pass@host:port/db`, libpq's form for a
 * server on this machine's Unix socket: `postgres://user@localhost/db?host=/var/run/postgresql`
 * (the folder holding `.s.PGSQL.<port>`). postgres.js has no such URL form and would send an
 * unknown query parameter to the server as a setting, so it is taken out here.
 */
export interface ConnectionTarget {
  /** The URL without the `host` parameter. */
  url: string;
  /** The socket file, when `host` names a folder. */
  socketPath?: string;
}

export function connectionTarget(url: string): ConnectionTarget {
  const parsed = new URL(url);
  const host = parsed.searchParams.get('host');
  if (host === null) return { url };
  parsed.searchParams.delete('host');
  if (!host.startsWith('/')) {
    // libpq's other use of the parameter: a host name in place of the URL's.
    if (host) parsed.hostname = host;
    return { url: parsed.toString() };
  }
  const folder = host.replace(/\/+$/, '') || '/';
  return { url: parsed.toString(), socketPath: `${folder === '/' ? '' : folder}/.s.PGSQL.${parsed.port || 5432}` };
}

/** postgres.js for a database URL of either form (connectionTarget). */
export function openPostgres(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const target = connectionTarget(url);
  return postgres(target.url, target.socketPath ? { ...options, path: target.socketPath } : options);
}
