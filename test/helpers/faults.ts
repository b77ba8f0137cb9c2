import type { Sql } from 'postgres';
import { signedWebhook } from './lark-webhook.js';

/** Tools shared by the fault tests (test/faults/**). */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small seeded PRNG (mulberry32), so a shuffle or a fault plan is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Row counts of every table in the public schema (to prove a refused request wrote nothing). */
export async function tableCounts(sql: Sql): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from "${name}"`);
    counts[name] = row!.n;
  }
  return counts;
}

/**
 * Waits until every outbox row is sent or dead; returns the open count if the time ran out, or if
 * `stallMs` is given and no row was finished for that long (a backlog that keeps draining at
 * Lark's pace is waited for; one that is stuck is not).
 */
export async function waitForOutbox(sql: Sql, timeoutMs: number, options: { stallMs?: number } = {}): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let lastOpen = Infinity;
  let movedAt = performance.now();
  for (;;) {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where sent_at is null and dead_at is null`;
    const now = performance.now();
    if (row!.n < lastOpen) [lastOpen, movedAt] = [row!.n, now];
    if (row!.n === 0 || now > deadline || (options.stallMs !== undefined && now - movedAt > options.stallMs)) return row!.n;
    await sleep(200);
  }
}

/** The rows waitForOutbox still saw open, with why they wait (for a failing assertion's message). */
export async function openOutboxRows(sql: Sql): Promise<string> {
  const rows = await sql`
    select id, kind, lane, key, attempts, next_attempt_at, claimed_until, last_error, now() as now
    from outbox where sent_at is null and dead_at is null order by id limit 20`;
  return JSON.stringify(rows, null, 1);
}

export interface PushedEvent {
  /** A stable name for the logical event (what the test asserts about). */
  name: string;
  route: '/webhook/event' | '/webhook/card';
  /** Builds the payload; `attempt` lets a click get a new event id when the user clicks again. */
  payload(attempt: number): unknown;
  /** Lark re-pushes unanswered events with the same id; unanswered card clicks it never re-pushes: the user clicks again. */
  redelivery: 'same' | 'new-id';
}

export interface PushOutcome {
  attempts: number;
  /** HTTP status and body of the request that got the 200, if any. */
  accepted?: { status: number; body: string; attempt: number };
  failures: string[];
}

/**
 * Plays Lark's delivery of webhook events: each signed and encrypted with the current time,
 * answered within `answerTimeoutMs` (Lark's 3 s) or counted as unanswered; anything but a 200 is
 * pushed again after `retryMs` (Lark waits 15 s, 5 min…: compressed). Runs `concurrency` requests
 * at once and stops when every event has been accepted or `deadlineMs` has passed.
 */
export async function pushLikeLark(options: {
  baseUrl: () => string;
  encryptKey: string;
  events: PushedEvent[];
  concurrency: number;
  retryMs?: number;
  answerTimeoutMs?: number;
  deadlineMs: number;
  /** Called after each accepted event (e.g. to kill the bot half-way); may return more events to push. */
  onAccepted?: (event: PushedEvent, body: string, acceptedCount: number) => void | PushedEvent[] | Promise<void | PushedEvent[]>;
  /** The time the requests are signed with (default: now). */
  nowMs?: () => number;
  /** Each worker pauses this long after each request (to spread the load over time). */
  paceMs?: number;
}): Promise<Map<string, PushOutcome>> {
  const outcomes = new Map<string, PushOutcome>(options.events.map((event) => [event.name, { attempts: 0, failures: [] }]));
  const queue: { event: PushedEvent; notBefore: number }[] = options.events.map((event) => ({ event, notBefore: 0 }));
  const deadline = performance.now() + options.deadlineMs;
  let acceptedCount = 0;
  let inFlight = 0;

  const worker = async () => {
    for (;;) {
      if (performance.now() > deadline) return;
      const now = performance.now();
      const index = queue.findIndex((entry) => entry.notBefore <= now);
      if (index < 0) {
        if (queue.length === 0 && inFlight === 0) return;
        await sleep(20);
        continue;
      }
      const [{ event }] = queue.splice(index, 1) as [{ event: PushedEvent; notBefore: number }];
      const outcome = outcomes.get(event.name)!;
      outcome.attempts += 1;
      const attempt = outcome.attempts;
      inFlight += 1;
      try {
        const payload = event.payload(event.redelivery === 'same' ? 1 : attempt);
        // Lark signs with its own wall clock (the bot under test runs on the system clock unless told).
        const signed = signedWebhook(payload, options.encryptKey, options.nowMs ? options.nowMs() : new Date().getTime());
        const response = await fetch(`${options.baseUrl()}${event.route}`, {
          method: 'POST',
          headers: signed.headers,
          body: signed.body,
          signal: AbortSignal.timeout(options.answerTimeoutMs ?? 3000),
        });
        const body = await response.text();
        if (response.status === 200) {
          outcome.accepted = { status: 200, body, attempt };
          acceptedCount += 1;
          const more = await options.onAccepted?.(event, body, acceptedCount);
          for (const added of more ?? []) {
            outcomes.set(added.name, { attempts: 0, failures: [] });
            queue.push({ event: added, notBefore: 0 });
          }
        } else {
          outcome.failures.push(`HTTP ${response.status}`);
          queue.push({ event, notBefore: performance.now() + (options.retryMs ?? 300) });
        }
      } catch (error) {
        outcome.failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        queue.push({ event, notBefore: performance.now() + (options.retryMs ?? 300) });
      } finally {
        inFlight -= 1;
      }
      if (options.paceMs) await sleep(options.paceMs);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return outcomes;
}

/** A county with `units` departments, each with its own group, one leader and one liaison. */
export function faultOrg(units: number, newsStaff: number) {
  const codes = Array.from({ length: units }, (_, i) => `dept${i + 1}`);
  const staff = Array.from({ length: newsStaff }, (_, i) => `ou_news_staff${i + 1}`);
  const lines = [
    'admins: [ou_admin]',
    'units:',
    '  - code: news',
    '    name: 县新闻办（网信办）',
    '    role: news_office',
    '    chat_id: oc_news',
    '    leaders: [ou_news_lead]',
    `    members: [${staff.join(', ')}]`,
    ...codes.flatMap((code, i) => [
      `  - code: ${code}`,
      `    name: 县第${i + 1}局`,
      '    role: department',
      `    chat_id: oc_${code}`,
      `    leaders: [ou_${code}_lead]`,
      `    liaisons: [ou_${code}_liaison]`,
    ]),
    'people:',
    '  ou_admin: 管理员',
    '  ou_news_lead: 陈主任',
    ...staff.map((id, i) => `  ${id}: 新闻办${i + 1}号`),
    ...codes.flatMap((code, i) => [`  ou_${code}_lead: 第${i + 1}局局长`, `  ou_${code}_liaison: 第${i + 1}局联络人`]),
  ];
  return {
    yaml: `${lines.join('\n')}\n`,
    units: codes.map((code, i) => ({ code, name: `县第${i + 1}局`, chatId: `oc_${code}`, leader: `ou_${code}_lead`, liaison: `ou_${code}_liaison` })),
    staff,
  };
}

/** A free TCP port on 127.0.0.1 (for a process that must come back on the same address). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
