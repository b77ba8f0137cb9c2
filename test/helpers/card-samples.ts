/**
 * Every card builder in cards/ and cards/forms/ with realistic views, for rendering in real
 * Chromium (cards-render.e2e.ts). The views follow test/sandbox/cards-render.test.ts, which renders
 * the same builders against a DOM stand-in; `exportedCardBuilders` lets the e2e test notice a new
 * builder that is missing here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { botAddedCard } from '../../cards/bot-added.js';
import { digestCard } from '../../cards/digest.js';
import { leadCard, leadRegisterFormCard, leadRejectFormCard } from '../../cards/lead.js';
import { assessmentCard, assessmentFormCard, type AssessmentCardView } from '../../cards/assessment.js';
import { specialReportCard } from '../../cards/special-report.js';
import { consultationDossierCard, consultationRecordCard } from '../../cards/forms/consultation.js';
import { formCard, md } from '../../cards/forms/common.js';
import { cosignCard } from '../../cards/forms/cosign.js';
import { disposalApprovalCard } from '../../cards/forms/disposal-approval.js';
import { disputeDecisionCard } from '../../cards/forms/dispute-decision.js';
import { disputeFormCard } from '../../cards/forms/dispute.js';
import { draftFormCard } from '../../cards/forms/draft.js';
import { handoverDossierCard } from '../../cards/forms/handover-dossier.js';
import { handoverFormCard } from '../../cards/forms/handover.js';
import { instructionFormCard } from '../../cards/forms/instruction.js';
import { mediaContactFormCard } from '../../cards/forms/media-contact.js';
import { channelOptions, publicationFormCard } from '../../cards/forms/publication.js';
import { receiptCard } from '../../cards/forms/receipt.js';
import { rectificationFormCard } from '../../cards/forms/rectification.js';
import { reviewCard } from '../../cards/forms/review.js';
import { verifyFormCard } from '../../cards/forms/verify.js';
import { itemCard, type ItemCardView } from '../../cards/item.js';
import { noticeCard } from '../../cards/notice.js';
import { registerFormCard } from '../../cards/register-form.js';
import { shapeReport, type ReportAggregates } from '../../src/domain/report.js';

export const BASE = { itemId: 4242, ref: 'YQ-20261127-007', title: '某小区停水三天无人管' };
/** User text that would inject markup, mention everyone or format if anything were not escaped. */
export const EVIL = '<script>alert(1)</script> <at id=all></at> **粗体** [链接](https://evil.example)\n# 标题';
export const UNITS = [
  { code: 'water', name: '县水务局' },
  { code: 'town1', name: '城关镇' },
  { code: 'health', name: '县卫健委' },
];
const TIMELINE = Array.from({ length: 7 }, (_, i) => ({ at: `11月27日 09:3${i}`, actor: '县新闻办 林小梅', text: `第 ${i + 1} 步` }));

/** An item card's view with every part filled in (a drill, major, with clocks in each state). */
export function itemView(overrides: Partial<ItemCardView> = {}): ItemCardView {
  return {
    ref: 'YQ-20261127-001',
    title: '网传某镇卫生院夜间无人值守',
    url: 'https://weibo.com/1234/abcd',
    sourceLabel: '微博',
    categoryLabel: '涉及公众切身利益',
    level: 'major',
    levelLabel: '重大',
    kindLabel: '舆情',
    stateLabel: '已交办',
    drill: true,
    summary: '网友发帖称某镇卫生院夜间无人值守。\n急诊病人无法就医。',
    postedAt: '11月26日 22:10',
    discoveredAt: '11月27日 09:30',
    spread: '阅读1.2万 · 转发300 · 评论56',
    leadUnit: '县卫健委',
    cooperatingUnits: ['城关镇'],
    routingNote: '关键词命中：卫生院',
    clocks: [
      { label: '认领', due: '11月27日 10:30', status: 'running', detail: '还剩 40分' },
      { label: '核实', due: '11月27日 21:30', status: 'due_soon', detail: '还剩 1小时' },
      { label: '回应', due: '11月29日 09:30', status: 'overdue', detail: '已超时 2小时' },
      { label: '整改', due: '12月1日', status: 'met_late', detail: '已完成，超时 1小时' },
    ],
    nextStep: '等待县卫健委认领',
    mention: ['ou_demo_health_liaison'],
    timeline: TIMELINE,
    actions: [
      { label: '认领', value: { action: 'acknowledge', ref: 'YQ-20261127-001', v: 3 }, style: 'primary' },
      { label: '申请改派', value: { action: 'dispute', ref: 'YQ-20261127-001', v: 3 }, style: 'danger', confirm: '将提交县新闻办裁定' },
      { label: '查看详情', value: { action: 'show', ref: 'YQ-20261127-001' } },
    ],
    unitChoices: UNITS,
    footnote: '工作日历数据已用完，仅按周末计算',
    version: 3,
    ...overrides,
  };
}

