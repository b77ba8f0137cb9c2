import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { Router } from 'express';
import { COMMANDS } from '../commands/index.js';
import type { AppConfig, IntakeToken } from './config.js';
import type { Clock } from './clock.js';
import { openDatabase, type OpenedDatabase } from './db/open.js';
import { createHttpApp, type ReadinessCheck } from './http/app.js';
import { webhookRouter } from './http/webhook.js';
import { intakeRouter } from './http/intake.js';
import { handleInbound, type InboundDeps } from './inbound/handle.js';
import { createLarkClient } from './lark/client.js';
import type { InboundEvent } from './lark/events.js';
import { createLarkGateway } from './lark/gateway.js';
import { OutboxSender } from './lark/outbox-sender.js';
import { LongConnectionReceiver } from './lark/ws-receiver.js';
import { loadOrgFile, type LoadedOrg } from './org/load.js';
import { resolvePeopleOpenIds } from './org/resolve-people.js';
import { syncOrganisation } from './org/sync.js';
import { loadWorkingCalendar } from './calendar/load.js';
import { Scheduler } from './scheduler/scheduler.js';
import { sweepReminders } from './scheduler/reminder-sweep.js';
import { redrawOverdueCards } from './scheduler/overdue-cards.js';
import { redrawQueuedCards } from './workflow/card-redraws.js';
import type { ViewContext } from './workflow/item-view.js';
import { finishWatches } from './scheduler/watch.js';
import { escalateLeads } from './scheduler/leads.js';
import { remindAssessments } from './scheduler/assessments.js';
import { repostAgingCards } from './scheduler/repost.js';
import { nextReportAfter, runScheduledReports } from './workflow/reports.js';
import { ensureReportZone, foldReportRollups } from './db/queries/reports.js';
import { nextDueAfter } from './workflow/deadlines.js';
import { deleteInboundEventsBefore } from './db/queries/inbound.js';
import { findPersonByOpenId } from './db/queries/organisation.js';
import { sandboxApiRouter } from './sandbox/api.js';
import { prepareSandbox, type Sandbox } from './sandbox/prepare.js';
import { standInRouter } from './sandbox/stand-in.js';

