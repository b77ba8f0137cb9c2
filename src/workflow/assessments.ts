import { assessmentCard, type AssessmentCardView } from '../../cards/assessment.js';
import {
  ASSESSMENT_STATE_LABELS,
  RISK_LEVEL_LABELS,
  assessmentReminderAt,
  assessmentTransition,
  canActOnAssessment,
  inLinkWindow,
  matchKeyword,
  missingForReady,
  type AssessmentDraft,
  type AssessmentEvent,
  type AssessmentState,
  type RiskLevel,
} from '../domain/assessments.js';
import { addDaysToDateKey, localDateKey, parseDateKey, weekdayOfDateKey } from '../domain/time.js';
import type { DbOrTx, Tx } from '../db/client.js';
import {
  assessmentsReleasedBetween,
  insertAssessment,
  insertAssessmentLink,
  linksOfAssessment,
  updateAssessment,
  type AssessmentRow,
} from '../db/queries/assessments.js';
import { insertAuditEntries } from '../db/queries/audit.js';
import type { ItemRow } from '../db/queries/items.js';
import { effectiveChatId, effectiveRoster, findNewsOfficeUnit, findPersonByOpenId, findUnit, openIdsOf, unitsBoundToChat } from '../db/queries/organisation.js';
import { enqueueOutbox, type OutgoingMessage } from '../db/queries/outbox.js';
import { assessments as assessmentsTable, units as unitsTable } from '../db/schema/index.js';
import { and, eq } from 'drizzle-orm';
import { standingRoles, type Actor } from './actor.js';
import type { Role } from '../domain/permissions.js';
import { InputError, RefusedError } from './errors.js';
import type { ViewContext } from './item-view.js';
import { formatLocalTime } from './present.js';
import { textWithMentions } from './actions/notify.js';

/**
 * 舆情风险评估 (R17, notice §3.2): a unit registers the risks of a policy before it is released;
 * the news office and the propaganda dept see the card; high-risk ones need the unit leader's
 * approval; the unit is reminded before the release if the plan or wording is missing; items
 * registered after the release that match its keywords are linked to it. Every change is audited
 * (`subject = assessment:<id>`) and every copy of the card patched.
 */

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** 12月15日（周二）, with the year when it is not the current one. */
export function formatReleaseDate(date: string, ctx: Pick<ViewContext, 'now' | 'tz'>): string {
  const { year, month, day } = parseDateKey(date);
  const thisYear = parseDateKey(localDateKey(ctx.now, ctx.tz)).year;
  return `${year === thisYear ? '' : `${year}年`}${month}月${day}日（${WEEKDAYS[weekdayOfDateKey(date)]}）`;
}

async function personName(db: DbOrTx, openId: string | null): Promise<string> {
  if (!openId) return '';
  if (openId.startsWith('system')) return '舆情助手';
  return (await findPersonByOpenId(db, openId))?.name ?? openId;
}

export async function unitNameOf(db: DbOrTx, code: string): Promise<string> {
  return (await findUnit(db, code))?.name ?? code;
}

export function assessmentSubject(a: Pick<AssessmentRow, 'id'>): string {
  return `assessment:${a.id}`;
}

async function audit(tx: Tx, a: AssessmentRow, actor: string, action: string, at: Date, after: Record<string, unknown>, before?: Record<string, unknown>): Promise<void> {
  await insertAuditEntries(tx, [{ at, actor, action, subject: assessmentSubject(a), before: before ?? null, after }]);
}

