import { addDaysToDateKey, atLocalClockTime, isDateKey, localDateKey, localParts, parseClockTime, type DateKey } from './time.js';
import type { Policy } from './policy.js';
import { truncate } from './text.js';
import { fold, KEY_LINE, parseYesNo } from './field-lines.js';

/**
 * 舆情风险评估 (R17, notice §3.2 分析研判): before a major policy or decision that touches people's
 * interests, the department assesses the opinion risks, fixes a risk level and prepares a response
 * plan and the wording. This file holds the pure rules: parsing the one-message registration, the
 * states and who may move them, when the release-date reminder is due, and keyword matching.
 * Pure: `now` and the zone come from the caller.
 */

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RISK_LEVEL_LABELS: Record<RiskLevel, string> = { low: '低', medium: '中', high: '高' };
const RISK_ALIASES: Record<RiskLevel, readonly string[]> = {
  low: ['低', '低风险', '较低', 'low', 'l'],
  medium: ['中', '中风险', '中等', '一般', 'medium', 'mid', 'm'],
  high: ['高', '高风险', '较高', 'high', 'h'],
};

export const ASSESSMENT_STATES = ['draft', 'awaiting_approval', 'ready'] as const;
export type AssessmentState = (typeof ASSESSMENT_STATES)[number];
export const ASSESSMENT_STATE_LABELS: Record<AssessmentState, string> = { draft: '待完善', awaiting_approval: '待负责人审批', ready: '已就绪' };

// ---------------------------------------------------------------------------------------------
// Fields

export interface AssessmentDraft {
  name: string;
  /** Local date `YYYY-MM-DD` the policy is to be released on. */
  releaseDate: DateKey;
  affectedGroups?: string;
  riskLevel: RiskLevel;
  risks?: string;
  plan?: string;
  wording?: string;
  keywords: string[];
  drill: boolean;
}

export type AssessmentFieldKey = keyof AssessmentDraft;

export interface AssessmentField {
  key: AssessmentFieldKey;
  labelZh: string;
  aliases: readonly string[];
  exampleZh: string;
}

/** In the order help text and the template show them. */
export const ASSESSMENT_FIELDS: readonly AssessmentField[] = [
  { key: 'name', labelZh: '名称', aliases: ['name', '政策', '政策名称', '决策', '事项', '标题'], exampleZh: '县城区停车收费标准调整' },
  { key: 'releaseDate', labelZh: '发布日期', aliases: ['release', 'date', '出台日期', '发布时间', '计划发布日期', '日期'], exampleZh: '2026-12-15' },
  { key: 'affectedGroups', labelZh: '影响群体', aliases: ['groups', '涉及群体', '影响人群', '群体'], exampleZh: '城区有车居民、沿街商户' },
  { key: 'riskLevel', labelZh: '风险等级', aliases: ['level', 'risk', '等级', '风险级别'], exampleZh: '高' },
  { key: 'risks', labelZh: '风险点', aliases: ['risks', '风险', '可能风险', '风险预判'], exampleZh: '收费上调可能被解读为“变相敛财”，商户担心客流下降' },
  { key: 'plan', labelZh: '应对预案', aliases: ['plan', '预案', '处置预案'], exampleZh: '发布当天由县发改局召开新闻发布会解读；开通咨询热线' },
  { key: 'wording', labelZh: '口径', aliases: ['wording', '回应口径', '统一口径', '答问口径'], exampleZh: '调整依据省定价目录，首小时免费，居民包月价格不变' },
  { key: 'keywords', labelZh: '关键词', aliases: ['keywords', 'keyword', '关键字'], exampleZh: '停车收费、停车费' },
  { key: 'drill', labelZh: '演练', aliases: ['drill'], exampleZh: '否' },
];

const MULTILINE = new Set<AssessmentFieldKey>(['affectedGroups', 'risks', 'plan', 'wording']);
const MAX_LENGTH: Partial<Record<AssessmentFieldKey, number>> = { name: 100, affectedGroups: 500, risks: 3000, plan: 3000, wording: 3000 };
export const KEYWORD_MIN = 2;
export const KEYWORD_MAX = 20;
export const KEYWORDS_MAX = 20;
/** How far ahead a release date may be: a typo like 2062 is caught, a real plan a year out is not. */
const MAX_DAYS_AHEAD = 400;