export interface RunningApp {
  config: AppConfig;
  /** The clock the app runs on (the sandbox's own in sandbox mode). */
  clock: Clock;
  database: OpenedDatabase;
  org: LoadedOrg;
  /** The port actually listened on (PORT=0 picks a free one). */
  port: number;
  /** The app's entry point for events, whichever receiver delivers them. */
  handle(event: InboundEvent): ReturnType<typeof handleInbound>;
  /** Runs the background jobs now (reminders, watches, leads, then reports), as their timers would. */
  runJobs(): Promise<void>;
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

/** INTAKE_TOKENS, plus in sandbox mode the demo monitoring system the page's 模拟监测推送 uses. */
function intakeTokens(config: AppConfig, sandbox: Sandbox | undefined): IntakeToken[] {
  const configured = config.intakeTokens ?? [];
  if (!sandbox || configured.some((t) => t.source === sandbox.intakeDemo.source)) return configured;
  return [...configured, sandbox.intakeDemo];
}

/** Composition root: organisation file → database → org sync → Lark transport → HTTP. */
export interface AppDeps {
  clock: Clock;
  log: Logger;
  /** Delay before reopening a long connection the SDK gave up on (tests shorten it). */
  longConnectionRetryMs?: (attempt: number) => number;
  /** `npm run sandbox -- --reset`: start the sandbox from a clean database. */
  resetSandbox?: boolean;
  /**
   * 'manual' leaves the background jobs to `runJobs()`: tests that count rows must not race a timer
   * firing on wall-clock time. Default 'timers'.
   */
  jobs?: 'timers' | 'manual';
}

export async function startApp(config: AppConfig, deps: AppDeps): Promise<RunningApp> {
  const { log } = deps;
  let clock: Clock = deps.clock;
  // Read the organisation file first: a bad file should stop us before a database is started.
  const org = await loadOrgFile(config.orgFile);
  const database = await openDatabase(config, log, { resetSandbox: deps.resetSandbox });
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const summary = await syncOrganisation(database.db, org, clock.now());
    log.info({ orgFile: org.path, ...summary }, 'organisation file synced');
    if (await ensureReportZone(database.db, org.org.timezone)) log.info({ tz: org.org.timezone }, 'report rollups rebuilt for the county\'s zone');
    const calendar = await loadWorkingCalendar(config.calendarFile);
    const sandbox = config.mode === 'sandbox' ? await prepareSandbox(database.db, clock, log) : undefined;
    if (sandbox) clock = sandbox.clock;

    let sender: OutboxSender | undefined;
    const viewNow = (): ViewContext => ({ tz: org.org.timezone, policy: org.org.policy, calendar, now: clock.now() });
    // Older card copies are redrawn just before the sender claims its next rows.
    const cardsLog = log.child({ component: 'cards' });
    const refill = () => redrawQueuedCards(database.db, viewNow(), cardsLog);
    const inbound: InboundDeps = {
      db: database.db,
      clock,
      log,
      org: { timezone: org.org.timezone, policy: org.org.policy, calendar },
      commands: COMMANDS,
      afterCommit: (left) => (left === 'messages' ? sender?.wake() : sender?.nudge()),
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
    // Monitoring systems push alerts here (R17); with no INTAKE_TOKENS every push gets 401.
    routers.push(intakeRouter({ db: database.db, clock, log: log.child({ component: 'intake' }), tokens: intakeTokens(config, sandbox), org: inbound.org, afterCommit: () => sender?.wake() }));

    if (config.lark) {
      const client = createLarkClient(config.lark, log);
      const gateway = createLarkGateway(client);
      // Not awaited: Lark being unreachable must not keep the bot from starting.
      void resolvePeopleOpenIds(database.db, gateway, clock.now(), log).catch((error: unknown) =>
        log.warn({ err: error }, 'could not resolve people named by mobile or email; will try at the next start'),
      );
      sender = new OutboxSender({ db: database.db, gateway, clock, log: log.child({ component: 'outbox' }), refill });
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

    let baseUrl = '';
    if (sandbox) {
      routers.push(
        webhookRouter({ db: database.db, clock, log: log.child({ component: 'webhook' }), encryptKey: sandbox.secrets.encryptKey, verificationToken: sandbox.secrets.verificationToken, maxAgeSeconds: 3600, handle }),
        standInRouter({ db: database.db, clock, log: log.child({ component: 'sandbox-lark' }), secrets: sandbox.secrets, changes: sandbox.changes, clickTokens: sandbox.clickTokens, personName: async (openId) => (await findPersonByOpenId(database.db, openId))?.name }),
        sandboxApiRouter({ db: database.db, clock: sandbox.clock, log: log.child({ component: 'sandbox' }), secrets: sandbox.secrets, changes: sandbox.changes, clickTokens: sandbox.clickTokens, baseUrl: () => baseUrl, timezone: org.org.timezone, onClockMoved: async () => sandbox.onClockMoved?.(), intakeDemo: sandbox.intakeDemo,
          nextDue: (now) => nextDueAfter(database.db, now),
          nextReport: (now) => nextReportAfter(org.org.policy, now, org.org.timezone) }),
      );
    }
    const scheduler = new Scheduler(log.child({ component: 'scheduler' }));
    scheduler.add({
      name: 'reminders',
      cron: '*/20 * * * * *',
      run: async () => {
        await sweepReminders({ db: database.db, clock, log: log.child({ component: 'reminders' }), tz: org.org.timezone, policy: org.org.policy });
        await redrawOverdueCards(database.db, viewNow(), cardsLog);
        await finishWatches(database.db, viewNow(), log.child({ component: 'watch' }));
        await escalateLeads(database.db, viewNow(), log.child({ component: 'leads' }));
        await remindAssessments(database.db, viewNow(), log.child({ component: 'assessments' }));
        sender?.wake();
      },
    });
    scheduler.add({
      name: 'reports',
      cron: '*/5 * * * *',
      // Each run sends only what is due and not yet sent (report_runs), so a short interval is safe.
      run: () => runScheduledReports(database.db, { policy: org.org.policy, tz: org.org.timezone, now: clock.now(), log: log.child({ component: 'reports' }) }),
    });
    scheduler.add({
      name: 'fold-rollups',
      cron: '*/30 * * * * *',
      // Only speed depends on it: reports read the unfolded deltas too.
      run: async () => {
        const folded = await foldReportRollups(database.db);
        if (folded > 0) log.debug({ component: 'reports', folded }, 'report rollup deltas folded');
      },
    });
    scheduler.add({
      name: 'repost-cards',
      cron: '7 * * * *',
      run: () => repostAgingCards(database.db, viewNow(), cardsLog),
    });
    scheduler.add({
      name: 'retention',
      cron: '17 3 * * *',
      tz: org.org.timezone,
      // Lark stops redelivering within a day; dedupe keys are kept a week (DESIGN.md §5).
      run: () => deleteInboundEventsBefore(database.db, new Date(clock.now().getTime() - 8 * 86_400_000)),
    });
    const runJobs = async () => {
      await scheduler.runNow('reminders');
      await scheduler.runNow('reports');
    };
    if (sandbox) sandbox.onClockMoved = runJobs;

    const server = createServer(createHttpApp({ log, readiness, routers }));
    const port = await listen(server, config.port, config.host);
    baseUrl = `http://127.0.0.1:${port}`;
    stops.unshift(() => scheduler.stop());
    if (deps.jobs !== 'manual') {
      scheduler.start();
      // Reminders and reports that fell due while the bot was down go out now, once.
      void runJobs();
    }
    if (sandbox) {
      // The bot talks to the stand-in through the real SDK client, its domain pointed here.
      const gateway = createLarkGateway(createLarkClient({ appId: sandbox.secrets.appId, appSecret: sandbox.secrets.appSecret, domain: baseUrl }, log));
      sender = new OutboxSender({ db: database.db, gateway, clock, log: log.child({ component: 'outbox' }), refill });
      sender.start();
      const running = sender;
      stops.push(() => running.stop());
    }
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return {
      config,
      clock,
      database,
      org,
      port,
      handle,
      runJobs,
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
