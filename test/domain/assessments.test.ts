import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_FIELDS,
  assessmentReminderAt,
  assessmentTemplateZh,
  assessmentTransition,
  canActOnAssessment,
  inLinkWindow,
  matchKeyword,
  missingForReady,
  parseAssessment,
  parseAssessmentUpdate,
  parseKeywords,
  parseReleaseDate,
  parseRiskLevel,
  reminderDue,
  type AssessmentEvent,
  type AssessmentState,
} from '../../src/domain/assessments.js';
import { defaultPolicy, policySchema } from '../../src/domain/policy.js';

const SH = 'Asia/Shanghai';
/** 2026-11-27 10:00 in Shanghai (a Friday). */
const NOW = new Date('2026-11-27T02:00:00Z');
/** 2026-11-27 00:30 in Shanghai, still 2026-11-26 in UTC. */
const JUST_AFTER_MIDNIGHT = new Date('2026-11-26T16:30:00Z');

function problemsOf(text: string): string[] {
  const result = parseAssessment(text, { now: NOW, tz: SH });
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((p) => p.messageZh);
}

describe('release dates', () => {
  it.each([
    ['2026-12-15', '2026-12-15'],
    ['2026/12/5', '2026-12-05'],
    ['2026年12月15日', '2026-12-15'],
    ['12月15日', '2026-12-15'],
    ['12-15', '2026-12-15'],
    // Without a year, a date already past this year is next year's.
    ['1月10日', '2027-01-10'],
    ['今天', '2026-11-27'],
    ['明天', '2026-11-28'],
    ['后天', '2026-11-29'],
  ])('%s → %s', (text, date) => {
    expect(parseReleaseDate(text, NOW, SH)).toEqual({ ok: true, date });
  });

  it('reads today on the local calendar, not in UTC', () => {
    expect(parseReleaseDate('今天', JUST_AFTER_MIDNIGHT, SH)).toEqual({ ok: true, date: '2026-11-27' });
    expect(parseReleaseDate('2026-11-27', JUST_AFTER_MIDNIGHT, SH).ok).toBe(true);
  });

  it.each([
    ['2026-11-26', '已经过去了（今天是 2026-11-27）'],
    ['2026-02-30', '这一天不存在'],
    ['2062-12-15', '太远了'],
    ['下个月', '不是能识别的日期'],
  ])('%s is refused: %s', (text, why) => {
    const result = parseReleaseDate(text, NOW, SH);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.messageZh).toContain(why);
  });
});

describe('keywords and risk levels', () => {
  it('splits on any separator and drops repeats', () => {
    expect(parseKeywords('停车收费、停车费, 停车收费；车位')).toEqual({ ok: true, keywords: ['停车收费', '停车费', '车位'] });
  });
  it('refuses one-character words, which would link unrelated items', () => {
    const result = parseKeywords('停车费、车');
    expect(!result.ok && result.messageZh).toContain('“车”太短');
  });
  it('refuses an empty list', () => {
    expect(parseKeywords(' 、 ').ok).toBe(false);
  });
  it.each([
    ['高', 'high'],
    ['高风险', 'high'],
    ['中', 'medium'],
    ['较低', 'low'],
    ['LOW', 'low'],
    ['极高', undefined],
  ])('%s → %s', (text, level) => {
    expect(parseRiskLevel(text)).toBe(level);
  });
  it('matches keywords case- and width-insensitively', () => {
    expect(matchKeyword(['ETC收费', '停车费'], '县城 etc收费 又涨了')).toBe('ETC收费');
    expect(matchKeyword(['停车费'], '城区停车費')).toBeUndefined();
    expect(matchKeyword(['停车费'], '城区停车费上涨')).toBe('停车费');
  });
});