const FIELD_BY_NAME = new Map(ASSESSMENT_FIELDS.flatMap((field) => [field.key, field.labelZh, ...field.aliases].map((name) => [fold(name), field] as const)));
const LABEL_OF = new Map(ASSESSMENT_FIELDS.map((field) => [field.key, field.labelZh]));
const label = (key: AssessmentFieldKey) => LABEL_OF.get(key) ?? key;
const KNOWN_KEYS = ASSESSMENT_FIELDS.map((field) => field.labelZh).join('、');

export function parseRiskLevel(text: string): RiskLevel | undefined {
  const wanted = fold(text);
  return RISK_LEVELS.find((level) => RISK_ALIASES[level].some((alias) => fold(alias) === wanted));
}

/** Copy, fill in and send: every field with an example value. */
export function assessmentTemplateZh(command = '/yq assess'): string {
  const [name, ...rest] = ASSESSMENT_FIELDS;
  return [`${command} ${name!.exampleZh}`, ...rest.map((field) => `${field.labelZh}: ${field.exampleZh}`)].join('\n');
}

export type DateResult = { ok: true; date: DateKey } | { ok: false; messageZh: string };

const pad2 = (n: number) => String(n).padStart(2, '0');
const FULL = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$/;
const MONTH_DAY = /^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$/;
const DAY_WORDS: Record<string, number> = { 今天: 0, 明天: 1, 后天: 2 };

/**
 * A planned release date: `2026-12-15`, `2026/12/15`, `2026年12月15日`, `12-15` or `12月15日`
 * (this year, or next year once this year's has passed), `今天`, `明天`, `后天`. A date already
 * past is refused: the assessment is for a decision still to come. Messages start with the
 * quoted text, so the caller puts the field's name in front.
 */
export function parseReleaseDate(input: string, now: Date, tz: string): DateResult {
  const shown = `“${input.trim()}”`;
  const text = input.normalize('NFKC').trim().replace(/\s+/g, ' ');
  const today = localDateKey(now, tz);
  const forms = '可以写：2026-12-15、12月15日、明天';
  let key: string | undefined;
  let match: RegExpExecArray | null;
  if (text in DAY_WORDS) key = addDaysToDateKey(today, DAY_WORDS[text]!);
  else if ((match = FULL.exec(text))) key = `${match[1]}-${pad2(Number(match[2]))}-${pad2(Number(match[3]))}`;
  else if ((match = MONTH_DAY.exec(text))) {
    const year = localParts(now, tz).year;
    key = `${year}-${pad2(Number(match[1]))}-${pad2(Number(match[2]))}`;
    // Without a year, a date already past this year means next year's (Dec → Jan plans).
    if (isDateKey(key) && key < today) key = `${year + 1}-${pad2(Number(match[1]))}-${pad2(Number(match[2]))}`;
  } else return { ok: false, messageZh: `${shown}不是能识别的日期，${forms}。` };
  if (!isDateKey(key)) return { ok: false, messageZh: `${shown}这一天不存在，请检查月和日。` };
  if (key < today) return { ok: false, messageZh: `${shown}已经过去了（今天是 ${today}），风险评估应在政策出台前进行；请写计划发布的日期。` };
  if (key > addDaysToDateKey(today, MAX_DAYS_AHEAD)) return { ok: false, messageZh: `${shown}太远了（超过 ${MAX_DAYS_AHEAD} 天），请检查年份。` };
  return { ok: true, date: key };
}

export type KeywordsResult = { ok: true; keywords: string[] } | { ok: false; messageZh: string };

/** `停车收费、停车费, 停车` → distinct keywords; too short ones would link unrelated items. */
export function parseKeywords(input: string): KeywordsResult {
  const words = [...new Set(input.normalize('NFKC').split(/[\s,，、;；|/]+/).map((w) => w.trim()).filter(Boolean))];
  if (words.length === 0) return { ok: false, messageZh: '是空的，请写至少一个词，多个词用顿号分隔，例如“停车收费、停车费”。' };
  const short = words.filter((w) => [...w].length < KEYWORD_MIN);
  if (short.length > 0) return { ok: false, messageZh: `“${short.join('、')}”太短，每个词至少 ${KEYWORD_MIN} 个字，否则会关联到无关的舆情。` };
  const long = words.filter((w) => [...w].length > KEYWORD_MAX);
  if (long.length > 0) return { ok: false, messageZh: `“${long[0]}”太长，每个词最多 ${KEYWORD_MAX} 个字。` };
  if (words.length > KEYWORDS_MAX) return { ok: false, messageZh: `写了 ${words.length} 个词，最多 ${KEYWORDS_MAX} 个。` };
  return { ok: true, keywords: words };
}