/** What every copy of the card shows; `withActions` only on the assessing unit's copies. */
export async function assessmentCardView(db: DbOrTx, a: AssessmentRow, ctx: ViewContext, withActions: boolean): Promise<AssessmentCardView> {
  const unit = await unitNameOf(db, a.unitCode);
  const state = a.state as AssessmentState;
  const missing = missingForReady(a);
  const note =
    state === 'awaiting_approval'
      ? `${await personName(db, a.approvalRequestedBy)} 已提请审批，等待${unit}负责人审批`
      : state === 'ready' && a.approvedBy && a.approvedAt
        ? `已于 ${formatLocalTime(a.approvedAt, ctx.tz, ctx.now)} 由 ${await personName(db, a.approvedBy)} 审批通过`
        : state === 'draft' && a.returnComment
          ? `负责人退回修改：${a.returnComment}`
          : undefined;
  const today = localDateKey(ctx.now, ctx.tz);
  const policy = ctx.policy.assessments;
  const planMissing = !a.plan?.trim() || !a.wording?.trim();
  let hint: string | undefined;
  if (today < a.releaseDate || (today === a.releaseDate && planMissing)) {
    if (planMissing) {
      hint =
        a.remindedFor === a.releaseDate
          ? '已提醒本单位：发布前请补充应对预案和口径'
          : `发布前仍缺应对预案或口径的，将于 ${formatLocalTime(assessmentReminderAt(a.releaseDate, ctx.policy, ctx.tz), ctx.tz, ctx.now)} 提醒本单位`;
    }
  }
  if (today >= a.releaseDate && inLinkWindow(a.releaseDate, today, policy.link_days)) {
    hint = `${hint ? `${hint}；` : ''}发布后 ${policy.link_days} 天内（至 ${formatReleaseDate(addDaysToDateKey(a.releaseDate, policy.link_days), ctx)}）登记的舆情含关键词的，自动关联到本评估`;
  }
  const links = await linksOfAssessment(db, a.id);
  return {
    id: a.id,
    name: a.name,
    unit,
    registered: `${unit} ${await personName(db, a.createdBy)}（${formatLocalTime(a.createdAt, ctx.tz, ctx.now)} 登记）`,
    releaseDate: formatReleaseDate(a.releaseDate, ctx),
    affectedGroups: a.affectedGroups ?? undefined,
    riskLevel: a.riskLevel as RiskLevel,
    state,
    risks: a.risks ?? undefined,
    plan: a.plan ?? undefined,
    wording: a.wording ?? undefined,
    keywords: a.keywords,
    drill: a.drill,
    missing,
    note,
    hint,
    links: links.map((l) => ({ ref: l.ref, title: l.title, keyword: l.keyword, at: formatLocalTime(l.linkedAt, ctx.tz, ctx.now) })),
    withActions,
    version: a.version,
  };
}

interface Audience {
  audience: string;
  target: { chatId: string } | { openId: string };
  unit: boolean;
}

/** A unit's group, or each of its people in private when it has none. */
async function unitAudiences(tx: Tx, unitCode: string, unit: boolean): Promise<Audience[]> {
  const chatId = await effectiveChatId(tx, unitCode);
  if (chatId) return [{ audience: `chat:${chatId}`, target: { chatId }, unit }];
  const roster = await effectiveRoster(tx, unitCode);
  const people = await openIdsOf(tx, [...new Set([...roster.leader, ...roster.liaison, ...roster.member])]);
  return people.map((openId) => ({ audience: `user:${openId}`, target: { openId }, unit }));
}

/** The assessing unit (with buttons), then the news office and the propaganda dept (read only). */
async function audiencesOf(tx: Tx, a: AssessmentRow): Promise<Audience[]> {
  const list = await unitAudiences(tx, a.unitCode, true);
  const news = await findNewsOfficeUnit(tx);
  if (news) list.push(...(await unitAudiences(tx, news.code, false)));
  const propaganda = await tx.select({ code: unitsTable.code }).from(unitsTable).where(and(eq(unitsTable.role, 'propaganda'), eq(unitsTable.active, true)));
  for (const { code } of propaganda) list.push(...(await unitAudiences(tx, code, false)));
  // A chat reached twice (the news office assessing its own policy) keeps its first, unit role.
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(x.audience) && seen.add(x.audience));
}

/**
 * Sends the card where it has not gone yet and patches every earlier copy to the assessment's
 * version, except the copy a click is answering (`answered`). Returns the card of each audience.
 */
export async function syncAssessmentCards(tx: Tx, a: AssessmentRow, ctx: ViewContext, answered?: string): Promise<Map<string, Record<string, unknown>>> {
  const cards = new Map<string, Record<string, unknown>>();
  const built = new Map<boolean, Record<string, unknown>>();
  const cardFor = async (unit: boolean) => {
    if (!built.has(unit)) built.set(unit, assessmentCard(await assessmentCardView(tx, a, ctx, unit)));
    return built.get(unit)!;
  };
  const copies = [...a.cards];
  for (const copy of copies) {
    const card = await cardFor(copy.unit);
    cards.set(copy.audience, card);
    if (copy.audience === answered) continue;
    await enqueueOutbox(tx, `assess-patch:${a.id}:${copy.audience}:v${a.version}`, { kind: 'patch', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, card, version: a.version }, ctx.now);
  }
  const have = new Set(copies.map((copy) => copy.audience));
  const added: AssessmentRow['cards'] = [];
  for (const { audience, target, unit } of await audiencesOf(tx, a)) {
    if (have.has(audience)) continue;
    const card = await cardFor(unit);
    cards.set(audience, card);
    const sendKey = `assess-card:${a.id}:${audience}`;
    await enqueueOutbox(tx, sendKey, { kind: 'send', target, message: { msgType: 'interactive', card } }, ctx.now);
    added.push({ sendKey, audience, unit });
  }
  if (added.length > 0) await updateAssessmentCards(tx, a, [...copies, ...added]);
  return cards;
}

