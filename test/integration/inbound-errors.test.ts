import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCommand } from '../../commands/types.js';
import { manualClock } from '../../src/clock.js';
import { outbox, chatBindings, inboundEvents } from '../../src/db/schema/index.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { handleInbound } from '../../src/inbound/handle.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { messageEvent } from '../helpers/lark-webhook.js';
import { seedOrganisation, silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');

/** A command that changes something and then fails: the change must not survive. */
const explode = defineCommand({
  name: 'explode',
  aliases: ['爆炸'],
  summary: '测试用',
  usage: ['/yq explode'],
  examples: ['/yq explode'],
  args: z.tuple([]),
  async run(ctx) {
    await ctx.tx.insert(chatBindings).values({ unitCode: 'health', chatId: 'oc_should_not_stay', changedBy: 'x', changedAt: ctx.now });
    await ctx.reply({ msgType: 'text', text: 'this reply must not survive' });
    throw new Error('unexpected bug');
  },
});

describe('the error boundary', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedOrganisation(db.db, AT);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('an unexpected failure leaves nothing but a polite answer with a reference, and the event is not retried', async () => {
    const deps = { db: db.db, clock: manualClock(AT), log: silentLog, org: { timezone: 'Asia/Shanghai', policy: defaultPolicy }, commands: [explode] };
    const event = toInboundEvent(messageEvent({ text: '/yq explode', sender: 'ou_news_staff', messageId: 'om_boom' }));
    expect(await handleInbound(deps, event)).toEqual({});
    expect(await db.db.select().from(chatBindings)).toEqual([]);
    const replies = await db.db.select().from(outbox);
    expect(replies).toHaveLength(1);
    const text = (replies[0]!.payload as { message: { text: string } }).message.text;
    expect(text).toMatch(/^抱歉，处理这条命令时出错了（参考编号 [0-9a-f]{8}）。/);
    expect(text).toContain('您发送的是：@舆情助手 /yq explode');
    expect(await db.db.select().from(inboundEvents).where(eq(inboundEvents.messageId, 'om_boom'))).toHaveLength(1);
    // A redelivery is a duplicate: no second answer.
    await handleInbound(deps, event);
    expect(Number((await db.db.select({ n: sql<number>`count(*)` }).from(outbox))[0]!.n)).toBe(1);
  });
});
