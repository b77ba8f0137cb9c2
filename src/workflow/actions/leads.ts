import { leadRegisterFormCard, leadRejectFormCard } from '../../../cards/lead.js';
import { receiptCard } from '../../../cards/forms/receipt.js';
import { can } from '../../domain/permissions.js';
import { CATEGORIES, SOURCES } from '../../domain/registration.js';
import { charLength } from '../../../cards/format.js';
import { lockLead, updateLead, type LeadRow } from '../../db/queries/leads.js';
import { listActiveUnits } from '../../db/queries/organisation.js';
import { enqueueOutbox } from '../../db/queries/outbox.js';
import type { CardResponse } from '../../inbound/handle.js';
import { standingRoles } from '../actor.js';
import { ensureAllowed, InputError } from '../errors.js';
import { auditLead, leadCardView, registerDefaultsOf, reporterLabel, syncLeadCards, tellReporter } from '../leads.js';
import { field, type ActionContext, type ActionHandler } from './common.js';
import type { LeadValue } from './values.js';

/**
 * The lead card's buttons (R17): 登记为舆情 posts the registration form pre-filled from the lead
 * (its submit is `register_submit` with the lead's id, see register.ts); 不予登记 posts a reason
 * form whose submit closes the lead and tells the reporter why. Only the news office may do either.
 */

export const REJECT_REASON_MAX = 500;

/** Loads and locks the clicked lead: two people handling it take turns. */
export async function clickedLead(ctx: ActionContext<LeadValue>): Promise<LeadRow> {
  const lead = await lockLead(ctx.tx, ctx.value.lead);
  if (!lead) throw new InputError('找不到这条线索，卡片可能已过期。');
  return lead;
}

/** A lead someone already handled cannot be handled again; the message says what became of it. */
export async function requireOpenLead(ctx: ActionContext, lead: LeadRow): Promise<void> {
  if (lead.status === 'open') return;
  const view = await leadCardView(ctx.tx, lead, ctx.view);
  throw new InputError(`这条线索已经处理过了：${view.outcome ?? lead.status}`);
}

export function requireNewsOffice(ctx: ActionContext): void {
  ensureAllowed(can(standingRoles(ctx.actor), 'register'), 'register');
}

/** Posts a form as a reply to the clicked lead card. */
async function postLeadForm(ctx: ActionContext, lead: LeadRow, form: string, card: Record<string, unknown>): Promise<CardResponse> {
  if (!ctx.messageId || !ctx.chatId) throw new InputError('请在线索卡片上操作。');
  await enqueueOutbox(
    ctx.tx,
    `lead-form:${form}:${lead.id}:${ctx.actor.openId}:${ctx.view.now.getTime()}`,
    { kind: 'reply', to: { messageId: ctx.messageId }, lane: `chat:${ctx.chatId}`, message: { msgType: 'interactive', card } },
    ctx.view.now,
  );
  return { toast: { type: 'info', content: '已发出表单，请在下方填写' } };
}

/** 登记为舆情: the registration form, pre-filled with what the lead reported. */
export const leadRegister: ActionHandler<LeadValue> = async (ctx) => {
  requireNewsOffice(ctx);
  const lead = await clickedLead(ctx);
  await requireOpenLead(ctx, lead);
  const units = (await listActiveUnits(ctx.tx)).filter((unit) => unit.role !== 'news_office').map((unit) => ({ code: unit.code, name: unit.name }));
  const card = leadRegisterFormCard(
    {
      units,
      categories: Object.entries(CATEGORIES).map(([code, c]) => ({ code, label: c.label })),
      sources: Object.entries(SOURCES).map(([code, s]) => ({ code, label: s.label })),
      defaults: registerDefaultsOf(lead, ctx.view.tz),
    },
    { id: lead.id, reporter: await reporterLabel(ctx.tx, lead) },
  );
  return postLeadForm(ctx, lead, 'register', card);
};

/** 不予登记: the reason form. */
export const leadReject: ActionHandler<LeadValue> = async (ctx) => {
  requireNewsOffice(ctx);
  const lead = await clickedLead(ctx);
  await requireOpenLead(ctx, lead);
  return postLeadForm(ctx, lead, 'reject', leadRejectFormCard({ leadId: lead.id, title: lead.title, reporter: await reporterLabel(ctx.tx, lead) }));
};

/** The reason form's submit: the lead is closed, its cards patched, the reporter told why in private. */
export const leadRejectSubmit: ActionHandler<LeadValue> = async (ctx) => {
  requireNewsOffice(ctx);
  const lead = await clickedLead(ctx);
  await requireOpenLead(ctx, lead);
  const reason = field(ctx, 'reason');
  if (!reason) throw new InputError('请填写：不予登记的理由');
  if (charLength(reason) > REJECT_REASON_MAX) throw new InputError(`理由太长（${charLength(reason)} 字），最多 ${REJECT_REASON_MAX} 字。`);
  const rejected = await updateLead(ctx.tx, lead.id, { status: 'rejected', reason, handledBy: ctx.actor.openId, handledAt: ctx.view.now, updatedAt: ctx.view.now });
  await auditLead(ctx.tx, rejected, ctx.actor.openId, 'lead.rejected', ctx.view.now, { status: 'rejected', reason }, { status: lead.status });
  // The form is its own message: every copy of the lead card is patched.
  await syncLeadCards(ctx.tx, rejected, ctx.view);
  await tellReporter(ctx.tx, rejected, 'rejected', [`您报送的线索「${lead.title}」（#${lead.id}），县新闻办决定不予登记为舆情。`, `理由：${reason}`, `处理人：${ctx.actor.name}`].join('\n'), ctx.view.now);
  const told = lead.reporter.startsWith('monitor:') ? '' : '，理由已私信告知报送人';
  return {
    toast: { type: 'success', content: `已不予登记${told}` },
    card: { type: 'raw', data: receiptCard({ title: `不予登记 · 线索 #${lead.id}`, lines: [lead.title, `理由：${reason}`], colour: 'grey', ref: `线索 #${lead.id}` }) },
  };
};