export interface AssessmentProblem {
  /** A field key, `unknown` (a key we do not know) or `line` (a line that belongs to no field). */
  field: string;
  messageZh: string;
}

export type AssessmentParseResult =
  | { ok: true; draft: AssessmentDraft }
  | { ok: false; problems: AssessmentProblem[] };

/** A partial update: only the fields given (the name may not be given on update lines). */
export type AssessmentUpdateResult =
  | { ok: true; changes: Partial<AssessmentDraft> }
  | { ok: false; problems: AssessmentProblem[] };


interface Entry {
  key: AssessmentFieldKey;
  lines: string[];
  /** 0-based line the entry starts on: problems are listed in the order of the message. */
  line: number;
}

type Located = AssessmentProblem & { line: number };

function ordered(problems: Located[]): AssessmentProblem[] {
  return [...problems].sort((a, b) => a.line - b.line).map(({ field, messageZh }) => ({ field, messageZh }));
}

/**
 * Splits the text into field entries. With `firstLineIsName`, a first line that is not a known
 * `key:` line is the name (registration); otherwise every line must be a field (update).
 */
function splitEntries(text: string, firstLineIsName: boolean, problems: Located[]): Entry[] {
  const entries: Entry[] = [];
  let current: Entry | 'skip' | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const match = KEY_LINE.exec(line);
    const field = match ? FIELD_BY_NAME.get(fold(match[1]!)) : undefined;
    if (index === 0 && firstLineIsName && !field) {
      if (line.trim() !== '') entries.push({ key: 'name', lines: [line], line: index });
      return;
    }
    if (field) {
      current = { key: field.key, lines: [match![2]!], line: index };
      entries.push(current);
    } else if (current !== undefined && current !== 'skip' && MULTILINE.has(current.key)) {
      current.lines.push(line);
    } else if (current === 'skip' && !match) {
      return; // the rest of an unknown field, already reported
    } else if (match && !/^https?$/i.test(match[1]!)) {
      problems.push({ field: 'unknown', messageZh: `不认识的字段“${match[1]!.trim()}”，可用的字段：${KNOWN_KEYS}。`, line: index });
      current = 'skip';
    } else if (line.trim() !== '') {
      const shown = truncate(line.trim(), 21).text;
      problems.push({ field: 'line', messageZh: `第${index + 1}行“${shown}”不属于任何字段；每行写成“字段: 值”，例如“应对预案: …”。可用的字段：${KNOWN_KEYS}。`, line: index });
    }
  });
  return entries;
}

function readEntries(entries: Entry[], now: Date, tz: string, problems: Located[]): Partial<AssessmentDraft> {
  const draft: Partial<AssessmentDraft> = {};
  const seen = new Set<AssessmentFieldKey>();
  for (const { key, lines, line } of entries) {
    const problem = (messageZh: string) => problems.push({ field: key, messageZh: `${label(key)}${messageZh}`, line });
    if (seen.has(key)) {
      problem('写了两次，请只保留一个。');
      continue;
    }
    seen.add(key);
    const value = lines.map((line) => line.trimEnd()).join('\n').trim();
    if (value === '') continue; // a template line left empty: not given
    const max = MAX_LENGTH[key];
    const length = [...value].length;
    if (max !== undefined && length > max) {
      problem(`太长（${length} 字），最多 ${max} 字。`);
      continue;
    }
    switch (key) {
      case 'releaseDate': {
        const result = parseReleaseDate(value, now, tz);
        if (result.ok) draft.releaseDate = result.date;
        else problem(result.messageZh);
        break;
      }
      case 'riskLevel': {
        const level = parseRiskLevel(value);
        if (level) draft.riskLevel = level;
        else problem(`“${value}”不认识，可选：低、中、高。`);
        break;
      }
      case 'keywords': {
        const result = parseKeywords(value);
        if (result.ok) draft.keywords = result.keywords;
        else problem(result.messageZh);
        break;
      }
      case 'drill': {
        const yes = parseYesNo(value);
        if (yes !== undefined) draft.drill = yes;
        else problem(`“${value}”不认识，可选：是、否。`);
        break;
      }
      case 'name':
      case 'affectedGroups':
      case 'risks':
      case 'plan':
      case 'wording':
        draft[key] = value;
        break;
    }
  }
  return draft;
}

