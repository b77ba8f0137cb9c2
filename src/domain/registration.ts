import type { ItemKind, Level } from './clocks.js';
import { normalizeUrl } from './links.js';
import { addDaysToDateKey, addLocalDays, fromLocal, isDateKey, localDateKey, localParts, parseDateKey } from './time.js';
import { truncate } from './text.js';
import { fold, KEY_LINE, parseYesNo } from './field-lines.js';

/**
 * The text registration command (R1): `/yq new <title>` then optional `字段: 值` lines, and the
 * label tables cards and forms share. Pure: `now` and the zone come from the caller. Every bad
 * field is reported at once, each message naming the field in Chinese and listing the choices, so
 * the news office fixes the message in one go.
 */

/** `label` (not `labelZh`) because cards and views already read `CATEGORIES[code].label`. */
interface Choice {
  label: string;
  aliases: readonly string[];
}

/** Notice §2: the five kinds that need a key response, plus general and rumour. */
export const CATEGORIES = {
  policy_misread: { label: '重大政策误解误读', aliases: ['政策误读', '误解误读', '政策误解', '误读', '政策'] },
  public_interest: { label: '涉及公众切身利益', aliases: ['公众切身利益', '切身利益', '公众利益', '涉及公众切身利益且产生较大影响'] },
  livelihood: { label: '民生领域冲击道德底线', aliases: ['民生', '道德底线', '民生道德底线', '涉及民生领域严重冲击社会道德底线'] },
  emergency: { label: '突发事件和自然灾害', aliases: ['突发事件', '突发', '自然灾害', '灾害', '突发事件/自然灾害'] },
  higher_demand: { label: '上级要求回应', aliases: ['上级要求', '上级', '上级政府要求'] },
  general: { label: '一般', aliases: ['普通'] },
  rumour: { label: '造谣传谣', aliases: ['谣言', '造谣', '传谣', 'rumor'] },
} as const satisfies Record<string, Choice>;
export type Category = keyof typeof CATEGORIES;

export const LEVEL_LABELS: Record<Level, string> = { general: '一般', major: '重大', critical: '特别重大' };
/** 较大 is deliberately absent: the county has three levels and 较大 sits between two of them. */
const LEVEL_CHOICES: Record<Level, Choice> = {
  general: { label: LEVEL_LABELS.general, aliases: ['普通'] },
  major: { label: LEVEL_LABELS.major, aliases: [] },
  critical: { label: LEVEL_LABELS.critical, aliases: ['特大'] },
};

export const KIND_LABELS: Record<ItemKind, string> = { opinion: '舆情', inquiry: '咨询投诉' };
const KIND_CHOICES: Record<ItemKind, Choice> = {
  opinion: { label: KIND_LABELS.opinion, aliases: ['政务舆情'] },
  inquiry: { label: KIND_LABELS.inquiry, aliases: ['咨询', '投诉', '举报', '询问', '网友询问'] },
};

/**
 * Where an item was found (notice §3.1). Apps are filed under the platform they belong to
 * (公众号/视频号 → 微信, 今日头条 → 门户网站, 贴吧 → 论坛); other video and social apps → 其他.
 */
export const SOURCES = {
  portal: { label: '门户网站', aliases: ['门户', '网站', '新闻网站', '新闻客户端', '今日头条', '头条', '百家号'] },
  forum: { label: '论坛', aliases: ['贴吧', '百度贴吧', 'bbs', '社区论坛'] },
  blog: { label: '博客', aliases: [] },
  weibo: { label: '微博', aliases: ['新浪微博'] },
  wechat: { label: '微信', aliases: ['公众号', '微信公众号', '视频号', '微信视频号', '朋友圈', '微信群'] },
  douyin: { label: '抖音', aliases: [] },
  news_comments: { label: '新闻跟帖', aliases: ['跟帖', '新闻评论', '评论区'] },
  press: { label: '报刊', aliases: ['报纸', '杂志', '报社'] },
  tv: { label: '广播电视', aliases: ['电视', '广播', '电视台', '电台'] },
  other: { label: '其他', aliases: ['其它', '快手', '小红书', 'b站', '哔哩哔哩', 'bilibili', '知乎'] },
} as const satisfies Record<string, Choice>;
export type Source = keyof typeof SOURCES;

