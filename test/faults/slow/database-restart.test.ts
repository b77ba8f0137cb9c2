import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../src/app.js';
import type { Clock } from '../../../src/clock.js';
import { faultOrg, pushLikeLark, sleep, waitForOutbox, type PushedEvent } from '../../helpers/faults.js';
import { startLarkRecorder, type LarkRecorder } from '../../helpers/lark-recorder.js';
import { messageEvent } from '../../helpers/lark-webhook.js';
import { silentLog } from '../../helpers/org.js';
import { startOwnPostgres, type OwnPostgres } from '../../helpers/own-postgres.js';

/**
 * The database goes away under load (immediate shutdown, as in a crash) and comes back on the same
 * address, on a PostgreSQL instance of this test's own. The bot is not restarted: /readyz must say
 * not ready while the database is gone and ready again by itself, events that failed meanwhile are
 * redelivered (as Lark does when it gets no 200), and nothing is lost or doubled.
 *
 * The app's business clock runs 6× real time so the outbox's claim lease (60 s on that clock)
 * expires in 10 s for a row whose "sent" could not be written while the database was down.
 */

const SPEED = 6;
const ENCRYPT_KEY = 'restart-encrypt-key';
const REGISTRATIONS = 50;
const COMMANDS = 50;

// Needs the postgres.js nextWrite guard that scripts/patch-postgres.mjs applies at install time
// (upstream porsager/postgres#1154, #1208, fix #1209): without it the restart throws an uncaught
// TypeError from nextWrite and the query that was writing never settles.
describe('the database restarted under load', () => {
  let pg: OwnPostgres;
  let lark: LarkRecorder;
  let app: RunningApp | undefined;
  let dir: string;
  let admin: postgres.Sql;
  const org = faultOrg(6, 4);

  beforeAll(async () => {
    pg = await startOwnPostgres();
    const setup = postgres(pg.url('postgres'), { max: 1, onnotice: () => undefined });
    await setup.unsafe('create database yuqing');
    await setup.end();
    lark = await startLarkRecorder();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-fault-pg-'));
    await fs.writeFile(path.join(dir, 'org.yaml'), org.yaml);
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await admin?.end({ timeout: 5 });
    await lark?.close();
    await pg?.destroy();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('/readyz goes not ready and recovers by itself; every event has one effect; every message goes once', async () => {
    const started = performance.now();
    const t0 = new Date('2026-11-27T02:00:00Z').getTime();
    const clock: Clock = { now: () => new Date(t0 + (performance.now() - started) * SPEED) };
    app = await startApp(
      {
        mode: 'webhook',
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        dataDir: dir,
        databaseUrl: pg.url('yuqing'),
        orgFile: path.join(dir, 'org.yaml'),
        lark: { appId: 'cli_faultfaultfault01', appSecret: 'secret', domain: lark.url, encryptKey: ENCRYPT_KEY, verificationToken: 'vtoken', webhookMaxAgeSeconds: 3600 },
      },
      { clock, log: silentLog, jobs: 'manual' },
    );
    const base = `http://127.0.0.1:${app.port}`;
    type Readiness = { status: number; body: { status: string; checks: { name: string; ok: boolean }[] } | string };
    const readyz = async (): Promise<Readiness> => {
      try {
        const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
        return { status: response.status, body: (await response.json()) as Readiness['body'] };
      } catch (error) {
        // No answer at all is not "ready" either; the assertions below say which it was.
        return { status: 0, body: error instanceof Error ? error.message : String(error) };
      }
    };
    expect((await readyz()).status).toBe(200);

    const events: PushedEvent[] = [
      ...Array.from({ length: REGISTRATIONS }, (_, i): PushedEvent => {
        const sender = org.staff[i % org.staff.length]!;
        const payload = messageEvent({ text: `/yq new 断库测试舆情${i}号\n部门: ${org.units[i % org.units.length]!.name}`, sender, chatType: 'p2p', chatId: `oc_p2p_${sender}`, messageId: `om_pg_reg_${i}`, eventId: `ev_pg_reg_${i}` });
        return { name: `reg:${i}`, route: '/webhook/event', redelivery: 'same', payload: () => payload };
      }),
      ...Array.from({ length: COMMANDS }, (_, i): PushedEvent => {
        const unit = org.units[i % org.units.length]!;
        const payload = messageEvent({ text: '/yq whoami', sender: unit.liaison, chatType: 'p2p', chatId: `oc_p2p_${unit.liaison}`, messageId: `om_pg_cmd_${i}`, eventId: `ev_pg_cmd_${i}` });
        return { name: `cmd:${i}`, route: '/webhook/event', redelivery: 'same', payload: () => payload };
      }),
    ].sort((a, b) => Number(a.name.split(':')[1]) - Number(b.name.split(':')[1]));

    let accepted = 0;
    const pushing = pushLikeLark({
      baseUrl: () => base,
      encryptKey: ENCRYPT_KEY,
      events,
      concurrency: 3,
      paceMs: 60,
      retryMs: 300,
      deadlineMs: 120_000,
      nowMs: () => clock.now().getTime(),
      onAccepted: (_event, _body, count) => void (accepted = count),
    });

    while (accepted < 30) await sleep(20);
    const acceptedBeforeOutage = accepted;
    const stoppedAt = performance.now();
    await pg.stop('fast');
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'not_ready', checks: [{ name: 'database', ok: false }] });
    await sleep(3000);
    const acceptedDuringOutage = accepted - acceptedBeforeOutage;
    await pg.start();
    const restartedAt = performance.now();
    // Ready again by itself: no restart of the app, only its pool reconnecting.
    let ready = await readyz();
    while (ready.status !== 200 && performance.now() - restartedAt < 45_000) {
      await sleep(200);
      ready = await readyz();
    }
    expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: [{ name: 'database', ok: true }] } });

    const outcomes = await pushing;
    expect([...outcomes].filter(([, outcome]) => !outcome.accepted).map(([name]) => name)).toEqual([]);
    // The outage was felt: events were refused (500 or no answer) and pushed again…
    expect([...outcomes.values()].filter((outcome) => outcome.failures.length > 0).length).toBeGreaterThan(0);
    // …and none was accepted while the database was down (an answer before the commit would be a lie).
    expect(acceptedDuringOutage).toBeLessThanOrEqual(3);
    admin = postgres(pg.url('yuqing'), { max: 2, onnotice: () => undefined });
    expect(await waitForOutbox(admin, 90_000)).toBe(0);

    // One item per registration, one reply per message.
    const items = await admin<{ title: string }[]>`select title from items`;
    expect(items.map((item) => item.title).sort()).toEqual(Array.from({ length: REGISTRATIONS }, (_, i) => `断库测试舆情${i}号`).sort());
    const [inbound] = await admin<{ n: number }[]>`select count(*)::int as n from inbound_events`;
    expect(inbound!.n).toBe(REGISTRATIONS + COMMANDS);
    const [dead] = await admin<{ n: number }[]>`select count(*)::int as n from outbox where dead_at is not null`;
    expect(dead!.n).toBe(0);
    for (const event of events) {
      const messageId = (event.payload(1) as { event: { message: { message_id: string } } }).event.message.message_id;
      expect(lark.messages.filter((m) => m.to === `reply:${messageId}`), messageId).toHaveLength(1);
    }
    const [rows] = await admin<{ n: number }[]>`select count(*)::int as n from outbox where kind in ('send', 'reply')`;
    expect(lark.messages).toHaveLength(rows!.n);
    // Raw requests: a uuid answered twice only if Lark's first answer could not be written down
    // because the database went away (a sender keeps delivering what it claimed, receiver by
    // receiver, and only then writes "sent"): first answered before the restart, again after the
    // stop, when its lease ran out. Two answers while the database stayed up would be a real double.
    const doubles = [...lark.okByUuid().values()].filter((requests) => requests.length > 1);
    expect(doubles.filter((requests) => requests.length > 2 || requests[0]!.at > restartedAt || requests[1]!.at < stoppedAt)
      // Says when, to tell a double from before the outage from one after the restart.
      .map((requests) => `${requests[0]!.uuid}: answered at ${requests.map((request) => Math.round(request.at - stoppedAt)).join(', ')} ms after the stop (restart at ${Math.round(restartedAt - stoppedAt)} ms)`)).toEqual([]);
  });
});
