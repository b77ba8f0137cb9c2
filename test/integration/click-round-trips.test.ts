import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { findItemByRef, type ItemRow } from '../../src/db/queries/items.js';
import { auditLog, reminders, securityEvents } from '../../src/db/schema/index.js';
import { handleInbound, type InboundDeps } from '../../src/inbound/handle.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { cardsRedrawn } from '../helpers/app.js';
import { countingRelay, type CountingRelay } from '../helpers/counting-relay.js';
import { useAppHarness } from '../helpers/harness.js';
import { cardActionEvent } from '../helpers/lark-webhook.js';
import { silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');

/**
 * What a card click costs in round trips to PostgreSQL: each is a write of the app and a wake-up of
 * both processes, the larger part of a click's CPU (docs/performance.md). Counted on a connection
 * of its own behind a relay, with nothing else on it.
 */
describe('a card click in round trips', () => {
  const { db, harness, d } = useAppHarness({ at: AT });
  let relay: CountingRelay;
  let counted: Database;
  let deps: InboundDeps;

  beforeAll(async () => {
    relay = await countingRelay(new URL(db.url));
    counted = connectDatabase(relay.url, { max: 1 });
    const org = harness.app.org.org;
    deps = { db: counted.db, clock: harness.clock, log: silentLog, org: { timezone: org.timezone, policy: org.policy }, commands: COMMANDS };
  });
  afterAll(async () => {
    await counted.close();
    await relay.close();
  });

  const register = async (title: string): Promise<ItemRow> => {
    const ref = /YQ-\d{8}-\d{3}/.exec(await d.say('ou_news_staff', `/yq new ${title}\n部门: 卫健委`, 'oc_news'))![0];
    return (await findItemByRef(db.db, ref))!;
  };
  let clicks = 0;
  const clickEvent = (item: ItemRow, action: string, operator = 'ou_health_liaison') => {
    const event = cardActionEvent(operator, { item: item.id, action });
    event.event.context.open_chat_id = 'oc_health';
    event.event.context.open_message_id = `om_round_trips_${(clicks += 1)}`;
    return toInboundEvent(event);
  };
  const deliver = async (event: ReturnType<typeof clickEvent>) => {
    const before = relay.writes();
    const response = await handleInbound(deps, event);
    return { response, roundTrips: relay.writes() - before };
  };
  const click = (item: ItemRow, action: string) => deliver(clickEvent(item, action));
  const auditRows = async (item: ItemRow) => (await db.db.select().from(auditLog).where(eq(auditLog.itemId, item.id))).map((row) => row.action);

  it('认领 (acknowledge): 4 round trips, begin to commit', async () => {
    const [warm, item] = [await register('医院停车收费乱'), await register('菜市场占道经营')];
    await cardsRedrawn(db.db);
    // The first click on the connection prepares its statements and reads the organisation.
    expect((await click(warm, 'acknowledge')).response.toast?.type).toBe('success');
    const { response, roundTrips } = await click(item, 'acknowledge');
    expect(response.toast).toEqual({ type: 'success', content: `已认领 ${item.ref}` });
    expect(JSON.stringify(response.card?.data)).toContain('已认领');
    expect(roundTrips).toBe(4);
  });

  it('the same click delivered again: answered as done, no second effect, in two round trips', async () => {
    const item = await register('公园路灯不亮');
    const event = clickEvent(item, 'acknowledge');
    expect((await deliver(event)).response.toast?.type).toBe('success');
    const again = await deliver(event);
    expect(again.response.toast).toEqual({ type: 'info', content: '该操作已处理' });
    expect((await auditRows(item)).filter((action) => action === 'item.acknowledged')).toHaveLength(1);
    // Begin with the dedupe insert (and the item's lock, sent with it); commit.
    expect(again.roundTrips).toBe(2);
  });

  it('a click whose action fails is still recorded as delivered: its replay is not run again', async () => {
    const event = clickEvent({ id: 999_999 } as ItemRow, 'show_item');
    expect((await deliver(event)).response.toast).toEqual({ type: 'warning', content: '找不到这条舆情，卡片可能已过期。' });
    expect((await deliver(event)).response.toast).toEqual({ type: 'info', content: '该操作已处理' });
  });

  it('a click by someone the item is not theirs to acknowledge: refused, recorded as a security event, the item unchanged', async () => {
    const item = await register('小区停水无通知');
    const before = await db.db.select().from(securityEvents);
    const refused = await deliver(clickEvent(item, 'acknowledge', 'ou_edu_liaison'));
    expect(refused.response.toast?.type).toBe('error');
    const after = await db.db.select().from(securityEvents);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ kind: 'refused_action', actor: 'ou_edu_liaison', action: 'acknowledge' });
    expect((await findItemByRef(db.db, item.ref))!.state).toBe(item.state);
    expect(await auditRows(item)).not.toContain('item.acknowledged');
  });

  it('a repeat the reminder sweeper writes while a click stops its clock: the click waits for it, then cancels it with the others', async () => {
    const item = await register('河道垃圾无人清理');
    await cardsRedrawn(db.db);
    const [ack] = await db.db.select().from(reminders).where(and(eq(reminders.itemId, item.id), eq(reminders.clock, 'ack'), eq(reminders.status, 'pending')));
    // As the sweeper does: the item held FOR SHARE while it writes the next overdue repeat.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const repeatWritten = new Promise<void>((resolve) => (written = resolve));
    const sweeper = db.sql.begin(async (sql) => {
      await sql`select id from items where id = ${item.id} for share`;
      await sql`insert into reminders (item_id, clock, step, clock_due_at, due_at, audience, urgent_for, status)
        values (${item.id}, 'ack', 'repeat-test', ${ack!.clockDueAt.toISOString()}, ${new Date(AT.getTime() + 3 * 3600_000).toISOString()}, '{}', '{}', 'pending')`;
      written();
      await released;
    });
    await repeatWritten;
    let answered = false;
    const clicked = click(item, 'acknowledge').then((result) => ((answered = true), result));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The click waits for the item until the sweeper's transaction ends...
    expect(answered).toBe(false);
    release();
    await sweeper;
    expect((await clicked).response.toast?.type).toBe('success');
    // ...and then sees the repeat it wrote, and cancels it with the clock's other pending steps.
    const ackSteps = await db.db.select().from(reminders).where(and(eq(reminders.itemId, item.id), eq(reminders.clock, 'ack')));
    expect(ackSteps.find((row) => row.step === 'repeat-test')?.status).toBe('cancelled');
    expect(ackSteps.filter((row) => row.status === 'pending')).toEqual([]);
  });
});
