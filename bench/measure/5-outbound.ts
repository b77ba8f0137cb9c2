import { createServer } from 'node:http';
import express from 'express';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import { connectDatabase } from '../../src/db/client.js';
import { enqueueOutbox } from '../../src/db/queries/outbox.js';
import { sandboxChats } from '../../src/db/schema/index.js';
import { uuidFor } from '../../src/lark/outbox-sender.js';
import { Pacer } from '../../src/lark/pacer.js';
import { standInRouter } from '../../src/sandbox/stand-in.js';
import { ChangeCounter } from '../../src/sandbox/state.js';
import { round, type BenchContext } from '../lib/context.js';
import { BENCH_SECRETS } from '../lib/lark-events.js';
import { sleep, waitFor } from '../lib/load.js';

/** Lark's limits (DESIGN.md §8), as the stand-in enforces them. */
const LARK = { appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5 };

/**
 * The shortest time Lark's limits allow for n messages spread evenly over c chats, in ms, counting
 * the calls the app made in the minute before (ms before the burst): Lark counts those too, so a
 * burst of 1,000 after any other call in that minute has to wait for the minute to pass.
 */
export function permittedMs(n: number, chats: number, earlierCallsMsAgo: number[] = []): number {
  const lark = new Pacer({ perChatPerSecond: LARK.chatPerSecond, perUserPerSecond: LARK.chatPerSecond, appPerSecond: LARK.appPerSecond, appPerMinute: LARK.appPerMinute, minuteSpanMs: 60_000 });
  for (const ago of [...earlierCallsMsAgo].sort((a, b) => b - a)) lark.tryTake({}, -ago);
  // Evenly spaced at Lark's own rate: the (n-1)/50 s the figure assumes, later if a limit binds.
  let now = 0;
  for (let i = 0; i < n; i += 1) {
    for (let wait = lark.tryTakeSpaced({ chatId: `oc_${i % chats}` }, now); wait > 0; wait = lark.tryTakeSpaced({ chatId: `oc_${i % chats}` }, now)) now += wait;
  }
  return now;
}

/**
 * 5. Outbound: reminder messages all due at one instant across many chats, queued in the outbox in
 * one transaction, delivered by the app's real OutboxSender through the real SDK client to the
 * sandbox stand-in, which enforces Lark's limits (5/s per chat → 230020; 50/s and 1000/min per
 * app → 99991400 with x-ogw-ratelimit-reset). Then every outbox row is matched to the stand-in's
 * stored messages by uuid: none lost, none doubled, each chat in order.
 */
