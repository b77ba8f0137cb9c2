import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeLark } from '../helpers/fake-lark.js';
import { eventually, startTestApp } from '../helpers/app.js';
import { TEST_ORG_YAML } from '../helpers/org.js';
import { driver } from '../helpers/workflow.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FRIDAY = new Date('2026-11-27T02:00:00Z'); // Friday 10:00 in Asia/Shanghai
const MONDAY_0900 = new Date('2026-11-30T01:00:30Z'); // Monday 09:00:30: the weekly report is due

interface AppProcess {
  child: ChildProcess;
  jobsDone: Promise<void>;
  exited: Promise<void>;
  output(): string;
}

/**
 * Two bot instances and a restart around Monday 09:00 (issue 7): real processes of the app on one
 * database, each running the scheduled reports as a start does. The first is killed inside its
 * report transaction — after claiming the period in report_runs, before its messages reach the
 * outbox — the moment a crash would hurt most.
 */
describe('the weekly report with two instances and a crash at the wrong moment', () => {
  let db: TestDatabase;
  let dir: string;
  let orgFile: string;
  let admin: postgres.Sql;
  const children: ChildProcess[] = [];

  const startAt = (at: Date): AppProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/processes/app-at-time.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: db.url, ORG_FILE: orgFile, DATA_DIR: dir, AT: at.toISOString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const jobsDone = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => out.includes('{"jobs":"done"}') && resolve());
      void exited.then(() => reject(new Error(`app exited before its jobs ran:\n${out}`)));
    });
    jobsDone.catch(() => undefined);
    return { child, jobsDone, exited, output: () => out };
  };

  /** Backends of the test database waiting on a lock, with what they were running. */
  const waiting = async () =>
    (await admin<{ pid: number; query: string }[]>`
      select pid, query from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).map((row) => row.query.replace(/\s+/g, ' '));

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    db = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-reports-'));
    orgFile = path.join(dir, 'org.yaml');
    await fs.writeFile(orgFile, TEST_ORG_YAML);
    admin = postgres(db.url, { max: 2, onnotice: () => undefined });
    // A week with something in it, registered through the app as usual; an instance running until
    // 08:59 on Monday has sent the reminders and the reports due by then (the week before's).
    const lark = fakeLark();
    const harness = await startTestApp({ databaseUrl: db.url, larkDomain: lark.domain, at: FRIDAY });
    await driver(harness, lark).say('ou_news_staff', '/yq new 医院排队\n部门: 卫健委', 'oc_news');
    harness.clock.set(new Date(MONDAY_0900.getTime() - 90_000));
    await harness.app.runJobs();
    await harness.close();
    nock.cleanAll();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await admin.end({ timeout: 5 });
    nock.enableNetConnect();
    await db.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('killed between claiming the period and committing: the other instance sends it, the restarted one sends nothing, once in all', async () => {
    // Hold the outbox so the first instance stops inside its report transaction, at its first
    // message, with the period already claimed in report_runs (uncommitted).
    const gate = await admin.reserve();
    await gate`begin`;
    await gate`lock table outbox in share mode`;

    const first = startAt(MONDAY_0900);
    await eventually(async () => expect(await waiting()).toEqual([expect.stringMatching(/^insert into "outbox"/)]), 60_000);
    const second = startAt(MONDAY_0900);
    // The second instance queues behind the first's claim (the unique period key), not beside it.
    await eventually(async () => expect((await waiting()).filter((q) => q.startsWith('insert into "report_runs"'))).toHaveLength(1), 60_000);

    first.child.kill('SIGKILL');
    await first.exited;
    await gate`commit`;
    gate.release();
    await second.jobsDone;

    const restarted = startAt(new Date(MONDAY_0900.getTime() + 10 * 60_000));
    await restarted.jobsDone;
    const third = startAt(new Date(MONDAY_0900.getTime() + 20 * 60_000));
    await third.jobsDone;

    const runs = await admin<{ kind: string; period_label: string }[]>`select kind, period_label from report_runs order by kind, period_start`;
    // (No weekly or monthly report for periods that ended before the first item, on Friday.)
    expect(runs.map((r) => `${r.kind}:${r.period_label}`)).toEqual(['daily:2026年11月29日', 'weekly:2026年11月23日—11月29日']);
    // This week's report: one message per recipient, sent by the second instance alone.
    const [run] = await admin<{ period_start: string }[]>`select period_start from report_runs where period_label = '2026年11月23日—11月29日'`;
    const weekly = await admin<{ key: string }[]>`select key from outbox where key like ${`report:weekly:${run!.period_start}:%`} order by key`;
    expect(weekly.map((r) => r.key.slice(`report:weekly:${run!.period_start}:`.length))).toEqual(['unit:gov_office', 'unit:news', 'unit:propaganda', 'user:ou_vice_wang']);
    const digests = await admin<{ n: number }[]>`select count(*)::int as n from outbox where payload::text like '%2026年11月23日—11月29日%'`;
    expect(digests[0]!.n).toBe(4);
  }, 180_000);
});
