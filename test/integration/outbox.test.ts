import nock from 'nock';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { claimOutboxRows, enqueueOutbox, type OutboxCommand } from '../../src/db/queries/outbox.js';
import { outbox } from '../../src/db/schema/index.js';
import { createLarkClient } from '../../src/lark/client.js';
import { createLarkGateway } from '../../src/lark/gateway.js';
import { NUDGE_MS, OutboxSender, uuidFor } from '../../src/lark/outbox-sender.js';
import { Pacer } from '../../src/lark/pacer.js';
import { bindUnitChat } from '../../src/workflow/organisation.js';
import { eventually } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { fakeLark, type FakeLark } from '../helpers/fake-lark.js';
import { seedOrganisation, silentLog } from '../helpers/org.js';

const T0 = new Date('2026-11-27T02:00:00Z');
const text = (t: string) => ({ msgType: 'text' as const, text: t });
const sendToChat = (chatId: string, t: string): OutboxCommand => ({ kind: 'send', target: { chatId }, message: text(t) });

describe('outbox sender', () => {
  let db: TestDatabase;
  let lark: FakeLark;
  let clock: ReturnType<typeof manualClock>;
  let fakeTime: number;

  const sender = (overrides: Partial<ConstructorParameters<typeof OutboxSender>[0]> = {}) =>
    new OutboxSender({
      db: db.db,
      gateway: createLarkGateway(createLarkClient({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 'secret', domain: lark.domain }, silentLog)),
      clock,
      log: silentLog,
      monotonic: () => fakeTime,
      // Pacing waits pass on the fake monotonic clock.
      sleep: async (ms) => void (fakeTime += ms),
      pacer: new Pacer({ perChatPerSecond: 1000, perUserPerSecond: 1000, appPerSecond: 1000, appPerMinute: 100_000 }),
      ...overrides,
    });

  /** Sweeps until nothing is due, moving the clock to each retry time. */
  async function drain(s: OutboxSender, maxRounds = 50) {
    for (let round = 0; round < maxRounds; round += 1) {
      const result = await s.sweep();
      if (result.claimed === 0) {
        const open = (await db.db.select().from(outbox)).filter((row) => !row.sentAt && !row.deadAt);
        if (open.length === 0) return;
        const waiting = open.map((row) => row.nextAttemptAt.getTime()).filter((at) => at > clock.now().getTime());
        clock.set(new Date(waiting.length > 0 ? Math.min(...waiting) : clock.now().getTime() + 1000));
        fakeTime += 1000;
      }
    }
  }

  beforeAll(async () => {
    nock.disableNetConnect();
    db = await createTestDatabase();
    await seedOrganisation(db.db, T0);
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await db.drop();
  });
  beforeEach(async () => {
    lark = fakeLark();
    clock = manualClock(T0);
    fakeTime = 0;
    await db.db.delete(outbox);
  });
  afterEach(() => {
    lark.done();
    nock.cleanAll();
  });

  it('sends through the SDK with a uuid and records the message id', async () => {
    await enqueueOutbox(db.db, 'k1', sendToChat('oc_a', '你好'), T0);
    const result = await sender().sweep();
    expect(result).toMatchObject({ claimed: 1, sent: 1 });
    expect(lark.messages).toEqual([
      { messageId: 'om_fake_1', receiveIdType: 'chat_id', receiveId: 'oc_a', msgType: 'text', content: { text: '你好' }, uuid: uuidFor('k1', 'chat:oc_a') },
    ]);
    expect(uuidFor('k1', 'chat:oc_a').length).toBeLessThanOrEqual(50);
    const [row] = await db.db.select().from(outbox);
    expect(row).toMatchObject({ sentAt: T0, attempts: 0, result: { delivered: { 'chat:oc_a': 'om_fake_1' } } });
  });

  it('queues a key once: the same key twice is one row', async () => {
    await enqueueOutbox(db.db, 'same', sendToChat('oc_a', 'one'), T0);
    await enqueueOutbox(db.db, 'same', sendToChat('oc_a', 'two'), T0);
    expect(await db.db.select().from(outbox)).toHaveLength(1);
  });

  it('retries 500s and delivers exactly once, with the same uuid each time', async () => {
    lark.failNext(2, { status: 500 });
    await enqueueOutbox(db.db, 'k2', sendToChat('oc_a', 'x'), T0);
    await drain(sender());
    expect(lark.messages).toHaveLength(1);
    const uuids = lark.requests.map((r) => (r.body as { uuid: string }).uuid);
    expect(uuids).toEqual([uuidFor('k2', 'chat:oc_a'), uuidFor('k2', 'chat:oc_a'), uuidFor('k2', 'chat:oc_a')]);
    const [row] = await db.db.select().from(outbox);
    expect(row).toMatchObject({ attempts: 2, lastError: null });
    expect(row!.sentAt).not.toBeNull();
  });

  it('waits as long as x-ogw-ratelimit-reset says after a 429', async () => {
    lark.failNext(1, { status: 429, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '7' } });
    await enqueueOutbox(db.db, 'k3', sendToChat('oc_a', 'x'), T0);
    expect(await sender().sweep()).toMatchObject({ retried: 1 });
    const [row] = await db.db.select().from(outbox);
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(T0.getTime() + 7000);
    expect(row!.lastError).toContain('99991400');
    clock.set(new Date(T0.getTime() + 6000));
    expect(await sender().sweep()).toMatchObject({ claimed: 0 });
    clock.set(row!.nextAttemptAt);
    expect(await sender().sweep()).toMatchObject({ sent: 1 });
    expect(lark.messages).toHaveLength(1);
  });

  it('after the app-wide limit (99991400), holds every chat\'s sends until the reset, not just the refused row\'s', async () => {
    lark.failNext(1, { status: 429, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '7' } });
    await enqueueOutbox(db.db, 'a1', sendToChat('oc_a', 'x'), T0);
    await enqueueOutbox(db.db, 'b1', sendToChat('oc_b', 'y'), T0);
    const s = sender({ batchSize: 1 });
    expect(await s.sweep()).toMatchObject({ claimed: 1, retried: 1 });
    // The other chat's message is not sent into the refusal: given back until the app may call again.
    expect(await s.sweep()).toMatchObject({ claimed: 1, paced: 1 });
    expect(lark.requests).toHaveLength(1);
    fakeTime += 7000;
    expect(await s.sweep()).toMatchObject({ claimed: 1, sent: 1 });
    expect(lark.messages.map((m) => m.receiveId)).toEqual(['oc_b']);
  });

  it('retries the per-chat limit 230020 even though Lark answers it with HTTP 400', async () => {
    lark.failNext(1, { status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit' } });
    await enqueueOutbox(db.db, 'k4', sendToChat('oc_a', 'x'), T0);
    expect(await sender().sweep()).toMatchObject({ retried: 1 });
    await drain(sender());
    expect(lark.messages).toHaveLength(1);
  });

  it('when the answer to a send is lost, the retry is absorbed by the uuid: one message', async () => {
    lark.failNext(1, { status: 200, afterProcessing: true });
    await enqueueOutbox(db.db, 'k5', sendToChat('oc_a', 'x'), T0);
    expect(await sender().sweep()).toMatchObject({ retried: 1 });
    await drain(sender());
    expect(lark.requests).toHaveLength(2);
    expect(lark.messages).toHaveLength(1);
    const [row] = await db.db.select().from(outbox);
    expect(row!.result).toEqual({ delivered: { 'chat:oc_a': lark.messages[0]!.messageId }, failed: {} });
  });

  it('keeps each chat in order while one message is being retried', async () => {
    const lift = lark.failWhen((_path, body) => JSON.stringify(body).includes('first'), { status: 503 });
    await enqueueOutbox(db.db, 'a1', sendToChat('oc_a', 'first'), T0);
    await enqueueOutbox(db.db, 'a2', sendToChat('oc_a', 'second'), T0);
    await enqueueOutbox(db.db, 'b1', sendToChat('oc_b', 'other chat'), T0);
    const s = sender();
    expect(await s.sweep()).toMatchObject({ claimed: 2, retried: 1, sent: 1 });
    expect(lark.messages.map((m) => (m.content as { text: string }).text)).toEqual(['other chat']);
    // While 'first' keeps failing, 'second' waits behind it.
    clock.set(new Date(T0.getTime() + 60_000));
    expect(await s.sweep()).toMatchObject({ claimed: 1, retried: 1 });
    expect(lark.messages).toHaveLength(1);
    // The failure clears; the chat's queue resumes in order.
    lift();
    await drain(s);
    expect(lark.messages.map((m) => (m.content as { text: string }).text)).toEqual(['other chat', 'first', 'second']);
  });

  it('two senders on one database never send a row twice', async () => {
    for (let i = 0; i < 60; i += 1) await enqueueOutbox(db.db, `m${i}`, sendToChat(`oc_${i % 12}`, `n${i}`), T0);
    const a = sender({ batchSize: 7 });
    const b = sender({ batchSize: 7 });
    for (let round = 0; round < 40; round += 1) {
      const [ra, rb] = await Promise.all([a.sweep(), b.sweep()]);
      if (ra.claimed + rb.claimed === 0) break;
    }
    expect(lark.requests).toHaveLength(60);
    expect(new Set(lark.messages.map((m) => m.uuid)).size).toBe(60);
    // and per chat in order
    for (let chat = 0; chat < 12; chat += 1) {
      const texts = lark.messages.filter((m) => m.receiveId === `oc_${chat}`).map((m) => Number((m.content as { text: string }).text.slice(1)));
      expect(texts).toEqual([...texts].sort((x, y) => x - y));
    }
    expect((await db.db.select().from(outbox)).every((row) => row.sentAt)).toBe(true);
  });

  it('claims in one statement: concurrent claims take disjoint lane heads, each at most its limit, all leased', async () => {
    for (let i = 0; i < 90; i += 1) await enqueueOutbox(db.db, `c${i}`, sendToChat(`oc_${i % 30}`, `n${i}`), T0);
    const lease = new Date(T0.getTime() + 60_000);
    const claims = await Promise.all(Array.from({ length: 12 }, () => claimOutboxRows(db.db, T0, lease, 3)));
    const ids = claims.flat().map((row) => row.id);
    expect(claims.every((rows) => rows.length <= 3)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Only the head of each chat's lane: the first 30 rows queued, one per chat.
    const all = await db.db.select().from(outbox).orderBy(outbox.id);
    const heads = new Set(all.slice(0, 30).map((row) => row.id));
    expect(ids.every((id) => heads.has(id))).toBe(true);
    expect(ids.length).toBe(30);
    expect(all.filter((row) => row.claimedUntil?.getTime() === lease.getTime()).map((row) => row.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    // Nothing left to claim until the lease ends.
    expect(await claimOutboxRows(db.db, T0, lease, 3)).toEqual([]);
    expect(await claimOutboxRows(db.db, new Date(lease.getTime() + 1), lease, 50)).toHaveLength(30);
  });

  it('dead-letters a permanent failure and tells the admins in one message', async () => {
    lark.failWhen((_p, body) => body.receive_id === 'oc_gone', { status: 400, body: { code: 230002, msg: 'The bot can not be outside the group' } });
    await enqueueOutbox(db.db, 'dead-1', sendToChat('oc_gone', 'x'), T0);
    await enqueueOutbox(db.db, 'dead-2', sendToChat('oc_gone', 'y'), T0);
    await drain(sender());
    const rows = await db.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.slice(0, 2).map((row) => [row.key, Boolean(row.deadAt), row.lastError?.includes('230002')])).toEqual([
      ['dead-1', true, true],
      ['dead-2', true, true],
    ]);
    const alerts = lark.messages.filter((m) => m.receiveId === 'ou_admin');
    expect(alerts).toHaveLength(2); // one per sweep: the lane holds dead-2 until dead-1 is settled
    expect((alerts[0]!.content as { text: string }).text).toContain('dead-1');
    expect(alerts.every((m) => m.receiveIdType === 'open_id')).toBe(true);
  });

  it('gives up after 55 minutes of failures, before Lark forgets the uuid', async () => {
    lark.failWhen(() => true, { status: 502 });
    await enqueueOutbox(db.db, 'slow', sendToChat('oc_a', 'x'), T0);
    const s = sender();
    for (let round = 0; round < 200; round += 1) {
      await s.sweep();
      const [row] = await db.db.select().from(outbox).where(eq(outbox.key, 'slow'));
      if (row!.deadAt) break;
      clock.set(row!.nextAttemptAt);
    }
    const [row] = await db.db.select().from(outbox).where(eq(outbox.key, 'slow'));
    expect(row!.deadAt).not.toBeNull();
    expect(row!.deadAt!.getTime() - T0.getTime()).toBeLessThanOrEqual(55 * 60_000);
    expect(row!.lastError).toMatch(/still failing after \d+ min/);
  });

  it('resolves a unit when sending: its bound chat, or its people one by one', async () => {
    await enqueueOutbox(db.db, 'unit-1', { kind: 'send', target: { unit: 'education' }, message: text('教育局') }, T0);
    await drain(sender());
    expect(lark.messages.map((m) => m.receiveId).sort()).toEqual(['ou_edu_lead', 'ou_edu_liaison']);

    await bindUnitChat(db.db, { unitCode: 'education', chatId: 'oc_edu', actor: 'ou_admin', at: T0 });
    await enqueueOutbox(db.db, 'unit-2', { kind: 'send', target: { unit: 'education' }, message: text('教育局') }, T0);
    await drain(sender());
    expect(lark.messages.at(-1)).toMatchObject({ receiveIdType: 'chat_id', receiveId: 'oc_edu' });
    await bindUnitChat(db.db, { unitCode: 'education', chatId: null, actor: 'ou_admin', at: T0 });
  });

  it('resumes a fan-out where it stopped, without repeating people already reached', async () => {
    lark.failWhen((_p, body) => body.receive_id === 'ou_edu_liaison', { status: 500 });
    await enqueueOutbox(db.db, 'fan', { kind: 'send', target: { unit: 'education' }, message: text('x') }, T0);
    await sender().sweep();
    expect(lark.messages.map((m) => m.receiveId)).toEqual(['ou_edu_lead']);
    nock.cleanAll();
    const before = lark.messages.length;
    lark = fakeLark();
    const resumed = new OutboxSender({
      db: db.db,
      gateway: createLarkGateway(createLarkClient({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 'secret', domain: lark.domain }, silentLog)),
      clock,
      log: silentLog,
    });
    await drain(resumed);
    expect(before).toBe(1);
    expect(lark.messages.map((m) => m.receiveId)).toEqual(['ou_edu_liaison']);
  });

  it('replies to the message, and patches only the newest card version', async () => {
    await enqueueOutbox(db.db, 'r1', { kind: 'reply', to: { messageId: 'om_src' }, lane: 'chat:oc_a', message: text('收到') }, T0);
    await enqueueOutbox(db.db, 'p1', { kind: 'patch', to: { messageId: 'om_card' }, lane: 'chat:oc_a', card: { v: 1 }, version: 1 }, T0);
    await enqueueOutbox(db.db, 'p2', { kind: 'patch', to: { messageId: 'om_card' }, lane: 'chat:oc_a', card: { v: 2 }, version: 2 }, T0);
    await drain(sender());
    expect(lark.messages).toMatchObject([{ replyTo: 'om_src', content: { text: '收到' } }]);
    expect(lark.patches).toEqual([{ messageId: 'om_card', content: { v: 2 } }]);
    // A late, older patch is dropped.
    await enqueueOutbox(db.db, 'p0', { kind: 'patch', to: { messageId: 'om_card' }, lane: 'chat:oc_a', card: { v: 0 }, version: 0 }, T0);
    await drain(sender());
    expect(lark.patches).toHaveLength(1);
  });

  it('drops a superseded patch of a card not yet sent, and waits with the newest until the card is there', async () => {
    const lift = lark.failWhen((path) => path.includes('receive_id_type=chat_id') || path.endsWith('/messages'), { status: 503 });
    await enqueueOutbox(db.db, 'card:slow', { kind: 'send', target: { chatId: 'oc_slow' }, message: { msgType: 'interactive', card: { v: 0 } } }, T0);
    const to = { sendKey: 'card:slow', receiver: 'chat:oc_slow' };
    await enqueueOutbox(db.db, 'patch:1', { kind: 'patch', to, lane: 'copy:slow', card: { v: 1 }, version: 1 }, T0);
    await enqueueOutbox(db.db, 'patch:2', { kind: 'patch', to, lane: 'copy:slow', card: { v: 2 }, version: 2 }, T0);
    const s = sender();
    expect(await s.sweep()).toMatchObject({ claimed: 2, retried: 1, sent: 1 });
    expect(await s.sweep()).toMatchObject({ claimed: 1, paced: 1 });
    const rows = new Map((await db.db.select().from(outbox)).map((row) => [row.key, row]));
    expect(rows.get('patch:1')).toMatchObject({ result: { superseded: true } });
    expect(rows.get('patch:1')!.sentAt).not.toBeNull();
    expect(rows.get('patch:2')!.sentAt).toBeNull();
    expect(lark.patches).toEqual([]);
    lift();
    // Past the card's retry time: the card goes, then (in that sweep or the next) the patch.
    clock.set(new Date(T0.getTime() + 5000));
    for (let round = 0; round < 5 && lark.patches.length === 0; round += 1) await s.sweep();
    expect(lark.patches).toEqual([{ messageId: lark.messages[0]!.messageId, content: { v: 2 } }]);
  });

  it('paces under the per-chat limit by waiting for each slot while holding the row', async () => {
    for (let i = 0; i < 8; i += 1) await enqueueOutbox(db.db, `p${i}`, sendToChat('oc_busy', `${i}`), T0);
    const s = sender({
      pacer: new Pacer({ perChatPerSecond: 5, perUserPerSecond: 5, appPerSecond: 50, appPerMinute: 1000 }),
    });
    const startedAt = fakeTime;
    const sentAt: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const result = await s.sweep();
      expect(result).toMatchObject({ claimed: 1, sent: 1, paced: 0 });
      sentAt.push(fakeTime - startedAt);
    }
    expect(lark.messages.map((m) => (m.content as { text: string }).text)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    // Evenly spaced, five in the first second, the sixth when the first has aged out.
    expect(sentAt).toEqual([0, 20, 40, 60, 80, 1000, 1020, 1040]);
  });

  it('patches cards in a busy chat at their messages\' limit, not held to the chat\'s send rate', async () => {
    await enqueueOutbox(db.db, 'busy-send', sendToChat('oc_patched', 'card'), T0);
    for (let i = 0; i < 3; i += 1) {
      await enqueueOutbox(db.db, `busy-patch-${i}`, { kind: 'patch', to: { messageId: `om_busy_${i}` }, lane: 'chat:oc_patched', card: { v: i }, version: 1 }, T0);
    }
    await enqueueOutbox(db.db, 'busy-send-2', sendToChat('oc_patched', 'card 2'), T0);
    const s = sender({
      pacer: new Pacer({ perChatPerSecond: 1, perUserPerSecond: 5, appPerSecond: 50, appPerMinute: 1000 }),
    });
    const startedAt = fakeTime;
    const sentAt: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      expect(await s.sweep()).toMatchObject({ claimed: 1, sent: 1, paced: 0 });
      sentAt.push(fakeTime - startedAt);
    }
    // The chat's one send a second holds back its next send, not the patches between them.
    expect(sentAt).toEqual([0, 20, 40, 60, 1000]);
    expect(lark.patches.slice(-3).map((patch) => patch.messageId)).toEqual(['om_busy_0', 'om_busy_1', 'om_busy_2']);
  });

  it('gives the row back when its slot is further off than it may hold a row', async () => {
    for (let i = 0; i < 2; i += 1) await enqueueOutbox(db.db, `h${i}`, sendToChat('oc_slow', `${i}`), T0);
    const s = sender({
      pacer: new Pacer({ perChatPerSecond: 1, perUserPerSecond: 5, appPerSecond: 50, appPerMinute: 1000 }),
      holdMs: 100,
    });
    expect(await s.sweep()).toMatchObject({ sent: 1, paced: 0 });
    expect(await s.sweep()).toMatchObject({ claimed: 1, sent: 0, paced: 1 });
    const [waiting] = await db.db.select().from(outbox).where(eq(outbox.key, 'h1'));
    expect(waiting).toMatchObject({ sentAt: null, claimedUntil: null });
    fakeTime += 1000;
    expect(await s.sweep()).toMatchObject({ sent: 1, paced: 0 });
    expect(lark.messages.map((m) => (m.content as { text: string }).text)).toEqual(['0', '1']);
  });

  it('looks a moment after a nudge (a burst of them is one look), at once after a wake, and again after a sweep a wake came during', async () => {
    // Every sweep starts with the refill; nothing is queued, so each finds nothing and then idles.
    const sweeps: number[] = [];
    let blocked: Promise<void> | undefined;
    const s = sender({
      idleMs: 60_000,
      refill: async () => {
        sweeps.push(performance.now());
        await blocked;
      },
    });
    const swept = (n: number) => eventually(() => expect(sweeps).toHaveLength(n));
    s.start();
    try {
      await swept(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const nudgedAt = performance.now();
      for (let i = 0; i < 5; i += 1) s.nudge();
      await swept(2);
      expect(sweeps[1]! - nudgedAt).toBeGreaterThanOrEqual(NUDGE_MS - 1);
      await new Promise((resolve) => setTimeout(resolve, NUDGE_MS * 3));
      expect(sweeps).toHaveLength(2);

      s.wake();
      await swept(3);

      let release!: () => void;
      blocked = new Promise((resolve) => (release = resolve));
      s.wake();
      await swept(4);
      s.wake(); // during the fourth sweep, after its refill: it must not idle for a minute after it
      blocked = undefined;
      release();
      await swept(5);
    } finally {
      await s.stop();
    }
  });
});

describe('outbox: chats, members and files', () => {
  let db: TestDatabase;
  let lark: FakeLark;
  const clock = manualClock(T0);

  beforeAll(async () => {
    nock.disableNetConnect();
    db = await createTestDatabase();
    await seedOrganisation(db.db, T0);
    lark = fakeLark();
  });
  afterAll(async () => {
    lark.done();
    nock.cleanAll();
    nock.enableNetConnect();
    await db.drop();
  });

  const sender = () =>
    new OutboxSender({
      db: db.db,
      gateway: createLarkGateway(createLarkClient({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 'secret', domain: lark.domain }, silentLog)),
      clock,
      log: silentLog,
    });

  it('creates a chat once, adds members, and posts into it even when the post is claimed first', async () => {
    // Queued in the "wrong" order on purpose: the post must wait for the chat, not be lost.
    await enqueueOutbox(db.db, 'post-1', { kind: 'send', target: { createdChat: 'consult-1' }, message: text('会商材料') }, T0);
    await enqueueOutbox(db.db, 'consult-1', { kind: 'create_chat', name: '会商：某事件', description: 'YQ-20261127-001', openIds: ['ou_prop_lead'] }, T0);
    await enqueueOutbox(db.db, 'members-1', { kind: 'add_members', target: { createdChat: 'consult-1' }, openIds: ['ou_health_lead'] }, T0);
    const s = sender();
    for (let round = 0; round < 10; round += 1) {
      await s.sweep();
      clock.set(new Date(clock.now().getTime() + 5000));
    }
    expect(lark.chats).toEqual([{ chatId: 'oc_created_1', name: '会商：某事件', userIds: ['ou_prop_lead'], uuid: uuidFor('consult-1', 'create-chat') }]);
    expect(lark.memberAdds).toEqual([{ chatId: 'oc_created_1', ids: ['ou_health_lead'] }]);
    expect(lark.messages).toMatchObject([{ receiveId: 'oc_created_1', content: { text: '会商材料' } }]);
    const rows = await db.db.select().from(outbox);
    expect(rows.every((row) => row.sentAt && !row.deadAt)).toBe(true);
  });

  it('uploads a file once and sends it as a file message', async () => {
    const csv = Buffer.from('\uFEFF编号,标题\nYQ-20261127-001,某医院\n', 'utf8');
    lark.failWhen((path) => path === '/open-apis/im/v1/messages', { status: 500 });
    await enqueueOutbox(db.db, 'file-1', { kind: 'send_file', target: { openId: 'ou_news_lead' }, fileName: '舆情台账.csv', content: csv }, T0);
    const s = sender();
    await s.sweep(); // uploads, then the send fails and is retried
    nock.cleanAll();
    const uploads = lark.files.length;
    lark = fakeLark();
    const again = sender();
    for (let round = 0; round < 5; round += 1) {
      clock.set(new Date(clock.now().getTime() + 120_000));
      await again.sweep();
    }
    expect(uploads).toBe(1);
    expect(lark.files).toHaveLength(0); // not uploaded a second time
    expect(lark.messages).toMatchObject([{ receiveId: 'ou_news_lead', msgType: 'file', content: { file_key: 'file_v2_fake_1' } }]);
  });
});