export async function measureOutbound(ctx: BenchContext): Promise<void> {
  const section = '5 outbound';
  const { outboundMessages: n, outboundChats: chats } = ctx.params;
  const database = 'bench_outbound';
  // An empty database: the app migrates it and syncs the organisation file itself.
  await ctx.server.createDatabase(database);
  const standInDb = connectDatabase(ctx.server.urlFor(database));
  const throttled: Record<string, number> = {};
  let calls = 0;
  const callTimes: number[] = [];

  const web = express();
  web.use((req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: { code?: number }) => {
      if (body?.code !== undefined && body.code !== 0) throttled[body.code] = (throttled[body.code] ?? 0) + 1;
      return json(body);
    };
    calls += 1;
    // The calls the stand-in counts against the app's limits: sends and replies.
    if (req.method === 'POST' && /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(req.path)) callTimes.push(performance.now());
    next();
  });
  web.use(
    standInRouter({
      db: standInDb.db,
      clock: systemClock,
      log: pino({ level: 'silent' }),
      secrets: { ...BENCH_SECRETS, botOpenId: 'ou_bench_bot' },
      changes: new ChangeCounter(),
      clickTokens: new Map(),
      personName: async () => '基准测试',
    }),
  );
  const server = createServer(web);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const standInUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const app = await ctx.startApp(database, standInUrl, 'outbound');
  try {
    await sleep(1500);
    const at = new Date();
    const chatIds = Array.from({ length: chats }, (_, i) => `oc_bench_out_${String(i).padStart(3, '0')}`);
    await standInDb.db.insert(sandboxChats).values(chatIds.map((chatId) => ({ chatId, name: `基准群 ${chatId}`, kind: 'group', members: [], createdAt: at })));
    const rows = Array.from({ length: n }, (_, i) => ({ key: `reminder:bench:${i}`, chatId: chatIds[i % chats]! }));
    const callsBefore = calls;
    const burstStart = performance.now();
    // All due at one instant: one transaction, as the sweeper writes them.
    await standInDb.db.transaction(async (tx) => {
      for (const [i, row] of rows.entries()) {
        const text = `【即将到期】YQ-20261127-${String(i % 1000).padStart(3, '0')}「基准测试舆情」认领将于 今天 10:00 到期（还剩 30 分钟）。请尽快认领。`;
        await enqueueOutbox(tx, row.key, { kind: 'send', target: { chatId: row.chatId }, message: { msgType: 'text', text } }, at);
      }
    });
    const queuedAt = performance.now();
    const queuedWall = new Date();
    const sql = ctx.server.admin(database);
    try {
      await waitFor(
        'the outbound messages',
        async () => {
          const [open] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where key like 'reminder:bench:%' and sent_at is null and dead_at is null`;
          return open!.n === 0 ? true : undefined;
        },
        Math.max(180_000, permittedMs(n, chats) * 5),
        50,
      );
      const doneAt = performance.now();
      const outbox = await sql<{ id: number; key: string; lane: string; attempts: number; sent_at: Date | null; dead_at: Date | null; last_error: string | null }[]>`
        select id::int as id, key, lane, attempts, sent_at, dead_at, last_error from outbox where key like 'reminder:bench:%' order by id`;
      const messages = await sql<{ id: number; chat_id: string; uuid: string | null; created_at: Date }[]>`
        select id::int as id, chat_id, uuid, created_at from sandbox_messages where chat_id like 'oc_bench_out_%' order by id`;
      const byUuid = new Map<string, number>();
      for (const m of messages) if (m.uuid) byUuid.set(m.uuid, (byUuid.get(m.uuid) ?? 0) + 1);
      const expected = outbox.map((row) => ({ row, uuid: uuidFor(row.key, row.lane) }));
      // The stand-in stores one message per uuid (Lark's dedupe): anything beyond one message per
      // row in these chats is a double.
      const matched = expected.filter((e) => byUuid.has(e.uuid)).length;
      const lost = outbox.length - matched;
      const doubled = messages.length - matched;
      // Each chat sees its messages in outbox order.
      const orderOf = new Map(expected.map((e) => [e.uuid, e.row.id]));
      let outOfOrder = 0;
      const lastInChat = new Map<string, number>();
      for (const m of messages) {
        const rowId = orderOf.get(m.uuid ?? '') ?? 0;
        if ((lastInChat.get(m.chat_id) ?? 0) > rowId) outOfOrder += 1;
        lastInChat.set(m.chat_id, rowId);
      }
      const deliveredMs = messages.length > 0 ? Math.max(...messages.map((m) => m.created_at.getTime())) - queuedWall.getTime() : doneAt - queuedAt;
      const firstMs = messages.length > 0 ? Math.min(...messages.map((m) => m.created_at.getTime())) - queuedWall.getTime() : 0;
      const earlier = callTimes.filter((t) => t < burstStart && burstStart - t < 60_000).map((t) => burstStart - t);
      const permitted = permittedMs(n, chats, earlier);
      const throttleCount = Object.values(throttled).reduce((a, b) => a + b, 0);
      const retried = outbox.filter((r) => r.attempts > 0).length;
      ctx.details.outbound = { throttledByCode: throttled, apiCalls: calls - callsBefore, retriedRows: retried, dead: outbox.filter((r) => r.dead_at).length, firstMessageMs: firstMs, pollDoneMs: doneAt - queuedAt, permittedMs: permitted, callsInTheMinuteBefore: earlier.length };
      ctx.record({ section, name: `time to deliver ${n} messages to ${chats} chats`, value: round(deliveredMs / 1000, 1), unit: 's', note: `first after ${Math.round(firstMs)} ms; Lark's limits allow ${round(permitted / 1000, 1)} s (${earlier.length} calls in the minute before)` });
      ctx.record({ section, name: "rate as a share of Lark's permitted", value: round((permitted / deliveredMs) * 100, 0), unit: '%', target: '≥ 90 %', pass: permitted / deliveredMs >= 0.9, note: `${round(n / (deliveredMs / 1000), 1)} msg/s achieved` });
      ctx.record({ section, name: 'throttling errors received', value: throttleCount, unit: '', target: '0', pass: throttleCount === 0, note: JSON.stringify(throttled) });
      ctx.record({ section, name: 'lost / doubled / out of order', value: `${lost} / ${doubled} / ${outOfOrder}`, unit: '', target: '0 / 0 / 0', pass: lost === 0 && doubled === 0 && outOfOrder === 0 && outbox.length === n, note: `${messages.length} messages stored for ${outbox.length} outbox rows (by uuid)` });
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await app.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await standInDb.close();
    await ctx.server.dropDatabase(database);
  }
}
