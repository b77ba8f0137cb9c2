import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { manualClock } from '../../src/clock.js';
import { auditLog, drafts, handoverAcks, handovers, instructions, items, outbox, securityEvents } from '../../src/db/schema/index.js';
import { handleInbound, type CardResponse, type InboundDeps } from '../../src/inbound/handle.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { BAD_PAYLOAD_ZH } from '../../src/workflow/errors.js';
import { createTestDatabase, rowCount, type TestDatabase } from '../helpers/db.js';
import { cardActionEvent, messageEvent } from '../helpers/lark-webhook.js';
import { seedOrganisation, silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');

/**
 * Forged or garbled card payloads (a click whose `value` lacks or garbles its ids, or names a
 * record of another item) are refused before anything changes: the clean toast, one `bad_payload`
 * security event naming the action and the field, and no other row written.
 */
describe('forged card payloads', () => {
  let db: TestDatabase;
  let deps: InboundDeps;
  let first: number;
  let second: number;
  let handoverOfFirst: number;
  let n = 0;

  const count = (table: typeof items | typeof auditLog | typeof outbox | typeof securityEvents | typeof handoverAcks | typeof drafts) => rowCount(db.db, table);
  const snapshot = async () => ({
    items: await count(items),
    audit: await count(auditLog),
    outbox: await count(outbox),
    security: await count(securityEvents),
    handoverAcks: await count(handoverAcks),
    drafts: await count(drafts),
  });
  const itemVersions = async () => (await db.db.select({ id: items.id, version: items.version, state: items.state }).from(items).orderBy(items.id));

  async function click(operator: string, value: Record<string, unknown>, chatId: string, formValue?: Record<string, unknown>): Promise<CardResponse> {
    n += 1;
    const event = cardActionEvent(operator, value);
    event.event.context.open_chat_id = chatId;
    event.event.context.open_message_id = `om_forged_${n}`;
    if (formValue) (event.event.action as Record<string, unknown>).form_value = formValue;
    return handleInbound(deps, toInboundEvent(event));
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const org = await seedOrganisation(db.db, AT);
    deps = { db: db.db, clock: manualClock(AT), log: silentLog, org: { timezone: org.timezone, policy: org.policy }, commands: COMMANDS };
    for (const [i, unit] of ['卫健委', '教育局'].entries()) {
      await handleInbound(deps, toInboundEvent(messageEvent({ text: `/yq new 伪造载荷测试舆情${i}\n部门: ${unit}`, sender: 'ou_news_staff', chatType: 'p2p', chatId: 'oc_p2p_news', messageId: `om_seed_${i}` })));
    }
    [first, second] = (await db.db.select({ id: items.id }).from(items).orderBy(items.id)).map((row) => row.id) as [number, number];
    // A handover of the first item to the police, as the handover form would have recorded it.
    const [row] = await db.db.insert(handovers).values({ itemId: first, targets: ['police'], evidence: '原帖截图', by: 'ou_news_staff', at: AT }).returning();
    handoverOfFirst = row!.id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  const cases: { name: string; operator: string; chatId: string; value: () => Record<string, unknown>; form?: Record<string, unknown>; action: string; field: string; problem?: string }[] = [
    { name: 'no item id', operator: 'ou_health_liaison', chatId: 'oc_health', value: () => ({ action: 'acknowledge' }), action: 'acknowledge', field: 'item' },
    { name: 'an item id that is not a number', operator: 'ou_news_staff', chatId: 'oc_news', value: () => ({ action: 'reopen', item: 'YQ-1; drop table items' }), action: 'reopen', field: 'item' },
    { name: 'an item id beyond any row (1e300)', operator: 'ou_health_liaison', chatId: 'oc_health', value: () => ({ action: 'rectification_submit', item: 1e300 }), action: 'rectification_submit', field: 'item' },
    { name: 'a handover without its id', operator: 'ou_police_liaison', chatId: 'oc_police', value: () => ({ action: 'handover_ack', item: first }), action: 'handover_ack', field: 'handover' },
    { name: 'a handover id of another item', operator: 'ou_police_liaison', chatId: 'oc_police', value: () => ({ action: 'handover_ack', item: second, handover: handoverOfFirst }), action: 'handover_ack', field: 'handover', problem: 'other_item' },
    { name: 'a handover id that does not exist', operator: 'ou_police_liaison', chatId: 'oc_police', value: () => ({ action: 'handover_ack', item: first, handover: handoverOfFirst + 1000 }), action: 'handover_ack', field: 'handover', problem: 'not_found' },
    { name: 'a draft version that is not a number', operator: 'ou_health_lead', chatId: 'oc_health', value: () => ({ action: 'approve_draft', item: first, draft: 'v2' }), action: 'approve_draft', field: 'draft' },
    { name: 'a dispute id that is a list', operator: 'ou_news_staff', chatId: 'oc_news', value: () => ({ action: 'dispute_insist', item: first, dispute: [1] }), action: 'dispute_insist', field: 'dispute' },
    { name: 'a form that no button opens', operator: 'ou_health_liaison', chatId: 'oc_health', value: () => ({ action: 'open_form', item: first, form: '__proto__' }), action: 'open_form', field: 'form' },
    {
      name: 'a publication form naming a version that is not a number',
      operator: 'ou_health_liaison',
      chatId: 'oc_health',
      value: () => ({ action: 'publication_submit', item: first }),
      form: { channel: 'website', published_at: '2026-11-27 10:00 +0800', draft: 'latest' },
      action: 'publication_submit',
      field: 'form.draft',
    },
  ];

  it.each(cases)('$name: the clean toast, one security event, nothing else written', async ({ operator, chatId, value, form, action, field, problem }) => {
    const before = await snapshot();
    const versions = await itemVersions();
    const response = await click(operator, value(), chatId, form);
    expect(response).toEqual({ toast: { type: 'error', content: BAD_PAYLOAD_ZH } });
    expect(await snapshot()).toEqual({ ...before, security: before.security + 1 });
    expect(await itemVersions()).toEqual(versions);
    const [event] = await db.db.select().from(securityEvents).orderBy(desc(securityEvents.id)).limit(1);
    expect(event).toMatchObject({ kind: 'bad_payload', actor: operator, action, detail: { field, chatId } });
    expect(event!.reason.startsWith(`${field}: `)).toBe(true);
    if (problem) expect(event!.detail).toMatchObject({ problem });
    // The raw payload is not copied into the log: only the field and what was wrong with it.
    expect(Object.keys(event!.detail as object).sort()).toEqual(['chatId', 'field', 'messageId', 'problem']);
  });

  it('the genuine payload still works: the police acknowledge the handover of its own item', async () => {
    const before = await snapshot();
    const response = await click('ou_police_liaison', { action: 'handover_ack', item: first, handover: handoverOfFirst, v: 1 }, 'oc_police');
    expect(response.toast).toEqual({ type: 'success', content: '已确认接收' });
    const after = await snapshot();
    expect(after.handoverAcks).toBe(before.handoverAcks + 1);
    expect(after.security).toBe(before.security);
    expect(after.audit).toBeGreaterThan(before.audit);
  });

  it('a well-formed payload from someone not allowed is still a permission refusal, logged with the checked value only', async () => {
    const before = await snapshot();
    const response = await click('ou_edu_liaison', { action: 'handover_ack', item: first, handover: handoverOfFirst, junk: 'x'.repeat(50) }, 'oc_edu');
    expect(response.toast?.type).toBe('error');
    expect(response.toast?.content).not.toBe(BAD_PAYLOAD_ZH);
    expect(await snapshot()).toEqual({ ...before, security: before.security + 1 });
    const [event] = await db.db.select().from(securityEvents).orderBy(desc(securityEvents.id)).limit(1);
    expect(event).toMatchObject({ kind: 'refused_action', action: 'handover_ack', reason: 'not_target_unit' });
    expect((event!.detail as { value: unknown }).value).toEqual({ action: 'handover_ack', item: first, handover: handoverOfFirst });
  });

  it('a form text holding U+0000 (which PostgreSQL cannot store) is taken without it, not answered with the internal error', async () => {
    const response = await click('ou_vice_wang', { action: 'instruction_submit', item: first }, 'oc_p2p_wang', { text: '请尽快\u0000核实' });
    expect(response.toast).toEqual({ type: 'success', content: '批示已送达' });
    expect((await db.db.select({ text: instructions.text }).from(instructions)).map((row) => row.text)).toEqual(['请尽快核实']);
  });
});
