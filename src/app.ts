import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { Router } from 'express';
import { COMMANDS } from '../commands/index.js';
import type { AppConfig } from './config.js';
import type { Clock } from './clock.js';
import { openDatabase, type OpenedDatabase } from './db/open.js';
import { createHttpApp, type ReadinessCheck } from './http/app.js';
import { webhookRouter } from './http/webhook.js';
import { handleInbound, type InboundDeps } from './inbound/handle.js';
import { createLarkClient } from './lark/client.js';
import type { InboundEvent } from './lark/events.js';
import { createLarkGateway } from './lark/gateway.js';
import { OutboxSender } from './lark/outbox-sender.js';
import { LongConnectionReceiver } from './lark/ws-receiver.js';
import { loadOrgFile, type LoadedOrg } from './org/load.js';
import { resolvePeopleOpenIds } from './org/resolve-people.js';
import { syncOrganisation } from './org/sync.js';

export interface RunningApp {
  config: AppConfig;
  database: OpenedDatabase;
  org: LoadedOrg;
  /** The port actually listened on (PORT=0 picks a free one). */
  port: number;
  /** The app's entry point for events, whichever receiver delivers them. */
  handle(event: InboundEvent): ReturnType<typeof handleInbound>;
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

/** Composition root: organisation file → database → org sync → Lark transport → HTTP. */
export interface AppDeps {
  clock: Clock;
  log: Logger;
  /** Delay before reopening a long connection the SDK gave up on (tests shorten it). */
  longConnectionRetryMs?: (attempt: number) => number;
}

export async function startApp(config: AppConfig, deps: AppDeps): Promise<RunningApp> {
  const { clock, log } = deps;
  // Read the organisation file first: a bad file should stop us before a database is started.
  const org = await loadOrgFile(config.orgFile);
  const database = await openDatabase(config, log);
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const summary = await syncOrganisation(database.db, org, clock.now());
    log.info({ orgFile: org.path, ...summary }, 'organisation file synced');

    let sender: OutboxSender | undefined;
    const inbound: InboundDeps = {
      db: database.db,
      clock,
      log,
      org: { timezone: org.org.timezone, policy: org.org.policy },
      commands: COMMANDS,
      afterCommit: () => sender?.wake(),
    };
    const handle = (event: InboundEvent) => handleInbound(inbound, event);
    const readiness: ReadinessCheck[] = [
      {
        name: 'database',
        check: async () => {
          await database.db.execute(sql`select 1`);
          return { ok: true };
        },
      },
    ];
    const routers: Router[] = [];

    if (config.lark) {
      const client = createLarkClient(config.lark, log);
      const gateway = createLarkGateway(client);
      // Not awaited: Lark being unreachable must not keep the bot from starting.
      void resolvePeopleOpenIds(database.db, gateway, clock.now(), log).catch((error: unknown) =>
        log.warn({ err: error }, 'could not resolve people named by mobile or email; will try at the next start'),
      );
      sender = new OutboxSender({ db: database.db, gateway, clock, log: log.child({ component: 'outbox' }) });
      sender.start();
      const running = sender;
      stops.push(() => running.stop());
      if (config.mode === 'webhook') {
        routers.push(
          webhookRouter({
            db: database.db,
            clock,
            log: log.child({ component: 'webhook' }),
            encryptKey: config.lark.encryptKey!,
            verificationToken: config.lark.verificationToken,
            maxAgeSeconds: config.lark.webhookMaxAgeSeconds,
            handle,
          }),
        );
      } else {
        const receiver = new LongConnectionReceiver({
          credentials: config.lark,
          log: log.child({ component: 'long-connection' }),
          handle,
          retryDelayMs: deps.longConnectionRetryMs,
        });
        receiver.start();
        stops.push(() => receiver.stop());
        readiness.push({ name: 'lark', check: async () => receiver.state() });
      }
    }

    const server = createServer(createHttpApp({ log, readiness, routers }));
    const port = await listen(server, config.port, config.host);
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return {
      config,
      database,
      org,
      port,
      handle,
      close: async () => {
        for (const stop of stops) await stop();
        await database.close();
      },
    };
  } catch (error) {
    for (const stop of stops) await stop();
    await database.close();
    throw error;
  }
}