/**
 * Everything after `/yq assess`: the first line is the policy's name, then `字段: 值` lines.
 * 发布日期, 风险等级 and 关键词 are required (the date drives the reminder, the keywords the
 * linking); 风险点, 应对预案 and 口径 may follow later. Every problem is reported at once.
 */
export function parseAssessment(text: string, { now, tz }: { now: Date; tz: string }): AssessmentParseResult {
  const problems: Located[] = [];
  const draft = readEntries(splitEntries(text, true, problems), now, tz, problems);
  const reported = (key: AssessmentFieldKey) => problems.some((p) => p.field === key);
  const require = (key: AssessmentFieldKey, how: string) => {
    if (draft[key] === undefined && !reported(key)) problems.push({ field: key, messageZh: `缺少${label(key)}：${how}`, line: Infinity });
  };
  require('name', '第一行写政策或决策的名称，例如“/yq assess 县城区停车收费标准调整”。');
  require('releaseDate', '加一行“发布日期: 2026-12-15”。');
  require('riskLevel', '加一行“风险等级: 低”（可选：低、中、高）。');
  require('keywords', '加一行“关键词: 停车收费、停车费”，发布后登记的舆情含这些词会关联到本评估。');
  const { name, releaseDate, riskLevel, keywords } = draft;
  if (problems.length > 0 || !name || !releaseDate || !riskLevel || !keywords) return { ok: false, problems: ordered(problems) };
  return { ok: true, draft: { ...draft, name, releaseDate, riskLevel, keywords, drill: draft.drill ?? false } };
}

/** `/yq assess update <编号>` lines: only the fields given change; each line must be a field. */
export function parseAssessmentUpdate(text: string, { now, tz }: { now: Date; tz: string }): AssessmentUpdateResult {
  const problems: Located[] = [];
  const changes = readEntries(splitEntries(text, false, problems), now, tz, problems);
  if (problems.length === 0 && Object.keys(changes).length === 0) {
    problems.push({ line: 0, field: 'line', messageZh: `没有要修改的内容：在编号下面每行写一个“字段: 值”，例如“应对预案: …”。可用的字段：${KNOWN_KEYS}。` });
  }
  return problems.length > 0 ? { ok: false, problems: ordered(problems) } : { ok: true, changes };
}

// ---------------------------------------------------------------------------------------------
// States

/** What must be written before an assessment can be ready (notice §3.2: 风险 + 处置预案 + 口径). */
export function missingForReady(a: { risks?: string | null; plan?: string | null; wording?: string | null }): string[] {
  const missing: string[] = [];
  if (!a.risks?.trim()) missing.push('风险点');
  if (!a.plan?.trim()) missing.push('应对预案');
  if (!a.wording?.trim()) missing.push('口径');
  return missing;
}

export type AssessmentEvent = 'mark_ready' | 'request_approval' | 'approve' | 'return' | 'edit';

export type AssessmentTransition = { ok: true; to: AssessmentState } | { ok: false; messageZh: string };

/**
 * The state rules. Low and medium risk: the unit marks it ready once risks, plan and wording are
 * written. High risk: it can only become ready through the unit leader's approval (request →
 * approve); marking it ready directly is refused. Any edit goes back to draft, because an
 * approval or a "ready" covered the text as it was.
 */
