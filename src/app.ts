import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { AppConfig } from './config.js';
import type { Clock } from './clock.js';
import { openDatabase, type OpenedDatabase } from './db/open.js';
import { createHttpApp } from './http/app.js';
import { loadOrgFile, type LoadedOrg } from './org/load.js';
import { syncOrganisation } from './org/sync.js';

export interface RunningApp {
  config: AppConfig;
  database: OpenedDatabase;
  org: LoadedOrg;
  /** The port actually listened on (PORT=0 picks a free one). */
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Composition root: organisation file → database → org sync → HTTP. */
export async function startApp(config: AppConfig, deps: { clock: Clock; log: Logger }): Promise<RunningApp> {
  const { clock, log } = deps;
  // Read the organisation file first: a bad file should stop us before a database is started.
  const org = await loadOrgFile(config.orgFile);
  const database = await openDatabase(config, log);
  let server: Server;
  try {
    const summary = await syncOrganisation(database.db, org, clock.now());
    log.info({ orgFile: org.path, ...summary }, 'organisation file synced');

    const http = createHttpApp({
      log,
      readiness: [
        {
          name: 'database',
          check: async () => {
            await database.db.execute(sql`select 1`);
            return { ok: true };
          },
        },
      ],
    });
    server = createServer(http);
    const port = await listen(server, config.port, config.host);
    const running = server;
    return {
      config,
      database,
      org,
      port,
      close: async () => {
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeAllConnections();
        });
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