describe('parseAssessment', () => {
  it('reads one message: name first, then fields, multi-line texts kept', () => {
    const result = parseAssessment(
      [
        '县城区停车收费标准调整',
        '发布日期: 2026-12-15',
        '影响群体：城区有车居民、沿街商户',
        '风险等级: 高',
        '风险点: 收费上调可能被解读为“变相敛财”',
        '商户担心客流下降',
        'plan: 发布当天召开新闻发布会',
        '口径: 首小时免费',
        '关键词: 停车收费、停车费',
      ].join('\n'),
      { now: NOW, tz: SH },
    );
    expect(result).toEqual({
      ok: true,
      draft: {
        name: '县城区停车收费标准调整',
        releaseDate: '2026-12-15',
        affectedGroups: '城区有车居民、沿街商户',
        riskLevel: 'high',
        risks: '收费上调可能被解读为“变相敛财”\n商户担心客流下降',
        plan: '发布当天召开新闻发布会',
        wording: '首小时免费',
        keywords: ['停车收费', '停车费'],
        drill: false,
      },
    });
  });

  it('names every bad or missing field at once', () => {
    const problems = problemsOf('县城区停车收费标准调整\n发布日期: 2026-13-40\n风险等级: 极高\n关键词: 停\n备注: 无\n随便一行');
    expect(problems).toEqual([
      expect.stringContaining('发布日期“2026-13-40”这一天不存在'),
      expect.stringContaining('风险等级“极高”不认识，可选：低、中、高'),
      expect.stringContaining('关键词“停”太短'),
      expect.stringContaining('不认识的字段“备注”'),
    ]);
    // A stray line after an unknown field belongs to it (already reported), so only four.
    expect(problemsOf('名称缺失的也行\n')).toEqual([
      expect.stringContaining('缺少发布日期'),
      expect.stringContaining('缺少风险等级'),
      expect.stringContaining('缺少关键词'),
    ]);
    expect(problemsOf('发布日期: 明天\n风险等级: 低\n关键词: 停车费')).toEqual([expect.stringContaining('缺少名称')]);
    expect(problemsOf('某政策\n发布日期: 明天\n发布日期: 后天\n风险等级: 低\n关键词: 停车费')).toEqual(['发布日期写了两次，请只保留一个。']);
    expect(problemsOf('某政策\n发布日期: 明天\n风险等级: 低\n关键词: 停车费\n这行不属于任何字段')).toEqual([expect.stringContaining('第5行“这行不属于任何字段”不属于任何字段')]);
  });

  it('the template parses (with a future date) and lists every field', () => {
    const template = assessmentTemplateZh('').replace(/^ /, '');
    for (const field of ASSESSMENT_FIELDS.slice(1)) expect(template).toContain(`${field.labelZh}: `);
    expect(parseAssessment(template, { now: NOW, tz: SH }).ok).toBe(true);
  });

  it('updates: only the fields given, every line a field', () => {
    expect(parseAssessmentUpdate('\n应对预案: 开通咨询热线\n口径: 首小时免费', { now: NOW, tz: SH })).toEqual({ ok: true, changes: { plan: '开通咨询热线', wording: '首小时免费' } });
    const bad = parseAssessmentUpdate('新的名称', { now: NOW, tz: SH });
    expect(bad.ok).toBe(false);
    expect(parseAssessmentUpdate('  ', { now: NOW, tz: SH }).ok).toBe(false);
  });
});