export function assessmentTransition(
  state: AssessmentState,
  event: AssessmentEvent,
  facts: { riskLevel: RiskLevel; risks?: string | null; plan?: string | null; wording?: string | null },
): AssessmentTransition {
  const missing = missingForReady(facts);
  const incomplete = missing.length > 0 ? `还缺：${missing.join('、')}。请先用“/yq assess update <编号>”补充。` : undefined;
  switch (event) {
    case 'edit':
      return { ok: true, to: 'draft' };
    case 'mark_ready':
      if (state === 'ready') return { ok: false, messageZh: '这份评估已经是“已就绪”。' };
      if (state === 'awaiting_approval') return { ok: false, messageZh: '这份评估正在等待本单位负责人审批，审批通过后即为“已就绪”。' };
      if (facts.riskLevel === 'high') return { ok: false, messageZh: '高风险评估须经本单位负责人审批后才能标记就绪，请点“提请负责人审批”。' };
      if (incomplete) return { ok: false, messageZh: incomplete };
      return { ok: true, to: 'ready' };
    case 'request_approval':
      if (facts.riskLevel !== 'high') return { ok: false, messageZh: '中、低风险评估无需审批，补齐内容后直接标记就绪即可。' };
      if (state === 'awaiting_approval') return { ok: false, messageZh: '已经提请审批，正在等待本单位负责人审批。' };
      if (state === 'ready') return { ok: false, messageZh: '这份评估已经审批通过、已就绪。' };
      if (incomplete) return { ok: false, messageZh: incomplete };
      return { ok: true, to: 'awaiting_approval' };
    case 'approve':
    case 'return':
      if (state !== 'awaiting_approval') return { ok: false, messageZh: state === 'ready' ? '这份评估已经审批通过。' : '这份评估还没有提请审批。' };
      return { ok: true, to: event === 'approve' ? 'ready' : 'draft' };
  }
}

export type AssessmentPermission = { allowed: true } | { allowed: false; code: 'not_own_unit' | 'not_unit_leader'; messageZh: string };

/**
 * Who may act on an assessment (DESIGN.md §2b): its unit's people (liaisons, leaders, and the
 * news office's members for its own) edit it and mark it ready or ask for approval; only a
 * leader (负责人) of that unit approves or returns it. Everyone else may only read it.
 */
export function canActOnAssessment(
  memberships: readonly { unitCode: string; role: string }[],
  assessmentUnit: string,
  event: AssessmentEvent,
): AssessmentPermission {
  const mine = memberships.filter((m) => m.unitCode === assessmentUnit);
  if (event === 'approve' || event === 'return') {
    if (mine.some((m) => m.role === 'leader')) return { allowed: true };
    return { allowed: false, code: 'not_unit_leader', messageZh: '只有评估单位的负责人可以审批这份舆情风险评估。' };
  }
  if (mine.length > 0) return { allowed: true };
  return { allowed: false, code: 'not_own_unit', messageZh: '只有评估单位的联络人和负责人可以修改或提交这份舆情风险评估。' };
}

// ---------------------------------------------------------------------------------------------
// Reminder and linking

/**
 * When the "plan missing" reminder is due: `remind_days_before` days before the release date, at
 * the end of quiet hours (so nobody is woken at midnight), or at midnight when quiet hours are
 * off. Local date maths in the county's zone.
 */
export function assessmentReminderAt(releaseDate: DateKey, policy: Pick<Policy, 'assessments' | 'quiet_hours'>, tz: string): Date {
  const day = addDaysToDateKey(releaseDate, -policy.assessments.remind_days_before);
  const minutes = policy.quiet_hours.enabled ? parseClockTime(policy.quiet_hours.end) : 0;
  return atLocalClockTime(day, minutes, tz);
}

/** The reminder is due now: its time has come, the release has not passed, and plan or wording is missing. */
export function reminderDue(
  a: { releaseDate: DateKey; plan?: string | null; wording?: string | null; remindedFor?: string | null },
  policy: Pick<Policy, 'assessments' | 'quiet_hours'>,
  now: Date,
  tz: string,
): boolean {
  if (a.plan?.trim() && a.wording?.trim()) return false;
  if (a.remindedFor === a.releaseDate) return false;
  if (localDateKey(now, tz) > a.releaseDate) return false;
  return now.getTime() >= assessmentReminderAt(a.releaseDate, policy, tz).getTime();
}

/** Whether an item registered on local date `on` falls in the linking window after the release. */
export function inLinkWindow(releaseDate: DateKey, on: DateKey, linkDays: number): boolean {
  return on >= releaseDate && on <= addDaysToDateKey(releaseDate, linkDays);
}

/** The first keyword found in the text (NFKC, case-insensitive), or undefined. */
export function matchKeyword(keywords: readonly string[], text: string): string | undefined {
  const haystack = text.normalize('NFKC').toLowerCase();
  return keywords.find((keyword) => haystack.includes(keyword.normalize('NFKC').toLowerCase()));
}
