import { eq } from 'drizzle-orm';
import { handoverDossierCard } from '../../../cards/forms/handover-dossier.js';
import { receiptCard } from '../../../cards/forms/receipt.js';
import { enqueueOutbox } from '../../db/queries/outbox.js';
import { findUnit } from '../../db/queries/organisation.js';
import { findHandover, handoverAcksOf, latestVerification } from '../../db/queries/records.js';
import { handoverAcks, handovers, units } from '../../db/schema/index.js';
import { BadPayloadError, InputError, RefusedError } from '../errors.js';
import { formatSpread } from '../present.js';
import { answer, clickedItem, field, fieldList, requireFields, requirePermission, saveAndAnswer, saveItemChange, type ActionHandler } from './common.js';
import { timelineForCards } from './timeline.js';
import type { HandoverValue, ItemValue } from './values.js';

/** R11: hand a rumour to the police / cyber regulator with the evidence; the respond clock runs on. */
export const handoverSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'handover_rumour');
  requireFields(ctx, { targets: '移交单位', evidence: '证据和线索' });
  const allowed = new Set((await ctx.tx.select({ code: units.code }).from(units).where(eq(units.rumourHandover, true))).map((u) => u.code));
  const targets = fieldList(ctx, 'targets');
  if (targets.some((code) => !allowed.has(code))) throw new InputError('只能移交给组织文件中的公安、网信单位。');
  const [row] = await ctx.tx
    .insert(handovers)
    .values({ itemId: item.id, targets, evidence: field(ctx, 'evidence'), note: field(ctx, 'note') || null, by: ctx.actor.openId, at: ctx.view.now })
    .returning();
  const updated = await saveItemChange(ctx, item, 'item.handed_over', {}, { handover: row!.id, targets });
  const verification = await latestVerification(ctx.tx, item.id);
  const dossier = handoverDossierCard({
    itemId: item.id,
    ref: item.ref,
    title: item.title,
    handoverId: row!.id,
    url: item.url ?? undefined,
    spread: formatSpread(item.spread),
    findings: verification?.findings,
    evidence: row!.evidence,
    timeline: await timelineForCards(ctx.tx, item, ctx.view),
    from: ctx.actor.name,
  });
  for (const code of targets) {
    await enqueueOutbox(ctx.tx, `handover:${row!.id}:${code}`, { kind: 'send', target: { unit: code }, message: { msgType: 'interactive', card: dossier } }, ctx.view.now);
  }
  const names = await Promise.all(targets.map(async (code) => (await findUnit(ctx.tx, code))?.name ?? code));
  return answer(ctx, updated, '已移交', receiptCard({ title: `已移交 ${item.ref}`, lines: [`移交给：${names.join('、')}`, '回应时限继续计算：辟谣也是回应。'], colour: 'red', ref: item.ref }));
};

/** A target unit confirms it received the dossier. */
export const handoverAck: ActionHandler<HandoverValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  const handover = await findHandover(ctx.tx, ctx.value.handover);
  // Dossier cards carry the item and the handover together: anything else was not sent by us.
  if (!handover) throw new BadPayloadError('handover', 'not_found');
  if (handover.itemId !== item.id) throw new BadPayloadError('handover', 'other_item');
  const unit = ctx.actor.memberships.find((m) => handover.targets.includes(m.unitCode));
  if (!unit) throw new RefusedError('handover_ack', '只有接收移交的公安、网信单位人员可以确认接收。', 'not_target_unit');
  if ((await handoverAcksOf(ctx.tx, handover.id)).some((ack) => ack.unitCode === unit.unitCode)) throw new InputError('本单位已确认接收。');
  await ctx.tx.insert(handoverAcks).values({ handoverId: handover.id, unitCode: unit.unitCode, by: ctx.actor.openId, at: ctx.view.now });
  return saveAndAnswer(ctx, item, { action: 'item.handover_received', changes: {}, after: { handover: handover.id, unit: unit.unitCode } }, '已确认接收', receiptCard({ title: `已接收移交 ${item.ref}`, lines: [`${unit.unitName}已确认接收`], colour: 'green', ref: item.ref }));
};