describe('states', () => {
  const complete = { risks: '风险', plan: '预案', wording: '口径' };
  const cases: [AssessmentState, AssessmentEvent, 'low' | 'medium' | 'high', Partial<typeof complete>, AssessmentState | string][] = [
    ['draft', 'mark_ready', 'low', complete, 'ready'],
    ['draft', 'mark_ready', 'medium', complete, 'ready'],
    ['draft', 'mark_ready', 'medium', { risks: '风险' }, '还缺：应对预案、口径'],
    // The judged rule: high risk never becomes ready without the leader's approval.
    ['draft', 'mark_ready', 'high', complete, '须经本单位负责人审批'],
    ['awaiting_approval', 'mark_ready', 'high', complete, '正在等待本单位负责人审批'],
    ['draft', 'request_approval', 'high', complete, 'awaiting_approval'],
    ['draft', 'request_approval', 'high', { plan: '预案' }, '还缺：风险点、口径'],
    ['draft', 'request_approval', 'low', complete, '无需审批'],
    ['awaiting_approval', 'approve', 'high', complete, 'ready'],
    ['awaiting_approval', 'return', 'high', complete, 'draft'],
    ['draft', 'approve', 'high', complete, '还没有提请审批'],
    ['ready', 'approve', 'high', complete, '已经审批通过'],
    ['ready', 'edit', 'high', complete, 'draft'],
    ['awaiting_approval', 'edit', 'high', complete, 'draft'],
  ];
  it.each(cases)('%s + %s (%s risk, texts %o) → %s', (state, event, riskLevel, texts, expected) => {
    const result = assessmentTransition(state, event, { riskLevel, ...texts });
    if (['draft', 'awaiting_approval', 'ready'].includes(expected)) expect(result).toEqual({ ok: true, to: expected });
    else expect(!result.ok && result.messageZh).toContain(expected);
  });

  it('missing parts are named in order', () => {
    expect(missingForReady({ risks: ' ', plan: null })).toEqual(['风险点', '应对预案', '口径']);
    expect(missingForReady({ risks: 'a', plan: 'b', wording: 'c' })).toEqual([]);
  });

  it('only the unit decides; only its leader approves', () => {
    const liaison = [{ unitCode: 'health', role: 'liaison' }];
    const leader = [{ unitCode: 'health', role: 'leader' }];
    const otherLeader = [{ unitCode: 'education', role: 'leader' }];
    expect(canActOnAssessment(liaison, 'health', 'request_approval')).toEqual({ allowed: true });
    expect(canActOnAssessment(liaison, 'health', 'approve')).toMatchObject({ allowed: false, code: 'not_unit_leader' });
    expect(canActOnAssessment(leader, 'health', 'approve')).toEqual({ allowed: true });
    expect(canActOnAssessment(leader, 'health', 'return')).toEqual({ allowed: true });
    expect(canActOnAssessment(otherLeader, 'health', 'approve')).toMatchObject({ allowed: false, code: 'not_unit_leader' });
    expect(canActOnAssessment(otherLeader, 'health', 'edit')).toMatchObject({ allowed: false, code: 'not_own_unit' });
    expect(canActOnAssessment([], 'health', 'mark_ready')).toMatchObject({ allowed: false });
  });
});

describe('reminder and linking window', () => {
  it('is due N days before the release, at the end of quiet hours, local time', () => {
    // 2026-12-01 − 3 days = 11-28, 07:30 in Shanghai = 11-27 23:30 UTC.
    expect(assessmentReminderAt('2026-12-01', defaultPolicy, SH).toISOString()).toBe('2026-11-27T23:30:00.000Z');
    const noQuiet = policySchema.parse({ quiet_hours: { enabled: false }, assessments: { remind_days_before: 5 } });
    expect(assessmentReminderAt('2026-12-01', noQuiet, SH).toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(assessmentReminderAt('2026-12-01', defaultPolicy, 'UTC').toISOString()).toBe('2026-11-28T07:30:00.000Z');
  });

  it('reminds once, only while the plan or the wording is missing, never after the release day', () => {
    const a = { releaseDate: '2026-12-01', plan: null, wording: '口径' };
    const before = new Date('2026-11-27T23:29:00Z');
    const at = new Date('2026-11-27T23:30:00Z');
    expect(reminderDue(a, defaultPolicy, before, SH)).toBe(false);
    expect(reminderDue(a, defaultPolicy, at, SH)).toBe(true);
    expect(reminderDue({ ...a, remindedFor: '2026-12-01' }, defaultPolicy, at, SH)).toBe(false);
    // The date moved: reminded for the old date only.
    expect(reminderDue({ ...a, remindedFor: '2026-11-20' }, defaultPolicy, at, SH)).toBe(true);
    expect(reminderDue({ ...a, plan: '预案' }, defaultPolicy, at, SH)).toBe(false);
    expect(reminderDue(a, defaultPolicy, new Date('2026-12-01T15:59:00Z'), SH)).toBe(true); // 23:59 on the day
    expect(reminderDue(a, defaultPolicy, new Date('2026-12-01T16:00:00Z'), SH)).toBe(false); // the day after
  });

  it('links from the release day through link_days after it', () => {
    expect(inLinkWindow('2026-12-01', '2026-11-30', 14)).toBe(false);
    expect(inLinkWindow('2026-12-01', '2026-12-01', 14)).toBe(true);
    expect(inLinkWindow('2026-12-01', '2026-12-15', 14)).toBe(true);
    expect(inLinkWindow('2026-12-01', '2026-12-16', 14)).toBe(false);
    expect(inLinkWindow('2026-12-25', '2027-01-08', 14)).toBe(true); // across the year
  });
});