/** A week of the demo county, as the report query would sum it up (follows test/cards/digest.test.ts). */
function weekly(overrides: Partial<ReportAggregates> = {}): ReportAggregates {
  return {
    kind: 'weekly',
    periodLabel: '2026年11月23日—11月29日',
    previousLabel: '2026年11月16日—11月22日',
    scope: { kind: 'county' },
    total: 40,
    previousTotal: 30,
    byCategory: { public_interest: 20, general: 15, rumour: 5 },
    bySource: { weibo: 25, wechat: 15 },
    byLevel: { general: 38, major: 2 },
    byKind: { opinion: 30, inquiry: 10 },
    byUnit: [
      { code: 'health', name: '县卫健委', count: 25 },
      { code: 'edu', name: '县教育局', count: 15 },
    ],
    stateAtEnd: { closed: 30, responded: 10 },
    clocks: [{ kind: 'ack', total: 40, metOnTime: 36, metLate: 2, missedOpen: 2, extended: 1 }],
    ledger: [
      { unitCode: 'health', unitName: '县卫健委', items: 25, clocksTotal: 25, clocksOnTime: 22, medianAckMinutes: 45, medianVerifyMinutes: 130, medianRespondMinutes: 1620, overdue: 2, extensions: 1, disputes: 0, leads: 1 },
    ],
    overdueItems: [
      { itemId: 7, ref: 'YQ-20261124-002', title: EVIL, unitName: '县水务局', clock: 'respond', overdueMinutes: 130 },
      { itemId: 9, ref: 'YQ-20261125-004', title: '网传学校食堂问题', unitName: '县教育局', clock: 'verify', overdueMinutes: 1620 },
    ],
    overdueTotal: 2,
    notable: [{ itemId: 4, ref: 'YQ-20261123-002', title: '某路段塌陷', level: 'major', reasons: ['major', 'consulted'] }],
    notableTotal: 1,
    trend: [
      { label: '11月9日—15日', total: 20 },
      { label: '11月16日—22日', total: 30 },
      { label: '11月23日—29日', total: 40 },
    ],
    ...overrides,
  };
}

type Card = Record<string, unknown>;

/** Builder export name → variant → card JSON. */
function assessmentSample(overrides: Partial<AssessmentCardView>): AssessmentCardView {
  return {
    id: 3,
    name: EVIL,
    unit: '县卫健委',
    registered: '县卫健委 刘芳（11月27日 10:00 登记）',
    releaseDate: '12月15日（周二）',
    affectedGroups: '城区有车居民、沿街商户',
    riskLevel: 'high',
    state: 'draft',
    risks: EVIL,
    plan: '发布当天召开新闻发布会解读',
    wording: '调整依据省定价目录，首小时免费',
    keywords: ['停车收费', '停车费'],
    drill: false,
    missing: [],
    links: [],
    withActions: true,
    version: 2,
    ...overrides,
  };
}