async function updateAssessmentCards(tx: Tx, a: AssessmentRow, cards: AssessmentRow['cards']): Promise<void> {
  // Not a change of the assessment: the version stays, so no copy is patched for it.
  await tx.update(assessmentsTable).set({ cards }).where(eq(assessmentsTable.id, a.id));
  a.cards = cards;
}

/** A message under the card in the assessing unit's chat (or each private chat), or to the unit when it has no card yet. */
async function tellUnit(tx: Tx, a: AssessmentRow, key: string, text: string, at: Date, mentionLeadersAndLiaisons = false): Promise<void> {
  const copies = a.cards.filter((copy) => copy.unit);
  const roster = await effectiveRoster(tx, a.unitCode);
  const mention = mentionLeadersAndLiaisons ? await openIdsOf(tx, [...new Set([...roster.liaison, ...roster.leader])]) : [];
  if (copies.length === 0) {
    await enqueueOutbox(tx, key, { kind: 'send', target: { unit: a.unitCode }, message: { msgType: 'text', text } }, at);
    return;
  }
  for (const copy of copies) {
    const message: OutgoingMessage = copy.audience.startsWith('chat:') ? textWithMentions(mention, text) : { msgType: 'text', text };
    await enqueueOutbox(tx, `${key}:${copy.audience}`, { kind: 'reply', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, message }, at);
  }
}

// ---------------------------------------------------------------------------------------------
// Use cases

/**
 * Roles for registering an assessment, as for reporting a lead (`/yq tip`): a liaison or leader of
 * any unit, the news office, the propaganda dept (DESIGN.md §2b "risk assessment").
 */
export function assessmentRoles(actor: Actor): Role[] {
  const roles = new Set<Role>(standingRoles(actor));
  for (const membership of actor.memberships) {
    if (membership.role === 'liaison') roles.add('lead_liaison');
    if (membership.role === 'leader') roles.add('lead_leader');
  }
  return [...roles];
}

/**
 * The unit an assessment is filed under, as `/yq tip` decides the reporter's unit: the one whose
 * group this is when the person belongs to it, else the first unit they serve (the news office last).
 */
export async function assessmentUnitOf(tx: DbOrTx, actor: Actor, chatId: string): Promise<string | undefined> {
  const here = new Set(chatId ? await unitsBoundToChat(tx, chatId) : []);
  const order = (m: Actor['memberships'][number]) => (here.has(m.unitCode) ? 0 : m.unitRole === 'news_office' ? 2 : 1);
  return [...actor.memberships].sort((a, b) => order(a) - order(b) || a.unitCode.localeCompare(b.unitCode))[0]?.unitCode;
}

