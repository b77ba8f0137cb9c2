/**
 * The item state machine of DESIGN.md §2. Only the main path lives here; disputes, confirmations,
 * consultations, hand-overs, rectification and instructions are separate records that never block
 * it. Who may fire an event is permissions.ts's question, not this file's.
 */

export const ITEM_STATES = [
  'registered',
  'dispatched',
  'acknowledged',
  'verified',
  'drafting',
  'in_review',
  'approved',
  'responded',
  'watching',
  'closed',
  'reopened',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const STATE_LABELS_ZH: Record<ItemState, string> = {
  registered: '已登记',
  dispatched: '已交办',
  acknowledged: '已认领',
  verified: '已核实',
  drafting: '起草中',
  in_review: '待审核',
  approved: '已审核',
  responded: '已回应',
  watching: '跟踪中',
  closed: '已办结',
  reopened: '已重新打开',
};

export const ITEM_EVENTS = [
  'dispatch',
  'reassign',
  'acknowledge',
  'verify',
  'start_draft',
  'submit_draft',
  'return_draft',
  'approve',
  'publish',
  'start_watch',
  'finish_watch',
  'close',
  'reopen',
  'recur',
] as const;
export type ItemEvent = (typeof ITEM_EVENTS)[number];

export const EVENT_LABELS_ZH: Record<ItemEvent, string> = {
  dispatch: '交办',
  reassign: '改派牵头单位',
  acknowledge: '认领',
  verify: '提交核实结果',
  start_draft: '起草回应稿',
  submit_draft: '提交审核',
  return_draft: '退回稿件',
  approve: '审核通过',
  publish: '登记发布',
  start_watch: '开始跟踪',
  finish_watch: '结束跟踪',
  close: '办结',
  reopen: '重新打开',
  recur: '登记舆情反复',
};

const OPEN_BEFORE_RESPONSE: readonly ItemState[] = [
  'dispatched',
  'acknowledged',
  'verified',
  'drafting',
  'in_review',
  'approved',
];

function allTo(from: readonly ItemState[], to: ItemState): Partial<Record<ItemState, ItemState>> {
  return Object.fromEntries(from.map((state) => [state, to]));
}

/** event → from-state → to-state. A missing from-state means the event is refused there. */
const TABLE: Record<ItemEvent, Partial<Record<ItemState, ItemState>>> = {
  // `reopened` is a resting state so the news office can route a recurrence afresh.
  dispatch: { registered: 'dispatched', reopened: 'dispatched' },
  // A new lead unit starts over: it must acknowledge again.
  reassign: allTo(OPEN_BEFORE_RESPONSE, 'dispatched'),
  acknowledge: { dispatched: 'acknowledged' },
  verify: { acknowledged: 'verified' },
  // From `approved`: the wording must change after approval (e.g. a co-signing unit objects).
  start_draft: { verified: 'drafting', approved: 'drafting' },
  // From `verified`: a ready draft may go straight to review.
  submit_draft: { verified: 'in_review', drafting: 'in_review' },
  return_draft: { in_review: 'drafting' },
  approve: { in_review: 'approved' },
  // Further publications of a responded item keep its state; earlier states need the override.
  publish: { ...allTo(OPEN_BEFORE_RESPONSE, 'responded'), responded: 'responded', watching: 'watching' },
  start_watch: { responded: 'watching' },
  finish_watch: { watching: 'closed' },
  close: allTo(ITEM_STATES.filter((s) => s !== 'closed'), 'closed'),
  reopen: { watching: 'reopened', closed: 'reopened' },
  recur: { watching: 'reopened', closed: 'reopened' },
};

export interface GuardContext {
  /** Cooperating units that have not yet confirmed (会签) the wording being published. */
  pendingConfirmations?: number;
  /** The news office records a publication anyway: unapproved wording or confirmations missing. */
  override?: boolean;
}

export type TransitionCode = 'invalid_transition' | 'draft_not_approved' | 'confirmations_pending';

export type TransitionResult =
  | { ok: true; to: ItemState }
  | { ok: false; code: TransitionCode; messageZh: string };

function label(state: ItemState): string {
  return `「${STATE_LABELS_ZH[state]}」`;
}

function refuseInvalid(state: ItemState, event: ItemEvent): TransitionResult {
  const allowed = ITEM_STATES.filter((s) => TABLE[event][s] !== undefined).map(label);
  return {
    ok: false,
    code: 'invalid_transition',
    messageZh: `事项当前为${label(state)}，不能${EVENT_LABELS_ZH[event]}。只有在${allowed.join('、')}状态下才可以${EVENT_LABELS_ZH[event]}。`,
  };
}

/** Guards that depend on more than the state; undefined means the guard passes. */
function guard(state: ItemState, event: ItemEvent, ctx: GuardContext): TransitionResult | undefined {
  if (event !== 'publish' || ctx.override === true) return undefined;
  if (state !== 'approved' && OPEN_BEFORE_RESPONSE.includes(state)) {
    return {
      ok: false,
      code: 'draft_not_approved',
      messageZh: `事项当前为${label(state)}，回应稿尚未经负责人审核，不能登记发布。确需先行发布的，请由县新闻办登记并注明“特批发布”。`,
    };
  }
  const pending = ctx.pendingConfirmations ?? 0;
  if (pending > 0) {
    return {
      ok: false,
      code: 'confirmations_pending',
      messageZh: `还有 ${pending} 个配合单位未确认（会签）回应口径，暂不能登记发布，以确保发布信息准确一致。确需先行发布的，请由县新闻办登记并注明“特批发布”。`,
    };
  }
  return undefined;
}

export function transition(state: ItemState, event: ItemEvent, ctx: GuardContext = {}): TransitionResult {
  const to = TABLE[event][state];
  if (to === undefined) return refuseInvalid(state, event);
  return guard(state, event, ctx) ?? { ok: true, to };
}

/** Events the machine would accept in a state with the given guard context (for card buttons). */
export function availableEvents(state: ItemState, ctx: GuardContext = {}): ItemEvent[] {
  return ITEM_EVENTS.filter((event) => transition(state, event, ctx).ok);
}