export const CARD_SAMPLES: Record<string, Record<string, () => Card>> = {
  itemCard: {
    full: () => itemCard(itemView()),
    minimal: () =>
      itemCard({
        ref: 'YQ-20261127-002',
        title: '咨询',
        categoryLabel: '一般',
        level: 'general',
        levelLabel: '一般',
        kindLabel: '咨询投诉',
        stateLabel: '已登记',
        drill: false,
        discoveredAt: '11月27日 09:30',
        cooperatingUnits: [],
        clocks: [],
        timeline: [],
        actions: [],
        version: 1,
      }),
    hostile: () => itemCard(itemView({ title: EVIL, summary: EVIL, leadUnit: EVIL, timeline: [{ at: EVIL, actor: EVIL, text: EVIL }] })),
  },
  specialReportCard: {
    full: () =>
      specialReportCard({
        ref: 'YQ-20261127-001',
        title: '网传县医院发生医疗事故 <at id=all></at>',
        levelLabel: '特别重大',
        categoryLabel: '造谣传谣',
        sourceLabel: '微博',
        url: 'https://weibo.com/123/abc',
        discoveredAt: '11月27日 10:00',
        spread: '阅读1.2万 · 转发300',
        leadUnit: '县卫健委',
        stateLabel: '跟踪中',
        summary: '有网友发帖称……'.repeat(100),
        propagationPath: '微博→微信群',
        commentSituation: '跟帖 300 条',
        netizenViews: '多数质疑',
        verification: { outcomeLabel: '不属实', findings: '经核实，网传信息不实。', measures: '公安已介入' },
        wording: { version: 2, text: '经核实，网传信息不实，县医院运行正常。' },
        publications: ['新闻发布会 11月27日 15:00'],
        clocks: [{ label: '回应', due: '11月28日 10:00', detail: '已于 11月27日 15:00 完成' }],
        timeline: [{ at: '11月27日 10:00', actor: '林小梅', text: '登记舆情' }],
        preparedBy: '林小梅',
        preparedAt: '11月27日 16:00',
      }),
    empty: () =>
      specialReportCard({ ref: 'YQ-20261127-002', title: '尚无进展', levelLabel: '重大', categoryLabel: '一般', discoveredAt: '11月27日 10:00', stateLabel: '已交办', publications: [], clocks: [], timeline: [], preparedBy: '林小梅', preparedAt: '11月27日 10:05' }),
  },
  leadCard: {
    open: () =>
      leadCard({
        id: 12,
        title: EVIL,
        channel: 'intake',
        reporter: '监测系统 yuqing-monitor',
        reportedAt: '11月27日 10:00',
        url: 'https://m.weibo.cn/status/4900000000000777',
        facts: [['来源', '微博'], ['倾向', '负面'], ['关键词', EVIL]],
        summary: EVIL,
        pushes: 2,
        lastPushedAt: '11月27日 10:30',
        status: 'open',
        note: '2小时内无人处理将提醒县新闻办负责人',
        version: 2,
      }),
    rejected: () => leadCard({ id: 13, title: '某事', channel: 'tip', reporter: '县卫健委 刘芳', reportedAt: '11月27日 10:00', facts: [], pushes: 1, status: 'rejected', outcome: `不予登记（林小梅）：${EVIL}`, version: 3 }),
  },
  assessmentCard: {
    awaiting: () => assessmentCard(assessmentSample({ state: 'awaiting_approval', note: '刘芳 已提请审批，等待县卫健委负责人审批' })),
    draft: () => assessmentCard(assessmentSample({ riskLevel: 'low', plan: undefined, missing: ['应对预案'], hint: '发布前仍缺应对预案或口径的，将于 12月12日 07:30 提醒本单位' })),
    linked: () =>
      assessmentCard(assessmentSample({ state: 'ready', withActions: false, note: '已于 11月27日 10:30 由 杨主任 审批通过', links: [{ ref: 'YQ-20261216-001', title: EVIL, keyword: '停车费', at: '12月16日 10:00' }] })),
  },
  assessmentFormCard: {
    empty: () => assessmentFormCard({ unit: '县卫健委' }),
  },
  leadRejectFormCard: {
    empty: () => leadRejectFormCard({ leadId: 12, title: EVIL, reporter: '县卫健委 刘芳', error: '请填写：不予登记的理由' }),
  },
  leadRegisterFormCard: {
    prefilled: () =>
      leadRegisterFormCard(
        { units: UNITS, categories: [{ code: 'general', label: '一般' }], sources: [{ code: 'weibo', label: '微博' }], defaults: { title: EVIL, source: 'weibo', found: '2026-11-27 10:00' } },
        { id: 12, reporter: '青松镇 赵敏' },
      ),
  },
  digestCard: {
    weekly: () => digestCard(shapeReport(weekly()), { exportHint: '发送“/舆情 导出 本周”获取完整表格' }),
    quiet: () => digestCard(shapeReport(weekly({ total: 0, byCategory: {}, byUnit: [], trend: [], overdueItems: [], overdueTotal: 0, notable: [], notableTotal: 0 })), { exportHint: '' }),
  },
  noticeCard: {
    plain: () => noticeCard({ title: '今日舆情日志', lines: ['**新登记** 3 件', "<font color='red'>超时 1 件</font>", '<at id=ou_demo_news_staff1></at>'], colour: 'orange' }),
  },
  botAddedCard: {
    some: () => botAddedCard({ unboundUnits: UNITS }),
    none: () => botAddedCard({ unboundUnits: [] }),
  },
  registerFormCard: {
    empty: () => registerFormCard({ units: UNITS, categories: [{ code: 'general', label: '一般' }], sources: [{ code: 'weibo', label: '微博' }] }),
    refused: () =>
      registerFormCard({
        units: UNITS,
        categories: [{ code: 'general', label: '一般' }],
        sources: [{ code: 'weibo', label: '微博' }],
        defaults: { title: EVIL, cooperating: 'town1,nope', posted: '昨天', level: 'major' },
        error: '标题不能为空\n链接重复',
      }),
  },
  formCard: {
    shell: () =>
      formCard({
        view: { ...BASE, error: EVIL },
        heading: '测试表单',
        colour: 'grey',
        top: [md('顶部')],
        info: [md('说明')],
        form: { name: 'shell', elements: [{ tag: 'button', name: 'shell_submit', text: { tag: 'plain_text', content: '提交' }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { action: 'x' } }] }], notes: ['注意'] },
      }),
  },
  consultationDossierCard: {
    full: () =>
      consultationDossierCard({
        ...BASE,
        summary: '网友反映某小区停水三天。',
        url: 'https://example.gov.cn/a',
        leadUnit: '县水务局',
        clocks: [{ label: '回应', due: '11月28日 09:30', detail: '还剩 20 小时' }],
        timeline: TIMELINE,
        members: ['县委宣传部', '县政府办', '县水务局'],
      }),
  },
  consultationRecordCard: {
    prefilled: () =>
      consultationRecordCard({ ...BASE, consultationId: 5, assignableUnits: UNITS, defaults: { nature: '误解误读', disposal: '统一发布', wording: EVIL, assign: ['water'] } }),
  },
  cosignCard: {
    full: () => cosignCard({ ...BASE, unit: '县教育局', unitCode: 'edu', draftVersion: 2, text: '关于某小区停水的情况说明……\n第二段。', defaults: { comment: '' } }),
  },
  disposalApprovalCard: {
    full: () => disposalApprovalCard({ ...BASE, consultationId: 5, disposal: '由县水务局牵头抢修', wording: '正在抢修', nature: '民生', risks: '聚集' }),
  },
  disputeDecisionCard: {
    suggested: () => disputeDecisionCard({ ...BASE, fromUnit: '县卫健委', reason: '不属于本单位职责', suggested: UNITS[0], units: UNITS, disputeId: 9 }),
  },
  disputeFormCard: {
    empty: () => disputeFormCard({ ...BASE, units: UNITS }),
    refused: () => disputeFormCard({ ...BASE, units: UNITS, defaults: { reason: EVIL, suggested: 'nope' }, error: '请填写改派理由' }),
  },
  draftFormCard: {
    first: () => draftFormCard({ ...BASE }),
    returned: () => draftFormCard({ ...BASE, parts: ['第一段', '第二段'], version: 2, returnComment: '请补充时间节点\n并核对数字', defaults: { note: '补充了时间' } }),
  },
  handoverDossierCard: {
    full: () =>
      handoverDossierCard({ ...BASE, handoverId: 3, url: 'https://weibo.com/x', spread: '阅读1万', findings: '不属实', evidence: '截图三张', timeline: TIMELINE, from: '县新闻办（网信办）' }),
  },
  handoverFormCard: {
    all: () => handoverFormCard({ ...BASE, targets: [{ code: 'police', name: '县公安局' }, { code: 'cyber', name: '县网信办' }] }),
  },
  instructionFormCard: {
    empty: () => instructionFormCard({ ...BASE }),
  },
  mediaContactFormCard: {
    now: () => mediaContactFormCard({ ...BASE, defaults: { contacted_at: '2026-11-27 10:00' } }),
  },
  publicationFormCard: {
    approved: () =>
      publicationFormCard({ ...BASE, approvedVersions: [{ version: 2, label: '第2版（11月27日 10:05 通过）' }], channels: channelOptions(), allowOverride: false, defaultTime: '2026-11-27 10:30' }),
    override: () => publicationFormCard({ ...BASE, approvedVersions: [], channels: channelOptions(), allowOverride: true }),
  },
  receiptCard: {
    lines: () => receiptCard({ title: '已提交核实', lines: ['核实结论：属实', EVIL], ref: BASE.ref }),
    empty: () => receiptCard({ title: '', lines: [], ref: BASE.ref, colour: 'grey' }),
  },
  rectificationFormCard: {
    empty: () => rectificationFormCard({ ...BASE }),
  },
  reviewCard: {
    diff: () => reviewCard({ ...BASE, draftVersion: 2, text: '回应稿正文', diff: { added: ['新句'], removed: ['旧句'] }, drafter: '刘芳', submittedAt: '11月27日 10:00' }),
  },
  verifyFormCard: {
    prefilled: () => verifyFormCard({ ...BASE, defaults: { outcome: 'partly', findings: '部分属实', rectification: 'yes', rectify_by: '2026-11-30' } }),
  },
};

/** Names of the functions ending in `Card` that cards/ and cards/forms/ export. */
export async function exportedCardBuilders(): Promise<string[]> {
  const root = fileURLToPath(new URL('../../cards/', import.meta.url));
  const files = [
    ...readdirSync(root).filter((f) => f.endsWith('.ts')).map((f) => join(root, f)),
    ...readdirSync(join(root, 'forms')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'forms', f)),
  ];
  const names: string[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (typeof value === 'function' && /Card$/u.test(name)) names.push(name);
  }
  return names;
}