/** Registers an assessment under `unitCode`, audits it and sends its cards, in the caller's transaction. */
export async function registerAssessment(tx: Tx, draft: AssessmentDraft, unitCode: string, actor: Actor, ctx: ViewContext): Promise<AssessmentRow> {
  const a = await insertAssessment(tx, {
    unitCode,
    createdBy: actor.openId,
    name: draft.name,
    releaseDate: draft.releaseDate,
    affectedGroups: draft.affectedGroups ?? null,
    riskLevel: draft.riskLevel,
    risks: draft.risks ?? null,
    plan: draft.plan ?? null,
    wording: draft.wording ?? null,
    keywords: draft.keywords,
    drill: draft.drill,
    state: 'draft',
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  await audit(tx, a, actor.openId, 'assessment.registered', ctx.now, {
    unit: unitCode,
    name: a.name,
    releaseDate: a.releaseDate,
    riskLevel: a.riskLevel,
    keywords: a.keywords,
    drill: a.drill,
    missing: missingForReady(a),
  });
  await syncAssessmentCards(tx, a, ctx);
  return a;
}

/** Refuses (security event) unless the actor may take this step on this unit's assessment. */
export function requireAssessmentPermission(actor: Actor, a: AssessmentRow, event: AssessmentEvent): void {
  const allowed = canActOnAssessment(actor.memberships, a.unitCode, event);
  if (!allowed.allowed) throw new RefusedError(event === 'approve' || event === 'return' ? 'approve_assessment' : 'risk_assessment', allowed.messageZh, allowed.code);
}

const EDITABLE: (keyof AssessmentDraft)[] = ['name', 'releaseDate', 'affectedGroups', 'riskLevel', 'risks', 'plan', 'wording', 'keywords', 'drill'];

/**
 * `/yq assess update`: the given fields change. Any change returns the assessment to draft (a
 * "ready" or an approval covered the text as it was); a date that moves may be reminded again.
 */
export async function editAssessment(tx: Tx, a: AssessmentRow, changes: Partial<AssessmentDraft>, actor: Actor, ctx: ViewContext): Promise<{ assessment: AssessmentRow; changed: string[]; reset: boolean }> {
  requireAssessmentPermission(actor, a, 'edit');
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of EDITABLE) {
    const value = changes[key];
    if (value === undefined) continue;
    const old = (a as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(old) === JSON.stringify(value)) continue;
    before[key] = old ?? null;
    after[key] = value;
  }
  const changed = Object.keys(after);
  if (changed.length === 0) throw new InputError('内容与原来相同，没有修改。');
  const to = assessmentTransition(a.state as AssessmentState, 'edit', { ...a, riskLevel: a.riskLevel as RiskLevel });
  if (!to.ok) throw new InputError(to.messageZh);
  const updated = await updateAssessment(tx, a.id, { ...(after as Partial<AssessmentRow>), state: to.to, updatedAt: ctx.now });
  await audit(tx, updated, actor.openId, 'assessment.updated', ctx.now, { ...after, state: updated.state }, { ...before, state: a.state });
  await syncAssessmentCards(tx, updated, ctx);
  return { assessment: updated, changed, reset: a.state !== 'draft' };
}

const EVENT_AUDIT: Record<Exclude<AssessmentEvent, 'edit'>, string> = {
  mark_ready: 'assessment.ready',
  request_approval: 'assessment.approval_requested',
  approve: 'assessment.approved',
  return: 'assessment.returned',
};

/**
 * A step on the card: mark ready, ask for approval, approve or return. Who may act is checked
 * first (a wrong person is a security event whatever the state), then the state rules.
 */
export async function moveAssessment(
  tx: Tx,
  a: AssessmentRow,
  event: Exclude<AssessmentEvent, 'edit'>,
  actor: Actor,
  ctx: ViewContext,
  options: { comment?: string; answered?: string } = {},
): Promise<{ assessment: AssessmentRow; cards: Map<string, Record<string, unknown>> }> {
  requireAssessmentPermission(actor, a, event);
  const to = assessmentTransition(a.state as AssessmentState, event, { ...a, riskLevel: a.riskLevel as RiskLevel });
  if (!to.ok) throw new InputError(to.messageZh);
  if (event === 'return' && !options.comment) throw new InputError('退回修改时请填写审批意见，说明要改什么。');
  const changes: Partial<AssessmentRow> = { state: to.to, updatedAt: ctx.now };
  if (event === 'request_approval') Object.assign(changes, { approvalRequestedBy: actor.openId, returnComment: null });
  if (event === 'approve') Object.assign(changes, { approvedBy: actor.openId, approvedAt: ctx.now, returnComment: null });
  if (event === 'return') Object.assign(changes, { returnComment: options.comment });
  const updated = await updateAssessment(tx, a.id, changes);
  await audit(tx, updated, actor.openId, EVENT_AUDIT[event], ctx.now, { state: updated.state, ...(options.comment ? { comment: options.comment } : {}) }, { state: a.state });
  const cards = await syncAssessmentCards(tx, updated, ctx, options.answered);
  const label = `舆情风险评估 #${a.id}「${a.name}」`;
  if (event === 'request_approval') {
    const roster = await effectiveRoster(tx, a.unitCode);
    const leaders = await openIdsOf(tx, roster.leader);
    const text = `${actor.name} 提请审批${label}（高风险），请本单位负责人在卡片上审批。`;
    // Leaders are told in private too: a group message is easy to miss, and approval blocks "ready".
    for (const openId of leaders) await enqueueOutbox(tx, `assess-approval:${a.id}:v${updated.version}:${openId}`, { kind: 'send', target: { openId }, message: { msgType: 'text', text } }, ctx.now);
  }
  if (event === 'approve' || event === 'return') {
    const text = event === 'approve' ? `${label}已由 ${actor.name} 审批通过，已就绪。` : `${label}被 ${actor.name} 退回修改：${options.comment}`;
    if (a.approvalRequestedBy && a.approvalRequestedBy !== actor.openId) {
      await enqueueOutbox(tx, `assess-decided:${a.id}:v${updated.version}`, { kind: 'send', target: { openId: a.approvalRequestedBy }, message: { msgType: 'text', text } }, ctx.now);
    }
  }
  return { assessment: updated, cards };
}

// ---------------------------------------------------------------------------------------------
// Linking items after the release

/**
 * Called by item registration, in its transaction, before the item's cards are built: links the
 * item to every assessment released within `policy.assessments.link_days` before today whose
 * keywords appear in its title or summary. Drill items link only to drill assessments and real
 * ones only to real ones, as drills stay out of reports. Each link is audited on both sides, the
 * assessment's cards are patched and its unit told under its card.
 */
export async function linkItemToAssessments(tx: Tx, item: ItemRow, actor: string, ctx: ViewContext): Promise<number> {
  const days = ctx.policy.assessments.link_days;
  const today = localDateKey(ctx.now, ctx.tz);
  const candidates = await assessmentsReleasedBetween(tx, addDaysToDateKey(today, -days), today, item.drill);
  let linked = 0;
  for (const a of candidates) {
    if (!inLinkWindow(a.releaseDate, today, days)) continue;
    const keyword = matchKeyword(a.keywords, `${item.title}\n${item.summary ?? ''}`);
    if (!keyword) continue;
    if (!(await insertAssessmentLink(tx, { assessmentId: a.id, itemId: item.id, keyword, linkedAt: ctx.now }))) continue;
    linked += 1;
    const unit = await unitNameOf(tx, a.unitCode);
    await insertAuditEntries(tx, [
      { at: ctx.now, actor, action: 'item.assessment_linked', itemId: item.id, subject: `item:${item.ref}`, after: { assessment: a.id, name: a.name, unit, keyword } },
      { at: ctx.now, actor, action: 'assessment.item_linked', subject: assessmentSubject(a), after: { item: item.ref, itemId: item.id, keyword } },
    ]);
    const updated = await updateAssessment(tx, a.id, { updatedAt: ctx.now });
    await syncAssessmentCards(tx, updated, ctx);
    await tellUnit(
      tx,
      updated,
      `assess-linked:${a.id}:${item.id}`,
      `本单位舆情风险评估 #${a.id}「${a.name}」发布后出现相关舆情 ${item.ref}「${item.title}」（关键词：${keyword}），已关联到本评估。请按应对预案和口径做好回应准备。`,
      ctx.now,
    );
  }
  return linked;
}

/**
 * 县卫健委「县城区停车收费标准调整」（高风险，12月15日发布；关键词：停车收费）, for the item card, from
 * the assessments the item is linked to, oldest link first (readItemViewRecords); undefined when none.
 */
export async function assessmentNoteFrom(db: DbOrTx, rows: { assessment: AssessmentRow; keyword: string }[]): Promise<string | undefined> {
  if (rows.length === 0) return undefined;
  const parts: string[] = [];
  for (const { assessment: a, keyword } of rows) {
    const date = parseDateKey(a.releaseDate);
    parts.push(`#${a.id} ${await unitNameOf(db, a.unitCode)}「${a.name}」（${RISK_LEVEL_LABELS[a.riskLevel as RiskLevel]}风险，${date.month}月${date.day}日发布，${ASSESSMENT_STATE_LABELS[a.state as AssessmentState]}；关键词：${keyword}）`);
  }
  return parts.join('；');
}

// ---------------------------------------------------------------------------------------------
// Reminder

/** The reminder to the unit: under its card, @mentioning its liaisons and leaders in a group. */
export async function remindUnit(tx: Tx, a: AssessmentRow, ctx: ViewContext): Promise<void> {
  const missing = [!a.plan?.trim() ? '应对预案' : undefined, !a.wording?.trim() ? '口径' : undefined].filter(Boolean).join('、');
  const text = [
    `舆情风险评估 #${a.id}「${a.name}」计划于 ${formatReleaseDate(a.releaseDate, ctx)} 发布，还缺：${missing}。`,
    `请在发布前补充：发送 /yq assess update ${a.id}，下面每行一个“字段: 值”（如“应对预案: …”“口径: …”）。`,
  ].join('\n');
  await tellUnit(tx, a, `assess-remind:${a.id}:${a.releaseDate}`, text, ctx.now, true);
  await audit(tx, a, 'system:clock', 'assessment.reminded', ctx.now, { releaseDate: a.releaseDate, missing });
}
