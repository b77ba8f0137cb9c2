import { asc, desc, eq, gt, like, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { unitsOfItem } from '../../src/db/queries/items.js';
import {
  auditLog,
  cardRedraws,
  confirmations,
  consultations,
  disputes,
  drafts,
  handovers,
  instructions,
  itemCards,
  items,
  itemUnits,
  mediaContacts,
  outbox,
  publications,
  rectifications,
  securityEvents,
  verifications,
} from '../../src/db/schema/index.js';
import type { CardResponse } from '../../src/inbound/handle.js';
import { toInboundEvent } from '../../src/lark/events.js';
import type { TestDatabase } from '../helpers/db.js';
import { messageEvent } from '../helpers/lark-webhook.js';
import { cardsRedrawn } from '../helpers/app.js';
import { useAppHarness } from '../helpers/harness.js';

/**
 * DESIGN.md §2b (who may do what), every role × card action, through a real click: the app's
 * entry point, a real database, nock standing in for Lark.
 *
 * The expectations below are copied by hand from the §2b table, not derived from
 * src/domain/permissions.ts, so a disagreement between the two shows up here.
 */

const AT = new Date('2026-11-27T02:00:00Z');

const ROLES = ['news_office', 'lead_liaison', 'lead_leader', 'cooperating', 'propaganda', 'county_leader', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** One person per §2b column, on an item whose lead unit is health and cooperating unit education. */
const PEOPLE: Record<Role, { openId: string; chatId: string }> = {
  news_office: { openId: 'ou_news_staff', chatId: 'oc_news' },
  lead_liaison: { openId: 'ou_health_liaison', chatId: 'oc_health' },
  lead_leader: { openId: 'ou_health_lead', chatId: 'oc_health' },
  cooperating: { openId: 'ou_edu_liaison', chatId: 'oc_p2p_edu' },
  propaganda: { openId: 'ou_prop_lead', chatId: 'oc_p2p_prop' },
  county_leader: { openId: 'ou_vice_wang', chatId: 'oc_p2p_wang' },
  admin: { openId: 'ou_admin', chatId: 'oc_p2p_admin' },
};

const ACTIONS = [
  'acknowledge',
  'dispute_submit',
  'verify_submit',
  'draft_submit',
  'approve_draft',
  'return_draft',
  'confirm_wording',
  'publication_submit',
  'media_submit',
  'rectification_submit',
  'handover_submit',
  'convene',
  'consultation_submit',
  'approve_disposal',
  'instruction_submit',
  'close',
  'reopen',
  'route',
  'dispute_insist',
  'dispute_reassign',
  'open_form:verify',
  'open_form:review',
  'open_form:publication',
  'open_form:handover',
  'open_form:instruction',
] as const;
type Action = (typeof ACTIONS)[number];

const EXPECTED: Record<Action, Record<Role, boolean>> = {
  // §2b "acknowledge, dispute routing, verify, draft, record rectification": lead liaison, lead leader.
  acknowledge:            { news_office: false, lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  dispute_submit:         { news_office: false, lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  verify_submit:          { news_office: false, lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  draft_submit:           { news_office: false, lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  // §2b "approve / return a draft (not one's own)": lead leader only (the draft here is the liaison's).
  approve_draft:          { news_office: false, lead_liaison: false, lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  return_draft:           { news_office: false, lead_liaison: false, lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  // §2b "confirm wording (会签)": cooperating unit only.
  confirm_wording:        { news_office: false, lead_liaison: false, lead_leader: false, cooperating: true,  propaganda: false, county_leader: false, admin: false },
  // §2b "record publication, media contact": news office, lead liaison, lead leader.
  publication_submit:     { news_office: true,  lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  media_submit:           { news_office: true,  lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  rectification_submit:   { news_office: false, lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  // §2b "hand over a rumour": news office only.
  handover_submit:        { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  // §2b "convene consultation, record its outcome": news office, propaganda.
  convene:                { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: true,  county_leader: false, admin: false },
  consultation_submit:    { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: true,  county_leader: false, admin: false },
  // §2b "approve a disposal opinion (报审), give an instruction (批示)": county leader only.
  approve_disposal:       { news_office: false, lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: true,  admin: false },
  instruction_submit:     { news_office: false, lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: true,  admin: false },
  // §2b "register, route, reassign, extend, close, reopen, drill flag": news office only.
  close:                  { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  reopen:                 { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  route:                  { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  dispute_insist:         { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  dispute_reassign:       { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  // Form-opening buttons: the same rows as the submit they lead to.
  'open_form:verify':      { news_office: false, lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  'open_form:review':      { news_office: false, lead_liaison: false, lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  'open_form:publication': { news_office: true,  lead_liaison: true,  lead_leader: true,  cooperating: false, propaganda: false, county_leader: false, admin: false },
  'open_form:handover':    { news_office: true,  lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: false, admin: false },
  'open_form:instruction': { news_office: false, lead_liaison: false, lead_leader: false, cooperating: false, propaganda: false, county_leader: true,  admin: false },
};

/** Where an item has to be for an action to be otherwise possible. */
type Setup =
  | 'dispatched'
  | 'unrouted'
  | 'disputed'
  | 'verified'
  | 'verified_rectify'
  | 'in_review'
  | 'in_review_by_leader'
  | 'approved'
  | 'confirmed'
  | 'closed'
  | 'convened'
  | 'recorded';

interface Fixture {
  id: number;
  ref: string;
  draft?: number;
  consultation?: number;
  dispute?: number;
}

/** Everything a click on the item could change: the item, its units and cards, its audit trail and records, and the outbox. */
async function snapshotOf(db: TestDatabase, id: number) {
  const [item] = await db.db.select().from(items).where(eq(items.id, id));
  const [count] = await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
  return {
    item: item!,
    units: await db.db.select().from(itemUnits).where(eq(itemUnits.itemId, id)).orderBy(asc(itemUnits.unitCode), asc(itemUnits.role)),
    cards: await db.db.select().from(itemCards).where(eq(itemCards.itemId, id)).orderBy(asc(itemCards.id)),
    audit: await db.db.select().from(auditLog).where(eq(auditLog.itemId, id)).orderBy(asc(auditLog.id)),
    disputes: await db.db.select().from(disputes).where(eq(disputes.itemId, id)).orderBy(asc(disputes.id)),
    verifications: await db.db.select().from(verifications).where(eq(verifications.itemId, id)).orderBy(asc(verifications.id)),
    drafts: await db.db.select().from(drafts).where(eq(drafts.itemId, id)).orderBy(asc(drafts.id)),
    confirmations: await db.db.select().from(confirmations).where(eq(confirmations.itemId, id)).orderBy(asc(confirmations.id)),
    publications: await db.db.select().from(publications).where(eq(publications.itemId, id)).orderBy(asc(publications.id)),
    mediaContacts: await db.db.select().from(mediaContacts).where(eq(mediaContacts.itemId, id)).orderBy(asc(mediaContacts.id)),
    rectifications: await db.db.select().from(rectifications).where(eq(rectifications.itemId, id)).orderBy(asc(rectifications.id)),
    instructions: await db.db.select().from(instructions).where(eq(instructions.itemId, id)).orderBy(asc(instructions.id)),
    handovers: await db.db.select().from(handovers).where(eq(handovers.itemId, id)).orderBy(asc(handovers.id)),
    consultations: await db.db.select().from(consultations).where(eq(consultations.itemId, id)).orderBy(asc(consultations.id)),
    outboxRows: count!.n,
    redrawQueued: (await db.db.select().from(cardRedraws).where(eq(cardRedraws.itemId, id))).length > 0,
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshotOf>>;

interface Check {
  f: Fixture;
  before: Snapshot;
  after: Snapshot;
  by: string;
  db: TestDatabase;
}

interface Spec {
  setup: Setup;
  value: (f: Fixture) => Record<string, unknown>;
  form?: (f: Fixture) => Record<string, unknown>;
  /** An allowed click leaves the item ready for the same action by the next person. */
  reusable?: boolean;
  /** What an allowed click must have done. */
  effect: (check: Check) => void | Promise<void>;
}

const NOW_PICKER = '2026-11-27 10:00 +0800';
const act = (action: string) => (f: Fixture) => ({ item: f.id, action });
const openForm = (form: string): Spec['value'] => (f) => ({ item: f.id, action: 'open_form', form });
const formPosted = (form: string) => async ({ f, after, before, by, db }: Check) => {
  const rows = await db.db.select().from(outbox).where(like(outbox.key, `form:${form}:${f.id}:${by}:%`));
  expect(rows).toHaveLength(1);
  expect(after.outboxRows).toBe(before.outboxRows + 1);
  expect(after.item).toEqual(before.item);
};
const added = <T>(before: T[], after: T[]) => after.slice(before.length);

const SPECS: Record<Action, Spec> = {
  acknowledge: {
    setup: 'dispatched',
    value: act('acknowledge'),
    effect: ({ after, by }) => {
      expect(after.item.state).toBe('acknowledged');
      expect(after.audit.at(-1)).toMatchObject({ action: 'item.acknowledged', actor: by });
    },
  },
  dispute_submit: {
    setup: 'dispatched',
    value: act('dispute_submit'),
    form: () => ({ reason: '不属于本单位职责', suggested: 'education' }),
    effect: ({ before, after, by }) => {
      expect(added(before.disputes, after.disputes)).toMatchObject([{ by, fromUnit: 'health', suggestedUnit: 'education', decision: null }]);
      expect(after.item.state).toBe('dispatched');
    },
  },
  verify_submit: {
    setup: 'dispatched',
    value: act('verify_submit'),
    form: () => ({ outcome: 'partly', findings: '部分属实', rectification: 'no' }),
    effect: ({ before, after, by }) => {
      expect(after.item.state).toBe('verified');
      expect(added(before.verifications, after.verifications)).toMatchObject([{ by, outcome: 'partly' }]);
    },
  },
  draft_submit: {
    setup: 'verified',
    value: act('draft_submit'),
    form: () => ({ text_1: '经核实，相关情况正在处理。' }),
    effect: ({ before, after, by }) => {
      expect(after.item.state).toBe('in_review');
      expect(added(before.drafts, after.drafts)).toMatchObject([{ version: 1, drafter: by, decision: null }]);
    },
  },
  approve_draft: {
    setup: 'in_review',
    value: (f) => ({ item: f.id, action: 'approve_draft', draft: f.draft }),
    form: () => ({ comment: '同意' }),
    effect: ({ f, after, by }) => {
      expect(after.item.state).toBe('approved');
      expect(after.drafts.find((d) => d.version === f.draft)).toMatchObject({ decision: 'approved', reviewer: by });
    },
  },
  return_draft: {
    setup: 'in_review',
    value: (f) => ({ item: f.id, action: 'return_draft', draft: f.draft }),
    form: () => ({ comment: '请补充整改时限' }),
    effect: ({ f, after, by }) => {
      expect(after.item.state).toBe('drafting');
      expect(after.drafts.find((d) => d.version === f.draft)).toMatchObject({ decision: 'returned', reviewer: by, comment: '请补充整改时限' });
    },
  },
  confirm_wording: {
    setup: 'approved',
    value: (f) => ({ item: f.id, action: 'confirm_wording', draft: f.draft, unit: 'education', agree: true }),
    effect: ({ f, before, after, by }) => {
      expect(added(before.confirmations, after.confirmations)).toMatchObject([{ by, unitCode: 'education', agree: true, draftVersion: f.draft }]);
    },
  },
  publication_submit: {
    setup: 'confirmed',
    value: act('publication_submit'),
    form: (f) => ({ channel: 'website', link: 'https://www.example.gov.cn/reply', published_at: NOW_PICKER, draft: String(f.draft) }),
    effect: ({ f, before, after, by }) => {
      expect(added(before.publications, after.publications)).toMatchObject([{ by, channel: 'website', draftVersion: f.draft }]);
      expect(after.item.state).toBe('watching');
    },
  },
  media_submit: {
    setup: 'dispatched',
    reusable: true,
    value: act('media_submit'),
    form: () => ({ outlet: '县融媒体中心', journalist: '李记者', agreed: '以官方通报为准', contacted_at: NOW_PICKER }),
    effect: ({ before, after, by }) => {
      expect(added(before.mediaContacts, after.mediaContacts)).toMatchObject([{ by, outlet: '县融媒体中心' }]);
    },
  },
  rectification_submit: {
    setup: 'verified_rectify',
    value: act('rectification_submit'),
    form: () => ({ note: '已整改到位', done_at: NOW_PICKER }),
    effect: ({ before, after, by }) => {
      expect(added(before.rectifications, after.rectifications)).toMatchObject([{ by, note: '已整改到位' }]);
    },
  },
  handover_submit: {
    setup: 'dispatched',
    reusable: true,
    value: act('handover_submit'),
    form: () => ({ targets: ['police'], evidence: '原帖截图与转发链' }),
    effect: ({ before, after, by }) => {
      expect(added(before.handovers, after.handovers)).toMatchObject([{ by, targets: ['police'], evidence: '原帖截图与转发链' }]);
    },
  },
  convene: {
    setup: 'dispatched',
    value: act('convene'),
    effect: ({ before, after, by }) => {
      expect(added(before.consultations, after.consultations)).toMatchObject([{ convenedBy: by, recordedAt: null }]);
    },
  },
  consultation_submit: {
    setup: 'convened',
    value: (f) => ({ item: f.id, action: 'consultation_submit', consultation: f.consultation }),
    form: () => ({ nature: '误读', trend: '平稳', risks: '较低', disposal: '牵头单位发布说明', wording: '经核实，相关情况已妥善处理。', assign: [] }),
    effect: ({ f, after, by }) => {
      expect(after.consultations.find((c) => c.id === f.consultation)).toMatchObject({ recordedBy: by, disposal: '牵头单位发布说明' });
    },
  },
  approve_disposal: {
    setup: 'recorded',
    value: (f) => ({ item: f.id, action: 'approve_disposal', consultation: f.consultation, agree: true }),
    form: () => ({ comment: '同意' }),
    effect: ({ f, after, by }) => {
      expect(after.consultations.find((c) => c.id === f.consultation)).toMatchObject({ approval: 'approved', approvedBy: by });
    },
  },
  instruction_submit: {
    setup: 'dispatched',
    reusable: true,
    value: act('instruction_submit'),
    form: () => ({ text: '请尽快核实回应' }),
    effect: ({ before, after, by }) => {
      expect(added(before.instructions, after.instructions)).toMatchObject([{ by, text: '请尽快核实回应' }]);
    },
  },
  close: {
    setup: 'dispatched',
    value: act('close'),
    effect: ({ after, by }) => {
      expect(after.item.state).toBe('closed');
      expect(after.audit.at(-1)).toMatchObject({ action: 'item.closed', actor: by });
    },
  },
  reopen: {
    setup: 'closed',
    value: act('reopen'),
    effect: ({ after, by }) => {
      expect(after.item.state).toBe('dispatched');
      expect(after.audit.slice(-2).map((row) => [row.action, row.actor])).toEqual([
        ['item.reopened', by],
        ['item.redispatched', by],
      ]);
    },
  },
  route: {
    setup: 'unrouted',
    value: (f) => ({ item: f.id, action: 'route', unit: 'health' }),
    effect: async ({ f, after, db }) => {
      expect(after.item.state).toBe('dispatched');
      expect((await unitsOfItem(db.db, f.id)).lead).toBe('health');
    },
  },
  dispute_insist: {
    setup: 'disputed',
    value: (f) => ({ item: f.id, action: 'dispute_insist', dispute: f.dispute }),
    form: () => ({ note: '维持原交办' }),
    effect: ({ f, after, by }) => {
      expect(after.disputes.find((d) => d.id === f.dispute)).toMatchObject({ decision: 'insisted', decidedBy: by });
    },
  },
  dispute_reassign: {
    setup: 'disputed',
    value: (f) => ({ item: f.id, action: 'dispute_reassign', dispute: f.dispute }),
    form: () => ({ unit: 'education', note: '改由教育局牵头' }),
    effect: async ({ f, after, by, db }) => {
      expect(after.disputes.find((d) => d.id === f.dispute)).toMatchObject({ decision: 'reassigned', decidedBy: by });
      expect((await unitsOfItem(db.db, f.id)).lead).toBe('education');
      expect(after.item.state).toBe('dispatched');
    },
  },
  'open_form:verify': { setup: 'dispatched', reusable: true, value: openForm('verify'), effect: formPosted('verify') },
  'open_form:review': { setup: 'in_review', reusable: true, value: openForm('review'), effect: formPosted('review') },
  'open_form:publication': { setup: 'confirmed', reusable: true, value: openForm('publication'), effect: formPosted('publication') },
  'open_form:handover': { setup: 'dispatched', reusable: true, value: openForm('handover'), effect: formPosted('handover') },
  'open_form:instruction': { setup: 'dispatched', reusable: true, value: openForm('instruction'), effect: formPosted('instruction') },
};

const CASES = ACTIONS.flatMap((action) => ROLES.map((role) => ({ action, role, allowed: EXPECTED[action][role], verdict: EXPECTED[action][role] ? 'allowed' : 'refused' })));

/** "Not one's own draft": the lead unit's leader drafted it. */
const OWN_DRAFT_CASES = [
  { action: 'approve_draft', operator: 'ou_health_lead', allowed: false, who: 'the leader who drafted it' },
  { action: 'return_draft', operator: 'ou_health_lead', allowed: false, who: 'the leader who drafted it' },
  { action: 'open_form:review', operator: 'ou_health_lead', allowed: false, who: 'the leader who drafted it' },
  { action: 'approve_draft', operator: 'ou_health_deputy', allowed: true, who: 'another leader of the lead unit' },
] as const satisfies readonly { action: Action; operator: string; allowed: boolean; who: string }[];

describe('DESIGN.md §2b: who may do what, every role × card action', () => {
  const { db, harness, d } = useAppHarness({ at: AT });
  let registered = 0;
  /** Items whose refused clicks changed nothing, kept for the next role of the same action. */
  const shared = new Map<string, Fixture>();

  /** `/yq new` from the news office through the app's entry point; no need to wait for Lark to show the reply. */
  async function register(routed = true): Promise<Fixture> {
    registered += 1;
    const title = `权限矩阵测试第${registered}条 网友反映办事难`;
    const text = routed ? `/yq new ${title}\n部门: 卫健委, 教育局` : `/yq new ${title}`;
    await harness.app.handle(toInboundEvent(messageEvent({ text, sender: 'ou_news_staff', chatId: 'oc_news', messageId: `om_matrix_new_${registered}` })));
    const [row] = await db.db.select().from(items).where(eq(items.title, title));
    if (!row) throw new Error(`registration failed: ${text}`);
    const units = await unitsOfItem(db.db, row.id);
    expect(units).toEqual(routed ? { lead: 'health', cooperating: ['education'] } : { lead: undefined, cooperating: [] });
    expect(row.state).toBe(routed ? 'dispatched' : 'registered');
    return { id: row.id, ref: row.ref };
  }

  /** A click the setup relies on: it must succeed. */
  async function step(operator: string, value: Record<string, unknown>, chatId: string, formValue?: Record<string, unknown>): Promise<CardResponse> {
    const response = await d.click(operator, value, chatId, { formValue });
    if (response.toast?.type !== 'success' && response.toast?.type !== 'info') {
      throw new Error(`setup step ${String(value.action)} by ${operator} failed: ${JSON.stringify(response.toast)}`);
    }
    return response;
  }

  async function build(setup: Setup): Promise<Fixture> {
    switch (setup) {
      case 'dispatched':
        return register();
      case 'unrouted':
        return register(false);
      case 'disputed': {
        const f = await register();
        await step('ou_health_liaison', { item: f.id, action: 'dispute_submit' }, 'oc_health', { reason: '不属于本单位职责', suggested: 'education' });
        const [row] = await db.db.select().from(disputes).where(eq(disputes.itemId, f.id));
        return { ...f, dispute: row!.id };
      }
      case 'verified':
      case 'verified_rectify': {
        const f = await register();
        const rectify = setup === 'verified_rectify';
        await step('ou_health_liaison', { item: f.id, action: 'verify_submit' }, 'oc_health', {
          outcome: 'true',
          findings: '情况属实',
          rectification: rectify ? 'yes' : 'no',
          ...(rectify ? { measures: '限期整改', rectify_by: '2026-11-30 +0800' } : {}),
        });
        return f;
      }
      case 'in_review':
      case 'in_review_by_leader': {
        const f = await build('verified');
        const drafter = setup === 'in_review' ? 'ou_health_liaison' : 'ou_health_lead';
        await step(drafter, { item: f.id, action: 'draft_submit' }, 'oc_health', { text_1: '经核实，相关情况正在处理。' });
        return { ...f, draft: 1 };
      }
      case 'approved': {
        const f = await build('in_review');
        await step('ou_health_lead', { item: f.id, action: 'approve_draft', draft: f.draft }, 'oc_health', { comment: '同意' });
        return f;
      }
      case 'confirmed': {
        const f = await build('approved');
        await step('ou_edu_liaison', { item: f.id, action: 'confirm_wording', draft: f.draft, unit: 'education', agree: true }, 'oc_p2p_edu');
        return f;
      }
      case 'closed': {
        const f = await register();
        await step('ou_news_staff', { item: f.id, action: 'close' }, 'oc_news');
        return f;
      }
      case 'convened': {
        const f = await register();
        await step('ou_news_staff', { item: f.id, action: 'convene' }, 'oc_news');
        const [row] = await db.db.select().from(consultations).where(eq(consultations.itemId, f.id));
        return { ...f, consultation: row!.id };
      }
      case 'recorded': {
        const f = await build('convened');
        await step('ou_news_staff', { item: f.id, action: 'consultation_submit', consultation: f.consultation }, 'oc_news', {
          disposal: '牵头单位发布说明',
          wording: '经核实，相关情况已妥善处理。',
        });
        return f;
      }
    }
  }

  async function fixtureFor(key: string, setup: Setup, fresh: boolean): Promise<Fixture> {
    if (fresh) return build(setup);
    let f = shared.get(key);
    if (!f) {
      f = await build(setup);
      shared.set(key, f);
    }
    return f;
  }

  async function lastSecurityId(): Promise<number> {
    const [row] = await db.db.select({ id: securityEvents.id }).from(securityEvents).orderBy(desc(securityEvents.id)).limit(1);
    return row?.id ?? 0;
  }

  /** Clicks as `operator` and checks §2b's verdict: the effect when allowed; error, security event and no change when refused. */
  async function checkClick(key: string, spec: Spec, setup: Setup, operator: string, chatId: string, allowed: boolean) {
    const f = await fixtureFor(key, setup, allowed && !spec.reusable);
    // The copies a setup step left behind are redrawn after it, by the sender: not this click's doing.
    await cardsRedrawn(db.db);
    const before = await snapshotOf(db, f.id);
    const since = await lastSecurityId();
    const response = await d.click(operator, spec.value(f), chatId, spec.form ? { formValue: spec.form(f) } : {});
    const after = await snapshotOf(db, f.id);
    const security = await db.db.select().from(securityEvents).where(gt(securityEvents.id, since)).orderBy(asc(securityEvents.id));
    // A shared item that a refused click changed anyway is no longer a clean setup for the next role.
    if (!allowed && (after.item.version !== before.item.version || after.outboxRows !== before.outboxRows)) shared.delete(key);
    const toast = `${response.toast?.type}: ${response.toast?.content}`;
    if (allowed) {
      expect(['success', 'info'], toast).toContain(response.toast?.type);
      expect(security, toast).toEqual([]);
      await spec.effect({ f, before, after, by: operator, db });
    } else {
      expect(response.toast?.type, toast).toBe('error');
      expect(security.map((row) => ({ kind: row.kind, actor: row.actor })), toast).toEqual([{ kind: 'refused_action', actor: operator }]);
      expect(after.item.version).toBe(before.item.version);
      expect(after.item.state).toBe(before.item.state);
      expect(after).toEqual(before);
    }
  }

  it.each(CASES)('$action by $role ($verdict)', async ({ action, role, allowed }) => {
    const spec = SPECS[action];
    await checkClick(action, spec, spec.setup, PEOPLE[role].openId, PEOPLE[role].chatId, allowed);
  });

  it.each(OWN_DRAFT_CASES)('$action of a draft the lead unit leader wrote, by $who ($operator)', async ({ action, operator, allowed }) => {
    await checkClick('own-draft', SPECS[action], 'in_review_by_leader', operator, 'oc_health', allowed);
  });

  it('every action of the table is covered for every role', () => {
    expect(CASES).toHaveLength(ACTIONS.length * ROLES.length);
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });
});