function matchChoice<C extends string>(table: Record<C, Choice>, text: string): C | undefined {
  const wanted = fold(text);
  const codes = Object.keys(table) as C[];
  return codes.find((code) => [code, table[code].label, ...table[code].aliases].some((name) => fold(name) === wanted));
}

function choiceList(table: Record<string, Choice>): string {
  return Object.values(table)
    .map((choice) => choice.label)
    .join('、');
}

export const parseCategory = (text: string) => matchChoice<Category>(CATEGORIES, text);
export const parseLevel = (text: string) => matchChoice(LEVEL_CHOICES, text);
export const parseKind = (text: string) => matchChoice(KIND_CHOICES, text);
export const parseSource = (text: string) => matchChoice<Source>(SOURCES, text);

/** A source read off the link when none was typed; only hosts that can mean nothing else. */
function sourceOfUrl(url: string): Source | undefined {
  const host = new URL(url).hostname;
  if (/(^|\.)weibo\.(com|cn)$/.test(host)) return 'weibo';
  if (host === 'mp.weixin.qq.com') return 'wechat';
  if (/(^|\.)(douyin|iesdouyin)\.com$/.test(host)) return 'douyin';
  if (host === 'tieba.baidu.com') return 'forum';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Fields

export interface Spread {
  views?: number;
  reposts?: number;
  comments?: number;
  /** Kept rather than dropped: Weibo and Douyin show likes first, and they cost nothing to store. */
  likes?: number;
}

export interface RegistrationDraft {
  title: string;
  /** Normalised (see links.ts), ready for the duplicate check. */
  url?: string;
  source?: Source;
  category: Category;
  level: Level;
  kind: ItemKind;
  /** As typed, lead unit first; the caller resolves names and codes. Undefined: routing decides. */
  units?: string[];
  postedAt?: Date;
  discoveredAt: Date;
  summary?: string;
  spread?: Spread;
  /** 传播路径 */
  path?: string;
  /** 跟帖情况 */
  comments?: string;
  /** 网民观点 */
  views?: string;
  drill: boolean;
  /** Register even when the link duplicates an existing item. */
  force: boolean;
}

export type RegistrationFieldKey = keyof RegistrationDraft;

export interface RegistrationField {
  key: RegistrationFieldKey;
  labelZh: string;
  aliases: readonly string[];
  exampleZh: string;
  choicesZh?: readonly string[];
}

const labels = (table: Record<string, Choice>) => Object.values(table).map((choice) => choice.label);

/** In the order help text and the template show them. Aliases are compared case-insensitively. */
export const REGISTRATION_FIELDS: readonly RegistrationField[] = [
  { key: 'title', labelZh: '标题', aliases: ['title', '题目'], exampleZh: '某镇卫生院被指乱收费' },
  { key: 'url', labelZh: '链接', aliases: ['url', 'link', '网址', '原文链接'], exampleZh: 'https://weibo.com/1234567890/N5xYzAbCd' },
  { key: 'source', labelZh: '来源', aliases: ['source', '平台', '来源平台'], exampleZh: '微博', choicesZh: labels(SOURCES) },
  { key: 'category', labelZh: '类别', aliases: ['category', '分类'], exampleZh: '涉及公众切身利益', choicesZh: labels(CATEGORIES) },
  { key: 'level', labelZh: '级别', aliases: ['level', '等级'], exampleZh: '一般', choicesZh: labels(LEVEL_CHOICES) },
  { key: 'kind', labelZh: '类型', aliases: ['kind', 'type'], exampleZh: '舆情', choicesZh: labels(KIND_CHOICES) },
  { key: 'units', labelZh: '部门', aliases: ['dept', 'units', 'unit', '单位', '牵头', '牵头单位', '责任单位'], exampleZh: '县卫健委、青松镇' },
  { key: 'postedAt', labelZh: '发帖时间', aliases: ['posted', '发布时间', '原帖时间'], exampleZh: '昨天 21:40' },
  { key: 'discoveredAt', labelZh: '发现时间', aliases: ['found', 'discovered'], exampleZh: '30分钟前' },
  { key: 'summary', labelZh: '摘要', aliases: ['summary', '内容'], exampleZh: '网民发帖称某镇卫生院门诊收费高于公示标准，并附收费单照片。' },
  { key: 'spread', labelZh: '传播', aliases: ['spread', '传播情况'], exampleZh: '阅读1.2万 转发300 评论56' },
  { key: 'path', labelZh: '传播路径', aliases: ['path'], exampleZh: '微博首发，两个本地公众号转载' },
  { key: 'comments', labelZh: '跟帖', aliases: ['comments', '跟帖情况'], exampleZh: '跟帖约 50 条，多为质疑收费标准' },
  { key: 'views', labelZh: '网民观点', aliases: ['views', '观点'], exampleZh: '多数网民要求公开收费依据' },
  { key: 'drill', labelZh: '演练', aliases: ['drill'], exampleZh: '否' },
  { key: 'force', labelZh: '强制', aliases: ['force'], exampleZh: '否' },
];

const FIELD_BY_NAME = new Map(
  REGISTRATION_FIELDS.flatMap((field) => [field.key, field.labelZh, ...field.aliases].map((name) => [fold(name), field] as const)),
);
const LABEL_OF = new Map(REGISTRATION_FIELDS.map((field) => [field.key, field.labelZh]));
const label = (key: RegistrationFieldKey) => LABEL_OF.get(key) ?? key;

/** Free texts may run over several lines, until the next `key:` line. */
const MULTILINE = new Set<RegistrationFieldKey>(['summary', 'path', 'comments', 'views']);
const MAX_LENGTH: Partial<Record<RegistrationFieldKey, number>> = { title: 200, summary: 5000 };
const DEFAULT_MAX_LENGTH = 2000;

/** Copy, fill in and send: every field with an example value; an empty value counts as not given. */
export function registrationTemplateZh(): string {
  const [title, ...rest] = REGISTRATION_FIELDS;
  return [`/yq new ${title!.exampleZh}`, ...rest.map((field) => `${field.labelZh}: ${field.exampleZh}`)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Times

export type LocalTimeResult = { ok: true; at: Date } | { ok: false; messageZh: string };

/** A time a little ahead of `now` is the sender's clock running fast, taken as now. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const MINUTE_MS = 60_000;
const CLOCK = String.raw`(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?\s*(\d{1,2})\s*(?::|时|点)\s*(?:(\d{1,2})(?::(\d{1,2}))?\s*分?|(半))?`;
const FULL_DATE = new RegExp(String.raw`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s*|t)${CLOCK}$`);
const MONTH_DAY = new RegExp(String.raw`^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*${CLOCK}$`);
const DAY_WORD = new RegExp(String.raw`^(今天|昨天|前天)\s*${CLOCK}$`);
const CLOCK_ONLY = new RegExp(String.raw`^${CLOCK}$`);
const RELATIVE = /^(\d+|半)\s*个?\s*(分钟|分|小时|钟头|天)前$/;
const DATE_ONLY = /^(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?$|^(今天|昨天|前天)$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DAYS_BACK: Record<string, number> = { 今天: 0, 昨天: 1, 前天: 2 };

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** 'YYYY-MM-DD HH:MM' in the zone, for messages. */
function formatLocalTime(at: Date, tz: string): string {
  const p = localParts(at, tz);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  clock: (string | undefined)[];
}

/** Wall-clock fields to an instant, or what is impossible about them. */
function fromWall(wall: Wall, tz: string): Date | string {
  const [period, h, m, s, half] = wall.clock;
  let hour = Number(h);
  const minute = half ? 30 : Number(m ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59 || (period && hour > 12)) return '里的时刻不存在，时在 0–23、分在 0–59 之间';
  // 下午3点 = 15:00, 中午1点 = 13:00, 晚上12点 = the next midnight, 凌晨12点 = this midnight.
  if ((period === '下午' || period === '傍晚' || period === '晚上') && (hour < 12 || period === '晚上')) hour += 12;
  if (period === '中午' && hour < 11) hour += 12;
  if (period === '凌晨' && hour === 12) hour = 0;
  const key = `${String(wall.year).padStart(4, '0')}-${pad2(wall.month)}-${pad2(wall.day)}`;
  if (!isDateKey(key)) return '里的日期不存在';
  return fromLocal({ year: wall.year, month: wall.month, day: wall.day, hour, minute, second }, tz);
}

/** The instant, a reason it is impossible, or undefined when the form is not recognised at all. */
function readTime(text: string, now: Date, tz: string): Date | string | undefined {
  if (/^(刚才|刚刚|现在|now)$/.test(text)) return now;
  if (WITH_OFFSET.test(text.toUpperCase())) {
    const at = new Date(text.toUpperCase());
    return Number.isNaN(at.getTime()) ? '里的日期或时刻不存在' : at;
  }
  const today = localParts(now, tz);
  let match = RELATIVE.exec(text);
  if (match) {
    const [, amount = '', unit = ''] = match;
    if (amount === '半' && unit !== '小时' && unit !== '钟头') return undefined;
    const n = amount === '半' ? 0.5 : Number(amount);
    // Days go back on the calendar (same wall-clock time), not in 24-hour steps across a DST change.
    if (unit === '天') return addLocalDays(now, -n, tz);
    return new Date(now.getTime() - n * (unit.startsWith('分') ? 1 : 60) * MINUTE_MS);
  }
  if ((match = FULL_DATE.exec(text))) {
    const [, y, mo, d, ...clock] = match;
    return fromWall({ year: Number(y), month: Number(mo), day: Number(d), clock }, tz);
  }
  if ((match = MONTH_DAY.exec(text))) {
    const [, mo, d, ...clock] = match;
    return fromWall({ year: today.year, month: Number(mo), day: Number(d), clock }, tz);
  }
  if ((match = DAY_WORD.exec(text))) {
    const [, word = '', ...clock] = match;
    // Yesterday on the local calendar, not in UTC: at 00:30 in Shanghai UTC is still on the day before.
    const date = parseDateKey(addDaysToDateKey(localDateKey(now, tz), -(DAYS_BACK[word] ?? 0)));
    return fromWall({ ...date, clock }, tz);
  }
  if ((match = CLOCK_ONLY.exec(text))) return fromWall({ year: today.year, month: today.month, day: today.day, clock: match.slice(1) }, tz);
  return undefined;
}

const TIME_FORMS = '可以写：2026-11-27 09:30、11-27 09:30、09:30、昨天 14:00、3小时前、刚才';

/**
 * A time as the news office types it, in zone `tz`: `2026-11-27 09:30`, `2026/11/27 9:30`,
 * `2026年11月27日 9时30分`, `11-27 09:30` (this year), `09:30` (today), `今天 9:30`, `昨天 14:00`,
 * `前天 8:00`, `下午3点`, `3小时前`, `30分钟前`, `2天前`, `刚才`. A time more than five minutes ahead
 * of `now` is refused (no guessing "yesterday" or "last year"); a little ahead is taken as `now`.
 * Messages start with the quoted text, so a caller can put the field's name in front.
 */
export function parseLocalTime(input: string, now: Date, tz: string): LocalTimeResult {
  const shown = `“${input.trim()}”`;
  const text = input.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  const at = readTime(text, now, tz);
  if (at === undefined) {
    const why = DATE_ONLY.test(text) ? '只有日期，请写上几点几分' : '不是能识别的时间';
    return { ok: false, messageZh: `${shown}${why}，${TIME_FORMS}。` };
  }
  if (typeof at === 'string') return { ok: false, messageZh: `${shown}${at}。` };
  const ahead = at.getTime() - now.getTime();
  if (ahead > FUTURE_TOLERANCE_MS) {
    const when = `${formatLocalTime(at, tz)}，现在是 ${formatLocalTime(now, tz)}`;
    return { ok: false, messageZh: `${shown}是将来的时间（${when}）；如果是昨天或去年，请写明日期，例如“昨天 14:00”或“2025-12-31 23:00”。` };
  }
  return { ok: true, at: ahead > 0 ? now : at };
}

// ---------------------------------------------------------------------------------------------
// Spread

export type SpreadResult = { ok: true; spread: Spread } | { ok: false; messageZh: string };

const SPREAD_WORDS: Record<keyof Spread, string[]> = {
  views: ['阅读', '浏览', '播放', '观看', '点击', 'views', 'view', 'reads', 'plays'],
  reposts: ['转发', '转载', '分享', 'reposts', 'repost', 'shares', 'forwards'],
  comments: ['评论', '跟帖', '回复', '留言', 'comments', 'comment', 'replies'],
  likes: ['点赞', '赞', 'likes', 'like'],
};
const SPREAD_KEY = new Map(Object.entries(SPREAD_WORDS).flatMap(([key, words]) => words.map((w) => [w, key as keyof Spread])));
const WORDS = [...SPREAD_KEY.keys()].sort((a, b) => b.length - a.length).join('|');
const COUNT = String.raw`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(万|w|千|k|亿)?\+?`;
const WORD_FIRST = new RegExp(String.raw`(${WORDS})(?:量|数|次数)?\s*[:=]?\s*${COUNT}\s*(?:次|条|人次)?`, 'y');
const COUNT_FIRST = new RegExp(String.raw`${COUNT}\s*(?:次|条|人次)?\s*(${WORDS})(?:量|数)?`, 'y');
const SPREAD_SEPARATOR = /[\s,;、|/]+/y;
const UNIT: Record<string, number> = { 万: 10_000, w: 10_000, 千: 1000, k: 1000, 亿: 100_000_000 };

/** `1.2万` → 12000, `12,000` → 12000, `10万+` → 100000; a fraction only with a unit. */
function count(digits: string, fraction: string | undefined, unit: string | undefined): number | undefined {
  if (fraction !== undefined && !unit) return undefined;
  return Math.round(Number(`${digits.replace(/,/g, '')}.${fraction ?? '0'}`) * (unit ? (UNIT[unit] ?? 1) : 1));
}

/**
 * `阅读1.2万 转发300 评论56`, `1.2万阅读，300转发`, `views 12000 reposts 300 comments 56`,
 * `浏览 3000`, or `1.2万/300/56` (views/reposts/comments, in that order).
 */
export function parseSpread(input: string): SpreadResult {
  const text = input.normalize('NFKC').trim().toLowerCase();
  const fail = (why: string): SpreadResult => ({
    ok: false,
    messageZh: `“${input.trim()}”${why}，请写成“阅读1.2万 转发300 评论56”或“1.2万/300/56”（依次为阅读/转发/评论）。`,
  });
  const parts = text.split('/').map((part) => new RegExp(`^\\s*${COUNT}\\s*$`).exec(part));
  if (parts.length >= 2 && parts.length <= 3 && parts.every(Boolean)) {
    const numbers = parts.map((m) => count(m![1]!, m![2], m![3]));
    if (numbers.some((n) => n === undefined)) return fail('里有带小数的数字却没有“万”或“千”');
    const [views, reposts, comments] = numbers;
    return { ok: true, spread: { views, reposts, ...(comments === undefined ? {} : { comments }) } };
  }
  const spread: Spread = {};
  for (let at = 0; at < text.length; ) {
    SPREAD_SEPARATOR.lastIndex = at;
    if (SPREAD_SEPARATOR.exec(text)) at = SPREAD_SEPARATOR.lastIndex;
    if (at >= text.length) break;
    WORD_FIRST.lastIndex = at;
    COUNT_FIRST.lastIndex = at;
    const wordFirst = WORD_FIRST.exec(text);
    const match = wordFirst ?? COUNT_FIRST.exec(text);
    if (!match) return fail(at === 0 ? '看不懂' : `从“${text.slice(at, at + 10)}”起看不懂`);
    const [word, digits, fraction, unit] = wordFirst ? match.slice(1) : [match[4], ...match.slice(1, 4)];
    const key = SPREAD_KEY.get(word!)!;
    const n = count(digits!, fraction, unit);
    if (n === undefined) return fail(`里“${match[0]}”是小数却没有“万”或“千”`);
    if (spread[key] !== undefined) return fail(`里“${word}”写了两次`);
    spread[key] = n;
    at = (wordFirst ? WORD_FIRST : COUNT_FIRST).lastIndex;
  }
  return Object.keys(spread).length > 0 ? { ok: true, spread } : fail('是空的');
}

// ---------------------------------------------------------------------------------------------
// The command

export interface RegistrationProblem {
  /** A field key, or `unknown` (a key we do not know) or `line` (a line that belongs to no field). */
  field: string;
  labelZh: string;
  messageZh: string;
}

export type RegistrationResult =
  | { ok: true; draft: RegistrationDraft }
  | { ok: false; problems: RegistrationProblem[]; draft: Partial<RegistrationDraft> };

const BARE_LINK = /^\s*(https?:\/\/|www\.)\S+\s*$/i;

function keyOf(line: string): { name: string; field: RegistrationField | undefined; value: string } | undefined {
  const match = KEY_LINE.exec(line);
  if (!match || /^https?$/i.test(match[1]!)) return undefined; // `https://…` is a link, not a key
  return { name: match[1]!.trim(), field: FIELD_BY_NAME.get(fold(match[1]!)), value: match[2]! };
}

interface Entry {
  key: RegistrationFieldKey;
  lines: string[];
  /** 0-based line the entry starts on: problems are listed in the order of the message. */
  line: number;
}

type Located = RegistrationProblem & { line: number };

/** Splits the message into field entries; lines that fit nowhere become problems. */
function splitEntries(rest: string, problems: Located[]): Entry[] {
  const entries: Entry[] = [];
  const knownKeys = REGISTRATION_FIELDS.map((field) => field.labelZh).join('、');
  // Where continuation lines go: a field entry, `skip` (after an unknown key), or nowhere.
  let current: Entry | 'skip' | undefined;
  rest.split(/\r?\n/).forEach((line, index) => {
    const keyed = keyOf(line);
    if (index === 0 && !keyed?.field) {
      // The first line is the title unless it is a known `key:` line.
      if (line.trim() !== '') entries.push({ key: 'title', lines: [line], line: index });
      return;
    }
    if (keyed?.field) {
      current = { key: keyed.field.key, lines: [keyed.value], line: index };
      entries.push(current);
    } else if (current !== undefined && current !== 'skip' && MULTILINE.has(current.key)) {
      current.lines.push(line);
    } else if (current === 'skip' && !keyed) {
      return; // the rest of an unknown field, already reported
    } else if (keyed) {
      const messageZh = `不认识的字段“${keyed.name}”，可用的字段：${knownKeys}。`;
      problems.push({ field: 'unknown', labelZh: keyed.name, messageZh, line: index });
      current = 'skip';
    } else if (line.trim() === '') {
      return;
    } else if (BARE_LINK.test(line) && !entries.some((entry) => entry.key === 'url')) {
      entries.push({ key: 'url', lines: [line], line: index }); // a link pasted on its own line
      current = undefined;
    } else {
      const shown = truncate(line.trim(), 21).text;
      problems.push({
        field: 'line',
        labelZh: `第${index + 1}行`,
        messageZh: `第${index + 1}行“${shown}”不属于任何字段；每行写成“字段: 值”，例如“摘要: …”。可用的字段：${knownKeys}。`,
        line: index,
      });
    }
  });
  return entries;
}

export interface ParseRegistrationOptions {
  now: Date;
  tz: string;
}

/**
 * Parses everything after `/yq new`: the first line is the title, then `字段: 值` lines (Chinese or
 * English keys, either colon). Defaults: 舆情, 一般, category 一般, found now, not a drill, not forced.
 */
export function parseRegistration(rest: string, { now, tz }: ParseRegistrationOptions): RegistrationResult {
  const problems: Located[] = [];
  const draft: Partial<RegistrationDraft> = {
    category: 'general',
    level: 'general',
    kind: 'opinion',
    discoveredAt: now,
    drill: false,
    force: false,
  };
  const seen = new Set<RegistrationFieldKey>();
  for (const { key, lines, line } of splitEntries(rest, problems)) {
    const problem = (messageZh: string) => problems.push({ field: key, labelZh: label(key), messageZh: `${label(key)}${messageZh}`, line });
    if (seen.has(key)) {
      problem('写了两次，请只保留一个。');
      continue;
    }
    seen.add(key);
    const value = lines.map((line) => line.trimEnd()).join('\n').trim();
    if (value === '') continue; // a template line left empty: not given
    const max = MAX_LENGTH[key] ?? DEFAULT_MAX_LENGTH;
    const length = [...value].length;
    if (length > max) {
      problem(`太长（${length} 字），最多 ${max} 字${key === 'summary' ? '；全文可以放在链接里' : ''}。`);
      continue;
    }
    const choice = <C extends string>(table: Record<C, Choice>, assign: (code: C) => void, hint = '') => {
      const code = matchChoice(table, value);
      if (code) assign(code);
      else problem(`“${value}”不认识，可选：${choiceList(table)}${hint}。`);
    };
    const time = (assign: (at: Date) => void) => {
      const result = parseLocalTime(value, now, tz);
      if (result.ok) assign(result.at);
      else problem(result.messageZh);
    };
    const yesNo = (assign: (yes: boolean) => void) => {
      const yes = parseYesNo(value);
      if (yes !== undefined) assign(yes);
      else problem(`“${value}”不认识，可选：是、否。`);
    };
    switch (key) {
      case 'url': {
        const result = normalizeUrl(value);
        if (result.ok) draft.url = result.url;
        else problems.push({ field: key, labelZh: label(key), messageZh: result.messageZh, line }); // it names 链接 itself
        break;
      }
      case 'source':
        choice(SOURCES, (code) => (draft.source = code));
        break;
      case 'category':
        choice(CATEGORIES, (code) => (draft.category = code));
        break;
      case 'level':
        choice(LEVEL_CHOICES, (code) => (draft.level = code), value === '较大' ? '（本县只分这三级，请按情况选一般或重大）' : '');
        break;
      case 'kind':
        choice(KIND_CHOICES, (code) => (draft.kind = code));
        break;
      case 'units': {
        const units = [...new Set(value.split(/[\s,，、;；]+/).filter(Boolean))];
        if (units.length > 0) draft.units = units;
        break;
      }
      case 'postedAt':
        time((at) => (draft.postedAt = at));
        break;
      case 'discoveredAt':
        time((at) => (draft.discoveredAt = at));
        break;
      case 'spread': {
        const result = parseSpread(value);
        if (result.ok) draft.spread = result.spread;
        else problem(result.messageZh);
        break;
      }
      case 'drill':
        yesNo((yes) => (draft.drill = yes));
        break;
      case 'force':
        yesNo((yes) => (draft.force = yes));
        break;
      case 'title':
      case 'summary':
      case 'path':
      case 'comments':
      case 'views':
        draft[key] = value;
        break;
    }
  }
  const reported = (key: RegistrationFieldKey) => problems.some((problem) => problem.field === key);
  if (draft.title === undefined && !reported('title')) {
    problems.push({ field: 'title', labelZh: '标题', messageZh: '标题不能为空：第一行写标题，例如“/yq new 某镇卫生院被指乱收费”。', line: -1 });
  }
  if (draft.url && !draft.source && !reported('source')) {
    const source = sourceOfUrl(draft.url);
    if (source) draft.source = source;
  }
  const { postedAt, discoveredAt } = draft;
  if (postedAt && discoveredAt && discoveredAt < postedAt) {
    problems.push({
      field: 'discoveredAt',
      labelZh: '发现时间',
      messageZh: `发现时间（${formatLocalTime(discoveredAt, tz)}）早于发帖时间（${formatLocalTime(postedAt, tz)}），请检查。`,
      line: Infinity,
    });
  }
  const { title, category = 'general', level = 'general', kind = 'opinion', drill = false, force = false } = draft;
  if (problems.length > 0 || title === undefined || discoveredAt === undefined) {
    const ordered = problems.sort((a, b) => a.line - b.line).map(({ line: _line, ...problem }) => problem);
    return { ok: false, problems: ordered, draft };
  }
  return { ok: true, draft: { ...draft, title, category, level, kind, discoveredAt, drill, force } };
}
