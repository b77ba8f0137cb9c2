import { and, eq, inArray, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deferCardRedraw, settleCopiesAfterChange } from '../../src/db/queries/card-redraws.js';
import { enqueueOutbox } from '../../src/db/queries/outbox.js';
import { findItemByRef, shareItem } from '../../src/db/queries/items.js';
import { cardRedraws, itemCards, outbox, reminders } from '../../src/db/schema/index.js';
import { validateCard } from '../../src/lark/card-schema.js';
import { sweepReminders } from '../../src/scheduler/reminder-sweep.js';
import { DEFAULT_PATCH_BACKLOG, redrawQueuedCards } from '../../src/workflow/card-redraws.js';
import { redrawItemCopies } from '../../src/workflow/item-cards.js';
import { cardsRedrawn } from '../helpers/app.js';
import { useAppHarness } from '../helpers/harness.js';
import { silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe('older card copies are redrawn after the change, once per item, as fast as Lark takes patches', () => {
  const { db, harness, d } = useAppHarness({ at: AT });
  const view = () => ({ tz: 'Asia/Shanghai', policy: harness.app.org.org.policy, now: harness.clock.now() });

  /**
   * Patches the sender holds open and cannot send (their card was never sent): a full backlog, so
   * the sender's redraws wait and the queue can be looked at between changes.
   */
  const fillBacklog = async () => {
    for (let i = 0; i < DEFAULT_PATCH_BACKLOG; i += 1) {
      await enqueueOutbox(db.db, `blocker:${i}`, { kind: 'patch', to: { sendKey: 'card:never-sent', receiver: `chat:oc_blocker_${i}` }, lane: `chat:oc_blocker_${i}`, card: {}, version: 1 }, AT);
    }
    await db.db.update(outbox).set({ deadAt: null }).where(like(outbox.key, 'blocker:%'));
  };
  /** Registers an item in the news office and returns it. */
  const register = async (text: string) => {
    const ref = /YQ-\d{8}-\d{3}/.exec(await d.say('ou_news_staff', text, 'oc_news'))![0];
    return (await findItemByRef(db.db, ref))!;
  };
  const clearBacklog = () => db.db.update(outbox).set({ deadAt: AT }).where(like(outbox.key, 'blocker:%'));
  const patchesOf = async (copyIds: number[]) =>
    (await db.db.select().from(outbox).where(and(eq(outbox.kind, 'patch'), like(outbox.key, 'patch:%')))).filter((row) => copyIds.includes(Number(row.key.split(':')[1])));

  it('a redraw in progress holds the item from changes but not from the reminder sweeper', async () => {
    const item = await register('/yq new 菜市场占道经营\n部门: 卫健委');
    await cardsRedrawn(db.db);
    // The 认领 clock's half-time reminder falls due.
    harness.clock.set(new Date(harness.clock.now().getTime() + 61 * 60_000));
    const halfSent = async () => (await db.db.select().from(reminders).where(and(eq(reminders.itemId, item.id), eq(reminders.step, 'half'), eq(reminders.clock, 'ack'))))[0]?.status;
    expect(await halfSent()).toBe('pending');
    await db.db.transaction(async (tx) => {
      // As redrawQueuedCards holds the item while it draws.
      expect((await shareItem(tx, item.id))?.id).toBe(item.id);
      await redrawItemCopies(tx, item, view());
      // The sweeper skips items it cannot hold FOR SHARE: this one it can.
      await sweepReminders({ db: db.db, clock: harness.clock, log: silentLog, tz: 'Asia/Shanghai', policy: harness.app.org.org.policy });
      expect(await halfSent()).toBe('sent');
    });
  });

  it('a click answers with its own copy; the others are patched once each, drawn as the item is after every change since', async () => {
    const item = await register('/yq new 医院停车收费乱\n部门: 卫健委');
    const copies = await db.db.select().from(itemCards).where(eq(itemCards.itemId, item.id));
    expect(copies.map((copy) => copy.audience).sort()).toEqual(['chat:oc_health', 'chat:oc_news']);
    await cardsRedrawn(db.db);
    await fillBacklog();

    const acknowledged = await d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    expect(JSON.stringify(acknowledged.card?.data)).toContain('已认领');
    const afterClick = new Map((await db.db.select().from(itemCards).where(eq(itemCards.itemId, item.id))).map((copy) => [copy.audience, copy.version]));
    // The clicked copy is at the new version (its card went back with the answer); the other waits.
    expect(afterClick.get('chat:oc_health')).toBe(item.version + 1);
    expect(afterClick.get('chat:oc_news')).toBe(item.version);
    expect(await db.db.select({ itemId: cardRedraws.itemId }).from(cardRedraws)).toEqual([{ itemId: item.id }]);
    // The backlog is full: the queue waits, whoever calls.
    expect(await redrawQueuedCards(db.db, view(), silentLog)).toBe(0);

    await d.click('ou_health_liaison', { item: item.id, action: 'verify_submit' }, 'oc_health', { formValue: { outcome: 'true', findings: '属实', rectification: 'no' } });
    // Two changes, one queue entry, no patch yet.
    expect(await db.db.select({ itemId: cardRedraws.itemId }).from(cardRedraws)).toEqual([{ itemId: item.id }]);
    expect(await patchesOf(copies.map((copy) => copy.id))).toEqual([]);

    await clearBacklog();
    await cardsRedrawn(db.db);
    const latest = (await findItemByRef(db.db, item.ref))!;
    const patches = await patchesOf(copies.map((copy) => copy.id));
    // One patch per copy, at the latest version; none of the version in between.
    expect(patches.map((row) => row.key).sort()).toEqual(copies.map((copy) => `patch:${copy.id}:v${latest.version}`).sort());
    for (const row of patches) {
      const card = (row.payload as { card: Record<string, unknown> }).card;
      expect(JSON.stringify(card)).toContain('已核实');
      expect(validateCard(card)).toMatchObject({ ok: true });
    }
    const versions = await db.db.select({ version: itemCards.version }).from(itemCards).where(inArray(itemCards.id, copies.map((copy) => copy.id)));
    expect(versions).toEqual(copies.map(() => ({ version: latest.version })));
  });

  it('two redraws at once: one takes the item, the other finds it taken', async () => {
    const item = await register('/yq new 学校食堂涨价\n部门: 卫健委');
    await cardsRedrawn(db.db);
    await fillBacklog(); // holds the app's sender back; the two below allow a larger backlog
    await d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    const larger = { backlog: DEFAULT_PATCH_BACKLOG * 2 };
    const counts = await Promise.all([redrawQueuedCards(db.db, view(), silentLog, larger), redrawQueuedCards(db.db, view(), silentLog, larger)]);
    expect(counts.sort()).toEqual([0, 1]);
    expect(await db.db.select().from(cardRedraws)).toEqual([]);
    const [news] = await db.db.select().from(itemCards).where(and(eq(itemCards.itemId, item.id), eq(itemCards.audience, 'chat:oc_news')));
    expect((await patchesOf([news!.id])).map((row) => row.key)).toEqual([`patch:${news!.id}:v${item.version + 1}`]);
    await clearBacklog();
  });

  it('an item held back after a failed redraw waits until its time, then is redrawn', async () => {
    const item = await register('/yq new 公交线路调整\n部门: 卫健委');
    await cardsRedrawn(db.db);
    await fillBacklog(); // the app's sender stays out of it
    await d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    const larger = { backlog: DEFAULT_PATCH_BACKLOG * 2 };
    const now = harness.clock.now();
    await deferCardRedraw(db.db, item.id, new Date(now.getTime() + 60_000));
    expect(await redrawQueuedCards(db.db, view(), silentLog, larger)).toBe(0);
    expect(await redrawQueuedCards(db.db, { ...view(), now: new Date(now.getTime() + 60_000) }, silentLog, larger)).toBe(1);
    expect(await db.db.select().from(cardRedraws)).toEqual([]);
    await clearBacklog();
    // The app's clock goes where the redraw was: its patches are due (until then they would hold
    // back their chats' later messages, which are sent in order).
    harness.clock.set(new Date(now.getTime() + 60_000));
  });

  it('after a change: the first clicked audience with a live copy is marked drawn; the item is queued while another live copy is older', async () => {
    const item = await register('/yq new 小区垃圾清运不及时\n部门: 卫健委');
    await cardsRedrawn(db.db);
    await fillBacklog(); // the app's sender stays out of it
    const copyVersions = async () =>
      Object.fromEntries((await db.db.select().from(itemCards).where(eq(itemCards.itemId, item.id))).map((copy) => [copy.audience, copy.version]));
    const queued = async () => (await db.db.select({ itemId: cardRedraws.itemId }).from(cardRedraws).where(eq(cardRedraws.itemId, item.id))).length === 1;
    const v = item.version;
    expect(await copyVersions()).toEqual({ 'chat:oc_health': v, 'chat:oc_news': v });

    // Clicked in the health bureau's chat: that copy is drawn; the news office's waits for the redraw.
    await settleCopiesAfterChange(db.db, item.id, ['chat:oc_health', 'user:ou_health_liaison'], v + 1, AT);
    expect(await copyVersions()).toEqual({ 'chat:oc_health': v + 1, 'chat:oc_news': v });
    expect(await queued()).toBe(true);

    // Nothing older left but the clicked copy: nothing queued.
    await db.db.delete(cardRedraws).where(eq(cardRedraws.itemId, item.id));
    await db.db.update(itemCards).set({ version: v + 1 }).where(eq(itemCards.itemId, item.id));
    await settleCopiesAfterChange(db.db, item.id, ['chat:oc_health'], v + 1, AT);
    expect(await queued()).toBe(false);

    // The first audience without a copy is passed over; a change with no click marks nothing.
    await settleCopiesAfterChange(db.db, item.id, ['chat:oc_elsewhere', 'chat:oc_news'], v + 2, AT);
    expect(await copyVersions()).toEqual({ 'chat:oc_health': v + 1, 'chat:oc_news': v + 2 });
    expect(await queued()).toBe(true);
    await db.db.delete(cardRedraws).where(eq(cardRedraws.itemId, item.id));
    await settleCopiesAfterChange(db.db, item.id, [], v + 3, AT);
    expect(await copyVersions()).toEqual({ 'chat:oc_health': v + 1, 'chat:oc_news': v + 2 });
    expect(await queued()).toBe(true);

    // A copy that was moved away (re-posted) is not a live copy: neither marked nor waited for.
    await db.db.delete(cardRedraws).where(eq(cardRedraws.itemId, item.id));
    await db.db.update(itemCards).set({ movedAt: AT }).where(and(eq(itemCards.itemId, item.id), eq(itemCards.audience, 'chat:oc_health')));
    await settleCopiesAfterChange(db.db, item.id, ['chat:oc_health', 'chat:oc_news'], v + 4, AT);
    expect(await copyVersions()).toEqual({ 'chat:oc_health': v + 1, 'chat:oc_news': v + 4 });
    expect(await queued()).toBe(false);
    await clearBacklog();
  });

});
