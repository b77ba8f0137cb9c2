import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';
import { openPostgres } from '../../src/db/postgres-url.js';
import { silentLog } from '../helpers/org.js';

/** Where a connection reached the server: a Unix socket has no server address. */
async function serverAddress(url: string): Promise<string | null> {
  const database = connectDatabase(url, { max: 1 });
  try {
    const [row] = await database.sql<{ address: string | null }[]>`select host(inet_server_addr()) as address`;
    return row!.address;
  } finally {
    await database.close();
  }
}

describe('the embedded server and its Unix socket', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const start = async (parent: string): Promise<EmbeddedPostgres> => {
    const root = await fs.mkdtemp(path.join(parent, 'yq-sock-'));
    await fs.chmod(root, 0o755);
    cleanups.push(() => fs.rm(root, { recursive: true, force: true }));
    const server = await startEmbeddedPostgres({ dataDir: root, log: silentLog });
    cleanups.push(() => server.stop());
    return server;
  };

  it('the app connects through the socket in its data folder, which only the server may enter; 127.0.0.1 still answers', { timeout: 120_000 }, async () => {
    const server = await start(os.tmpdir());
    expect(server.socketDir).toBe(path.join(server.dataDir, 'socket'));
    expect((await fs.stat(server.socketDir!)).mode & 0o777).toBe(0o700);
    expect(await serverAddress(server.url('postgres'))).toBeNull();
    const tcp = new URL(server.url('postgres'));
    tcp.searchParams.delete('host');
    expect(await serverAddress(tcp.toString())).toBe('127.0.0.1');
    // The socket still asks for the password.
    const noPassword = new URL(server.url('postgres'));
    noPassword.password = '';
    const client = openPostgres(noPassword.toString(), { max: 1, onnotice: () => undefined });
    await expect(client`select 1`).rejects.toThrow(/password/);
    await client.end({ timeout: 1 });
  });

  it('a data folder whose socket path would be too long for the kernel gets TCP only', { timeout: 120_000 }, async () => {
    const deep = path.join(os.tmpdir(), `yq-deep-${'d'.repeat(60)}`, 'e'.repeat(30));
    await fs.mkdir(deep, { recursive: true });
    await fs.chmod(path.dirname(deep), 0o755);
    await fs.chmod(deep, 0o755);
    cleanups.push(() => fs.rm(path.dirname(deep), { recursive: true, force: true }));
    const server = await start(deep);
    expect(server.socketDir).toBeUndefined();
    expect(server.url('postgres')).not.toContain('host=');
    expect(await serverAddress(server.url('postgres'))).toBe('127.0.0.1');
  });
});
