import { disputeFormCard } from '../../../cards/forms/dispute.js';
import { draftFormCard, splitDraft } from '../../../cards/forms/draft.js';
import { handoverFormCard } from '../../../cards/forms/handover.js';
import { instructionFormCard } from '../../../cards/forms/instruction.js';
import { mediaContactFormCard } from '../../../cards/forms/media-contact.js';
import { publicationFormCard } from '../../../cards/forms/publication.js';
import { rectificationFormCard } from '../../../cards/forms/rectification.js';
import { reviewCard } from '../../../cards/forms/review.js';
import { verifyFormCard } from '../../../cards/forms/verify.js';
import { CHANNELS } from '../../domain/channels.js';
import type { Action, PermissionContext } from '../../domain/permissions.js';
import { localParts } from '../../domain/time.js';
import { listActiveUnits } from '../../db/queries/organisation.js';
import { draftsOf } from '../../db/queries/records.js';
import { units } from '../../db/schema/index.js';
import { eq } from 'drizzle-orm';
import { InputError } from '../errors.js';
import { formatLocalTime } from '../present.js';
import { clickedItem, postForm, requirePermission, rolesOn, type ActionContext, type ActionHandler } from './common.js';
import { lineDiff } from './main-path.js';
import type { FormName, OpenFormValue } from './values.js';
import type { ItemRow } from '../../db/queries/items.js';
import { findPersonByOpenId } from '../../db/queries/organisation.js';

type FormBuilder = (ctx: ActionContext, item: ItemRow, base: { itemId: number; ref: string; title: string }) => Promise<Record<string, unknown>>;
type FormPermissionContext = (ctx: ActionContext, item: ItemRow) => Promise<PermissionContext>;

const pad = (n: number) => String(n).padStart(2, '0');
function pickerNow(ctx: ActionContext): string {
  const p = localParts(ctx.view.now, ctx.view.tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Button `open_form` → which permission it needs and how to build the form. */
const FORMS: Record<FormName, { action: Action; build: FormBuilder; context?: FormPermissionContext }> = {
  dispute: {
    action: 'dispute_routing',
    build: async (ctx, _item, base) => disputeFormCard({ ...base, units: (await listActiveUnits(ctx.tx)).filter((u) => u.role !== 'news_office').map((u) => ({ code: u.code, name: u.name })) }),
  },
  verify: { action: 'verify', build: async (_ctx, _item, base) => verifyFormCard(base) },
  draft: {
    action: 'draft',
    build: async (ctx, item, base) => {
      const last = (await draftsOf(ctx.tx, item.id)).at(-1);
      return draftFormCard({ ...base, parts: last ? splitDraft(last.text) : undefined, version: last?.version, returnComment: last?.decision === 'returned' ? (last.comment ?? undefined) : undefined });
    },
  },
  review: {
    action: 'approve_draft',
    // The own-draft rule needs to know who wrote the draft under review.
    context: async (ctx, item) => ({ draftAuthorId: (await draftsOf(ctx.tx, item.id)).at(-1)?.drafter }),
    build: async (ctx, item, base) => {
      const all = await draftsOf(ctx.tx, item.id);
      const last = all.at(-1);
      if (!last || last.decision) throw new InputError('没有待审核的回应稿。');
      const previous = all.at(-2);
      const drafter = (await findPersonByOpenId(ctx.tx, last.drafter))?.name ?? last.drafter;
      return reviewCard({ ...base, draftVersion: last.version, text: last.text, diff: previous ? lineDiff(previous.text, last.text) : undefined, drafter, submittedAt: formatLocalTime(last.submittedAt, ctx.view.tz, ctx.view.now) });
    },
  },
  publication: {
    action: 'record_publication',
    build: async (ctx, item, base) => {
      const approved = (await draftsOf(ctx.tx, item.id)).filter((d) => d.decision === 'approved');
      return publicationFormCard({
        ...base,
        approvedVersions: approved.map((d) => ({ version: d.version, label: `第 ${d.version} 版（${formatLocalTime(d.reviewedAt ?? d.submittedAt, ctx.view.tz, ctx.view.now)} 审核通过）` })),
        channels: Object.entries(CHANNELS).map(([code, c]) => ({ code, label: c.labelZh })),
        allowOverride: (await rolesOn(ctx, item)).includes('news_office'),
        defaultTime: pickerNow(ctx),
      });
    },
  },
  media: { action: 'record_media_contact', build: async (_ctx, _item, base) => mediaContactFormCard(base) },
  rectification: { action: 'record_rectification', build: async (_ctx, _item, base) => rectificationFormCard(base) },
  instruction: { action: 'give_instruction', build: async (_ctx, _item, base) => instructionFormCard(base) },
  handover: {
    action: 'handover_rumour',
    build: async (ctx, _item, base) => {
      const targets = await ctx.tx.select({ code: units.code, name: units.name }).from(units).where(eq(units.rumourHandover, true));
      if (targets.length === 0) throw new InputError('组织文件里没有配置公安、网信移交单位（rumour_handover）。');
      return handoverFormCard({ ...base, targets });
    },
  },
};

/** A button that opens a form: permission first, so nobody fills a form they may not submit. */
export const openForm: ActionHandler<OpenFormValue> = async (ctx) => {
  const name = ctx.value.form;
  const form = FORMS[name];
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, form.action, (await form.context?.(ctx, item)) ?? {});
  const card = await form.build(ctx, item, { itemId: item.id, ref: item.ref, title: item.title });
  return postForm(ctx, item, name, card);
};
