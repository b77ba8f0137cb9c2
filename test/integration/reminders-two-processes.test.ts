import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_LABELS_ZH, type ClockKind } from '../../src/domain/clocks.js';
import { useAppHarness } from '../helpers/harness.js';

/**
 * Two bot processes sweeping one database (DESIGN.md §1b, §5; issue 6): real OS processes, each with
 * its own connection pool, told to sweep at the same simulated instant, ten minutes at a time across
 * a week. Then one of them is killed between claiming reminders and committing.
 */

const TZ = 'Asia/Shanghai';
const MINUTE = 60_000;
const STEP = 10 * MINUTE;
const STEPS = (7 * 24 * 60) / 10;
// Monday 23 November 2026, 00:00 in Asia/Shanghai.
const START = new Date('2026-11-22T16:00:00Z');
const PREFIX: Record<string, string> = { half: '过半提醒', due_soon: '即将到期', due: '到期' };

interface Sweeper {
  child: ChildProcessWithoutNullStreams;
  request(command: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startSweeper(databaseUrl: string, policy: unknown): Promise<Sweeper> {
  // Batches of 3: draining one instant takes each process several claims, so they interleave.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/processes/sweeper.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, TZ_NAME: TZ, POLICY: JSON.stringify(policy), BATCH_SIZE: '3' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const waiting = new Map<number, (answer: Record<string, unknown>) => void>();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as Record<string, unknown>;
    if (answer.ready) return ready();
    waiting.get(answer.id as number)?.(answer);
    waiting.delete(answer.id as number);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let n = 0;
  const sweeper: Sweeper = {
    child,
    exited,
    request: (command, timeoutMs = 20_000) => {
      n += 1;
      const id = n;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sweeper ${child.pid} did not answer ${JSON.stringify(command)} within ${timeoutMs} ms ${stderr}`)), timeoutMs);
        waiting.set(id, (answer) => {
          clearTimeout(timer);
          if (answer.error) reject(new Error(`sweeper ${child.pid}: ${String(answer.error)}`));
          else resolve(answer);
        });
        child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
      });
    },
  };
  return Promise.race([
    isReady.then(() => sweeper),
    exited.then((code) => Promise.reject(new Error(`sweeper exited (${String(code)}) before it was ready: ${stderr}`))),
  ]);
}

interface SentRow {
  id: number;
  ref: string;
  title: string;
  clock: string;
  step: string;
  sent_at: string;
  attempts: number;
}

describe('two bot processes sweeping one database', () => {
  // The app registers the items (webhook, workflow, cards); its own jobs never run here.
  const { db, harness, d } = useAppHarness({ at: START });
  let a: Sweeper;
  let b: Sweeper;
  let registered = 0;

  beforeAll(async () => {
    [a, b] = await Promise.all([startSweeper(db.url, harness.app.org.org.policy), startSweeper(db.url, harness.app.org.org.policy)]);
  });
  afterAll(async () => {
    for (const s of [a, b]) if (s && s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  });

  const register = async (at: Date, level: string, kind: string) => {
    harness.clock.set(at);
    registered += 1;
    // From a private chat of its own, so the answer is not paced behind the group's messages.
    const reply = await d.say('ou_news_staff', `/yq new 双进程提醒 ${registered}\n部门: 卫健委\n级别: ${level}\n类型: ${kind}`, `oc_two_${registered}`, 'p2p');
    expect(reply).toMatch(/^已登记 YQ-/);
  };

  const sentRows = async () =>
    db.db.execute<SentRow & Record<string, unknown>>(sql`
      select r.id::int as id, i.ref, i.title, r.clock, r.step, r.sent_at::text as sent_at, r.attempts
      from reminders r join items i on i.id = r.item_id where r.status = 'sent' order by r.id`);

  /** Every reminder line of every reminder message, with the lane it went to and when it was queued. */
  const outboxLines = async () => {
    const rows = await db.db.execute<{ lane: string; created_at: string; text: string }>(sql`
      select lane, created_at::text as created_at, payload->'message'->>'text' as text from outbox where key like 'reminder:%'`);
    return rows.flatMap((row) =>
      row.text
        .replace(/^(<at user_id="[^"]*"><\/at> )+/, '')
        .split('\n')
        .filter((line) => line.startsWith('【') || line.startsWith('• '))
        .map((line) => ({ lane: row.lane, at: row.created_at, line: line.replace(/^• /, '') })),
    );
  };

  /** The start of the line a reminder row becomes (stepText in reminder-sweep.ts). */
  const lineOf = (row: SentRow) => `【${PREFIX[row.step] ?? '超时督办'}】${row.ref}「${row.title}」${CLOCK_LABELS_ZH[row.clock as ClockKind]}`;

  async function expectEachSentOnceWithOneOutboxRowPerReceiver() {
    const sent = await sentRows();
    const lines = await outboxLines();
    // No line twice in one receiver at one instant: a reminder claimed by both would be.
    const keys = lines.map((l) => `${l.lane}|${l.at}|${l.line}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    expect(sent.filter((row) => row.attempts !== 1)).toEqual([]);
    for (const row of sent) {
      const mine = lines.filter((l) => l.at === row.sent_at && l.line.startsWith(lineOf(row)));
      const perLane = new Map<string, number>();
      for (const l of mine) perLane.set(l.lane, (perLane.get(l.lane) ?? 0) + 1);
      // At least one receiver, and exactly one outbox row per receiver.
      expect({ row: row.id, lanes: perLane.size > 0, once: [...perLane.values()].every((n) => n === 1) }).toEqual({ row: row.id, lanes: true, once: true });
    }
    return sent;
  }

  it('through a simulated week, 10 minutes at a time, every reminder due is sent exactly once', { timeout: 240_000 }, async () => {
    // Items registered at different times of day and days of the week, every level and kind.
    const levels = ['一般', '重大', '特别重大'];
    const kinds = ['舆情', '咨询投诉'];
    const registrations = new Map<number, { level: string; kind: string; offsetMinutes: number }>();
    for (let i = 0; i < 15; i += 1) {
      const step = Math.floor((i * 37 * 6 + (i % 4) * 13) % (5 * 24 * 6)); // spread over the first five days
      registrations.set(step, { level: levels[i % 3]!, kind: kinds[i % 2]!, offsetMinutes: (i * 7) % 10 });
    }
    let sentByA = 0;
    let sentByB = 0;
    let bothSentInOneStep = 0;
    for (let step = 0; step <= STEPS; step += 1) {
      const at = new Date(START.getTime() + step * STEP);
      const registration = registrations.get(step);
      if (registration) await register(new Date(at.getTime() - registration.offsetMinutes * MINUTE), registration.level, registration.kind);
      const [ra, rb] = await Promise.all([a.request({ sweep: at.toISOString(), drain: true }), b.request({ sweep: at.toISOString(), drain: true })]);
      sentByA += ra.sent as number;
      sentByB += rb.sent as number;
      if ((ra.sent as number) > 0 && (rb.sent as number) > 0) bothSentInOneStep += 1;
    }
    const end = new Date(START.getTime() + STEPS * STEP);
    expect(registered).toBe(registrations.size);
    // Nothing due in the week is left: every row is sent, or was skipped/cancelled by the rules.
    const [left] = await db.db.execute<{ n: number }>(sql`select count(*)::int as n from reminders where status = 'pending' and due_at <= ${end.toISOString()}::timestamptz`);
    expect(left!.n).toBe(0);
    // The only rows not sent are steps that fell due in the same ten minutes as a later step of
    // the same clock, which went instead (only the latest still means something).
    const unexplained = await db.db.execute(sql`
      select r.id, r.step, r.status from reminders r
      where r.status <> 'sent' and r.due_at <= ${end.toISOString()}::timestamptz
        and not (r.status = 'skipped' and exists (
          select 1 from reminders later where later.item_id = r.item_id and later.clock = r.clock and later.clock_due_at = r.clock_due_at
            and later.status = 'sent' and later.due_at > r.due_at and later.sent_at < r.due_at + interval '10 minutes'))`);
    expect(unexplained).toEqual([]);
    const sent = await expectEachSentOnceWithOneOutboxRowPerReceiver();
    expect(sent.length).toBe(sentByA + sentByB);
    // Both processes did real work, sometimes in the same step (so they really raced).
    expect(sentByA).toBeGreaterThan(0);
    expect(sentByB).toBeGreaterThan(0);
    console.info(`two processes: ${sent.length} reminders sent (${sentByA} by one, ${sentByB} by the other; both sent in ${bothSentInOneStep} steps)`);
    // Overdue clocks keep escalating: repeats were sent during the week, and each open clock still
    // has its next one waiting.
    expect(sent.filter((row) => row.step.startsWith('overdue_repeat_')).length).toBeGreaterThan(15);
    const [waiting] = await db.db.execute<{ clocks: number; repeats: number }>(sql`
      select (select count(*)::int from clocks where kind <> 'watch' and met_at is null) as clocks,
             (select count(*)::int from reminders where status = 'pending' and step like 'overdue_repeat_%' and due_at > ${end.toISOString()}::timestamptz) as repeats`);
    expect(waiting!.repeats).toBe(waiting!.clocks);
  });

  it('a process killed between claim and commit: the other sends those reminders, exactly once', { timeout: 120_000 }, async () => {
    const t0 = new Date(START.getTime() + (STEPS + 1) * STEP);
    for (const [i, level] of ['一般', '重大', '特别重大'].entries()) await register(new Date(t0.getTime() + i * MINUTE), level, '舆情');
    const at = new Date(t0.getTime() + 3 * 60 * MINUTE); // every new ack clock is overdue
    const before = (await sentRows()).length;
    const held = await a.request({ sweep: at.toISOString(), hold: true });
    const claimed = held.claimed as number[];
    expect(claimed.length).toBeGreaterThanOrEqual(3);
    // While `a` holds them, `b` neither waits for `a` nor takes its rows.
    const meanwhile = await b.request({ sweep: at.toISOString(), drain: true }, 10_000);
    const [due] = await db.db.execute<{ n: number }>(sql`select count(*)::int as n from reminders where status = 'pending' and due_at <= ${at.toISOString()}::timestamptz`);
    expect(due!.n).toBe(claimed.length);
    const [stillPending] = await db.db.execute<{ n: number }>(sql`select count(*)::int as n from reminders where status = 'pending' and id in ${sql.raw(`(${claimed.join(',')})`)}`);
    expect(stillPending!.n).toBe(claimed.length);

    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    // PostgreSQL ends the dead process's transaction when its connection drops; then `b` gets them.
    let after = await b.request({ sweep: at.toISOString(), drain: true });
    for (let tries = 0; after.sent === 0 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await b.request({ sweep: at.toISOString(), drain: true });
    }
    expect(await b.request({ sweep: at.toISOString() })).toMatchObject({ sent: 0 });
    // What `a` claimed went out once, from `b`, at that sweep; earlier steps of a clock whose later
    // step was due too were skipped, as in any sweep.
    const rows = await db.db.execute<{ status: string; sent_at: string | null; attempts: number }>(
      sql`select status, sent_at::text as sent_at, attempts from reminders where id in ${sql.raw(`(${claimed.join(',')})`)}`,
    );
    expect(rows.filter((row) => row.status !== 'sent' && row.status !== 'skipped')).toEqual([]);
    const sentNow = rows.filter((row) => row.status === 'sent');
    expect(sentNow.length).toBe(after.sent);
    expect(sentNow.length).toBeGreaterThanOrEqual(1);
    expect((meanwhile.sent as number) + sentNow.length).toBeGreaterThan(sentNow.length);
    expect(sentNow.filter((row) => new Date(row.sent_at!).getTime() !== at.getTime() || row.attempts !== 1)).toEqual([]);
    const sent = await expectEachSentOnceWithOneOutboxRowPerReceiver();
    // Everything sent since the hold came from `b`: what it sent meanwhile, then `a`'s rows.
    expect(sent.length - before).toBe((meanwhile.sent as number) + sentNow.length);
  });
});
