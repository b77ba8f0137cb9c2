import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { adminUrl: string; template: string };
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * One PostgreSQL per test run (embedded, or TEST_DATABASE_URL's server), migrations applied once
 * to a template; each test file clones the template (DESIGN.md §7).
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl: string;
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    adminUrl = withDatabase(external, 'postgres');
  } else {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-test-pg-'));
    await fs.chmod(dataDir, 0o755);
    server = await startEmbeddedPostgres({ dataDir, log: pino({ level: 'warn' }) });
    adminUrl = server.url('postgres');
  }
  const template = `yq_tpl_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${template}"`);
  await runMigrations(withDatabase(adminUrl, template));
  project.provide('pg', { adminUrl, template });

  return async () => {
    const leftovers = await admin`select datname from pg_database where datname like ${`yq_t_${template.slice(7)}_%`}`;
    for (const { datname } of leftovers) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.end({ timeout: 5 });
    if (server) await server.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  };
}
