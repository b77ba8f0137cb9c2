import { describe, expect, it } from 'vitest';
import { ITEM_KINDS, LEVELS } from '../../src/domain/clocks.js';
import {
  CATEGORIES,
  KIND_LABELS,
  LEVEL_LABELS,
  REGISTRATION_FIELDS,
  SOURCES,
  parseCategory,
  parseKind,
  parseLevel,
  parseLocalTime,
  parseRegistration,
  parseSource,
  parseSpread,
  registrationTemplateZh,
  type RegistrationDraft,
} from '../../src/domain/registration.js';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const d = (iso: string) => new Date(iso);
/** 2026-11-27 10:00 in Shanghai. */
const NOW = d('2026-11-27T02:00:00Z');
/** 2026-11-27 00:30 in Shanghai, still 2026-11-26 in UTC. */
const JUST_AFTER_MIDNIGHT = d('2026-11-26T16:30:00Z');

const DEFAULTS = { category: 'general', level: 'general', kind: 'opinion', discoveredAt: NOW, drill: false, force: false } as const;

function draftOf(rest: string, now = NOW): RegistrationDraft {
  const result = parseRegistration(rest, { now, tz: SH });
  if (!result.ok) throw new Error(result.problems.map((p) => p.messageZh).join('\n'));
  return result.draft;
}

function problemsOf(rest: string) {
  const result = parseRegistration(rest, { now: NOW, tz: SH });
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('parseLocalTime', () => {
  it.each([
    ['2026-11-27 09:30', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['2026/11/27 9:30', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['2026.11.27 09:30:15', NOW, SH, '2026-11-27T01:30:15.000Z'],
    ['2026年11月27日 9时30分', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['2026年11月27日9点', NOW, SH, '2026-11-27T01:00:00.000Z'],
    ['２０２６－１１－２７　０９：３０', NOW, SH, '2026-11-27T01:30:00.000Z'], // full-width
    ['2026-11-27T09:30', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['2026-11-26T09:30:00Z', NOW, SH, '2026-11-26T09:30:00.000Z'], // an explicit offset wins over the zone
    ['11-27 09:30', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['11月26日 23:10', NOW, SH, '2026-11-26T15:10:00.000Z'],
    ['09:30', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['今天 9:30', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['今天9点半', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['昨天 14:00', NOW, SH, '2026-11-26T06:00:00.000Z'],
    ['昨天下午2点', NOW, SH, '2026-11-26T06:00:00.000Z'],
    ['昨天晚上8点', NOW, SH, '2026-11-26T12:00:00.000Z'],
    ['昨天晚上12点', NOW, SH, '2026-11-26T16:00:00.000Z'], // the midnight that starts today
    ['昨天中午1点', NOW, SH, '2026-11-26T05:00:00.000Z'],
    ['前天 8:00', NOW, SH, '2026-11-25T00:00:00.000Z'],
    ['3小时前', NOW, SH, '2026-11-26T23:00:00.000Z'],
    ['3 个小时前', NOW, SH, '2026-11-26T23:00:00.000Z'],
    ['半小时前', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['30分钟前', NOW, SH, '2026-11-27T01:30:00.000Z'],
    ['2天前', NOW, SH, '2026-11-25T02:00:00.000Z'],
    ['刚才', NOW, SH, '2026-11-27T02:00:00.000Z'],
    ['刚刚', NOW, SH, '2026-11-27T02:00:00.000Z'],
    ['10:04', NOW, SH, '2026-11-27T02:00:00.000Z'], // within the tolerance: a fast phone clock, taken as now
    // 00:30 in Shanghai: "yesterday" is the 26th there, though UTC is still on the 26th itself.
    ['昨天 14:00', JUST_AFTER_MIDNIGHT, SH, '2026-11-26T06:00:00.000Z'],
    ['今天 0:10', JUST_AFTER_MIDNIGHT, SH, '2026-11-26T16:10:00.000Z'],
    ['前天 23:00', JUST_AFTER_MIDNIGHT, SH, '2026-11-25T15:00:00.000Z'],
    ['11-26 23:50', JUST_AFTER_MIDNIGHT, SH, '2026-11-26T15:50:00.000Z'],
    ['2天前', JUST_AFTER_MIDNIGHT, SH, '2026-11-24T16:30:00.000Z'],
    // Month and year ends.
    ['昨天 20:00', d('2026-12-01T01:00:00Z'), SH, '2026-11-30T12:00:00.000Z'],
    ['前天 10:00', d('2027-01-01T00:30:00Z'), SH, '2026-12-30T02:00:00.000Z'],
    // Days go back on the calendar: across the end of DST "2 days ago" is 49 hours, not 48.
    ['2天前', d('2026-11-02T15:00:00Z'), NY, '2026-10-31T14:00:00.000Z'],
    ['昨天 9:00', d('2026-11-02T15:00:00Z'), NY, '2026-11-01T14:00:00.000Z'],
  ])('%s at %s in %s', (text, now, tz, iso) => {
    const result = parseLocalTime(text, now, tz);
    expect(result).toEqual({ ok: true, at: d(iso) });
  });

  it.each([
    ['明天', NOW, '不是能识别的时间'],
    ['930', NOW, '不是能识别的时间'],
    ['半天前', NOW, '不是能识别的时间'],
    ['2026-11-27', NOW, '只有日期，请写上几点几分'],
    ['昨天', NOW, '只有日期'],
    ['2026-02-30 10:00', NOW, '里的日期不存在'],
    ['25:00', NOW, '里的时刻不存在'],
    ['下午13点', NOW, '里的时刻不存在'],
    ['10:06', NOW, '是将来的时间（2026-11-27 10:06，现在是 2026-11-27 10:00）'],
    ['下午3点', NOW, '是将来的时间（2026-11-27 15:00'],
    // "09:30" means today, even when today's 09:30 has not come yet: no guessing yesterday.
    ['09:30', JUST_AFTER_MIDNIGHT, '是将来的时间（2026-11-27 09:30'],
    // "MM-DD" means this year: on New Year's morning 12-31 is in the future, not last year.
    ['12-31 23:00', d('2027-01-01T00:30:00Z'), '是将来的时间（2027-12-31 23:00'],
  ])('%s at %s is refused', (text, now, message) => {
    const result = parseLocalTime(text, now, SH);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.messageZh).toContain(`“${text}”`);
      expect(result.messageZh).toContain(message);
    }
  });
});

describe('parseSpread', () => {
  it.each([
    ['阅读1.2万 转发300 评论56', { views: 12_000, reposts: 300, comments: 56 }],
    ['1.2万/300/56', { views: 12_000, reposts: 300, comments: 56 }],
    ['3000/12', { views: 3000, reposts: 12 }],
    ['views 12000 reposts 300 comments 56', { views: 12_000, reposts: 300, comments: 56 }],
    ['Views: 12,000, Reposts: 300', { views: 12_000, reposts: 300 }],
    ['浏览 3000', { views: 3000 }],
    ['阅读量10万+，点赞2k，评论12,000条', { views: 100_000, likes: 2000, comments: 12_000 }],
    ['300转发 1.2w阅读', { reposts: 300, views: 12_000 }],
    ['播放1.5亿、分享3千、跟帖数：800', { views: 150_000_000, reposts: 3000, comments: 800 }],
    ['阅读１．２万　转发３００', { views: 12_000, reposts: 300 }], // full-width
    ['阅读1.2万/转发300/评论56', { views: 12_000, reposts: 300, comments: 56 }],
  ])('%s', (text, spread) => {
    expect(parseSpread(text)).toEqual({ ok: true, spread });
  });

  it.each([
    ['阅读很多', '看不懂'],
    ['阅读300 很多评论', '从“很多评论”起看不懂'],
    ['3000', '看不懂'], // one bare number could be anything
    ['1.5/3', '带小数的数字'],
    ['阅读1.5', '是小数却没有“万”或“千”'],
    ['阅读1 浏览2', '“浏览”写了两次'],
  ])('%s is refused', (text, message) => {
    const result = parseSpread(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.messageZh).toContain(message);
      expect(result.messageZh).toContain('阅读1.2万 转发300 评论56');
    }
  });
});

/** Names (folded as the parser folds them) that more than one group claims. */
function clashes(groups: string[][]): string[] {
  const fold = (name: string) => name.normalize('NFKC').toLowerCase().replace(/[\s_\-/、,，·]+/g, '');
  const owner = new Map<string, number>();
  const found: string[] = [];
  groups.forEach((names, index) => {
    for (const name of names.map(fold)) {
      if ((owner.get(name) ?? index) !== index) found.push(name);
      owner.set(name, index);
    }
  });
  return found;
}

describe('label tables', () => {
  it('has the stable codes cards and reports store', () => {
    expect(Object.keys(CATEGORIES)).toEqual(['policy_misread', 'public_interest', 'livelihood', 'emergency', 'higher_demand', 'general', 'rumour']);
    expect(Object.keys(SOURCES)).toEqual(['portal', 'forum', 'blog', 'weibo', 'wechat', 'douyin', 'news_comments', 'press', 'tv', 'other']);
    expect(Object.keys(LEVEL_LABELS)).toEqual([...LEVELS]);
    expect(Object.keys(KIND_LABELS)).toEqual([...ITEM_KINDS]);
    expect(Object.values(LEVEL_LABELS)).toEqual(['一般', '重大', '特别重大']);
    expect(Object.values(KIND_LABELS)).toEqual(['舆情', '咨询投诉']);
  });

  it.each([
    ['政策误读', parseCategory, 'policy_misread'],
    ['误解误读', parseCategory, 'policy_misread'],
    ['政策', parseCategory, 'policy_misread'],
    ['重大政策误解误读', parseCategory, 'policy_misread'],
    ['公众切身利益', parseCategory, 'public_interest'],
    ['切身利益', parseCategory, 'public_interest'],
    ['民生', parseCategory, 'livelihood'],
    ['道德底线', parseCategory, 'livelihood'],
    ['突发事件', parseCategory, 'emergency'],
    ['突发', parseCategory, 'emergency'],
    ['自然灾害', parseCategory, 'emergency'],
    ['灾害', parseCategory, 'emergency'],
    ['突发事件 / 自然灾害', parseCategory, 'emergency'],
    ['上级要求', parseCategory, 'higher_demand'],
    ['上级', parseCategory, 'higher_demand'],
    ['一般', parseCategory, 'general'],
    ['谣言', parseCategory, 'rumour'],
    ['造谣', parseCategory, 'rumour'],
    ['传谣', parseCategory, 'rumour'],
    ['Higher_Demand', parseCategory, 'higher_demand'],
    ['policy-misread', parseCategory, 'policy_misread'],
    ['普通', parseLevel, 'general'],
    ['重大', parseLevel, 'major'],
    ['特别重大', parseLevel, 'critical'],
    ['特大', parseLevel, 'critical'],
    ['CRITICAL', parseLevel, 'critical'],
    ['舆情', parseKind, 'opinion'],
    ['咨询', parseKind, 'inquiry'],
    ['投诉', parseKind, 'inquiry'],
    ['举报', parseKind, 'inquiry'],
    ['询问', parseKind, 'inquiry'],
    ['inquiry', parseKind, 'inquiry'],
    ['公众号', parseSource, 'wechat'],
    ['微信公众号', parseSource, 'wechat'],
    ['视频号', parseSource, 'wechat'],
    ['今日头条', parseSource, 'portal'],
    ['贴吧', parseSource, 'forum'],
    ['快手', parseSource, 'other'],
    ['报纸', parseSource, 'press'],
    ['广播电视', parseSource, 'tv'],
    ['电视', parseSource, 'tv'],
    ['跟帖', parseSource, 'news_comments'],
    ['news comments', parseSource, 'news_comments'],
    ['ＷＥＩＢＯ', parseSource, 'weibo'],
  ])('%s → %s', (text, parse, code) => {
    expect(parse(text)).toBe(code);
  });

  it.each([
    ['较大', parseLevel], // between 一般 and 重大: refused rather than guessed
    ['很大', parseLevel],
    ['其他', parseCategory],
    ['政', parseCategory],
    ['网', parseSource],
  ])('%s is not a choice', (text, parse) => {
    expect(parse(text)).toBeUndefined();
  });

  it('never lets one name stand for two codes', () => {
    for (const table of [CATEGORIES, SOURCES]) {
      expect(clashes(Object.entries(table).map(([code, c]) => [code, c.label, ...c.aliases]))).toEqual([]);
    }
    expect(clashes(REGISTRATION_FIELDS.map((f) => [f.key, f.labelZh, ...f.aliases]))).toEqual([]);
  });
});

describe('parseRegistration', () => {
  it('reads every field of a full message', () => {
    const rest = [
      '某镇卫生院被指乱收费',
      '链接: https://m.weibo.cn/detail/4981234567890123?wm=9006_2001',
      '来源: 微博',
      '类别: 公众切身利益',
      '级别: 重大',
      '类型: 投诉',
      '部门: 县卫健委、青松镇，白沙镇 教育局',
      '发帖时间: 昨天 21:40',
      '发现时间: 2026-11-27 08:15',
      '摘要: 网民发帖称：门诊收费高于公示标准。',
      '原帖附收费单照片。',
      '',
      '网友留言：要求说明。',
      '传播: 阅读1.2万 转发300 评论56',
      '传播路径: 微博首发，',
      '两个本地公众号转载',
      '跟帖: 约 50 条',
      '网民观点: 要求公开收费依据',
      '演练: 否',
      '强制: 是',
    ].join('\n');
    expect(draftOf(rest)).toEqual({
      title: '某镇卫生院被指乱收费',
      url: 'https://m.weibo.cn/status/4981234567890123',
      source: 'weibo',
      category: 'public_interest',
      level: 'major',
      kind: 'inquiry',
      units: ['县卫健委', '青松镇', '白沙镇', '教育局'],
      postedAt: d('2026-11-26T13:40:00Z'),
      discoveredAt: d('2026-11-27T00:15:00Z'),
      summary: '网民发帖称：门诊收费高于公示标准。\n原帖附收费单照片。\n\n网友留言：要求说明。',
      spread: { views: 12_000, reposts: 300, comments: 56 },
      path: '微博首发，\n两个本地公众号转载',
      comments: '约 50 条',
      views: '要求公开收费依据',
      drill: false,
      force: true,
    });
  });

  it('takes English keys, either colon, any case and spaces around', () => {
    const rest = [
      '  Title on the first line  ',
      'URL：weibo.com/1234567890/N5xYzAbCd',
      '  Source :  wechat',
      'CATEGORY:rumour',
      'Level: critical',
      'kind: opinion',
      'dept: health, education',
      'posted: 3小时前',
      'found: 刚才',
      'summary: text',
      'spread: 1.2万/300/56',
      'path: p',
      'comments: c',
      'views: v',
      'drill: yes',
      'force: no',
    ].join('\n');
    expect(draftOf(rest)).toEqual({
      title: 'Title on the first line',
      url: 'https://weibo.com/1234567890/N5xYzAbCd',
      source: 'wechat',
      category: 'rumour',
      level: 'critical',
      kind: 'opinion',
      units: ['health', 'education'],
      postedAt: d('2026-11-26T23:00:00Z'),
      discoveredAt: NOW,
      summary: 'text',
      spread: { views: 12_000, reposts: 300, comments: 56 },
      path: 'p',
      comments: 'c',
      views: 'v',
      drill: true,
      force: false,
    });
  });

  it('fills defaults and leaves units to routing when only a title is given', () => {
    expect(draftOf('网传某镇停水三天')).toEqual({ title: '网传某镇停水三天', ...DEFAULTS });
  });

  it.each([
    ['类别: 突发', { category: 'emergency' }],
    ['级别: 特别重大', { level: 'critical' }],
    ['类型: 咨询', { kind: 'inquiry' }],
    ['平台: 公众号', { source: 'wechat' }],
    ['分类: 谣言', { category: 'rumour' }],
    ['牵头: 卫健委', { units: ['卫健委'] }],
    ['单位: 卫健委、卫健委，教育局', { units: ['卫健委', '教育局'] }],
    ['内容: 正文', { summary: '正文' }],
    ['跟帖情况: 多', { comments: '多' }],
    ['观点: 不满', { views: '不满' }],
    ['演练: 是', { drill: true }],
    ['演练: TRUE', { drill: true }],
    ['强制: 1', { force: true }],
    ['发帖时间: 2026年11月27日 9时30分', { postedAt: d('2026-11-27T01:30:00Z') }],
    ['发现时间: 今天 9:30', { discoveredAt: d('2026-11-27T01:30:00Z') }],
    ['传播: 浏览 3000', { spread: { views: 3000 } }],
    // A source the link can only mean, when none is typed.
    ['链接: https://mp.weixin.qq.com/s/Ab12Cd?scene=1', { url: 'https://mp.weixin.qq.com/s/Ab12Cd', source: 'wechat' }],
    ['链接: https://www.douyin.com/video/7301234567890123456', { url: 'https://douyin.com/video/7301234567890123456', source: 'douyin' }],
    ['链接: https://news.example.com/a?utm_source=x', { url: 'https://news.example.com/a' }],
    // A link pasted on its own line.
    ['https://weibo.com/1234567890/N5xYzAbCd', { url: 'https://weibo.com/1234567890/N5xYzAbCd', source: 'weibo' }],
  ])('%s', (line, fields) => {
    expect(draftOf(`标题\n${line}`)).toEqual({ ...DEFAULTS, title: '标题', ...fields });
  });

  it('keeps a typed source over the one the link suggests', () => {
    expect(draftOf('标题\n链接: https://weibo.com/1/Ab\n来源: 门户网站').source).toBe('portal');
  });

  it('treats a key left empty as not given, so a half-filled template works', () => {
    const rest = ['标题', '链接:', '来源：', '级别: ', '部门:', '发现时间:', '摘要:', '演练:'].join('\n');
    expect(draftOf(rest)).toEqual({ title: '标题', ...DEFAULTS });
  });

  it('reads a title given as a field when the first line is a field', () => {
    expect(draftOf('级别: 重大\n标题: 某镇停水')).toEqual({ ...DEFAULTS, title: '某镇停水', level: 'major' });
  });

  it('keeps a colon in a title and unknown `x:` lines inside a summary', () => {
    const draft = draftOf('网传：某镇停水\n摘要: 第一段\n网民称：已停三天\n级别: 一般');
    expect(draft.title).toBe('网传：某镇停水');
    expect(draft.summary).toBe('第一段\n网民称：已停三天');
  });

  it('parses its own template', () => {
    const template = registrationTemplateZh();
    expect(template.startsWith('/yq new ')).toBe(true);
    const draft = draftOf(template.replace(/^\/yq new /, ''));
    for (const field of REGISTRATION_FIELDS) {
      expect(template).toContain(`${field.key === 'title' ? '/yq new' : `${field.labelZh}:`} ${field.exampleZh}`);
      expect(draft[field.key], field.key).toBeDefined();
    }
  });

  it('reports every bad field at once, in the order of the message', () => {
    const rest = [
      '标题',
      '级别: 很大',
      '来源: 快手台',
      '类别: 民生问题',
      '类型: 新闻',
      '链接: ftp://example.com/a',
      '发帖时间: 明天',
      '发现时间: 12:00',
      '传播: 阅读很多',
      '演练: 也许',
      '强制: maybe',
    ].join('\n');
    expect(problemsOf(rest)).toEqual([
      { field: 'level', labelZh: '级别', messageZh: '级别“很大”不认识，可选：一般、重大、特别重大。' },
      { field: 'source', labelZh: '来源', messageZh: '来源“快手台”不认识，可选：门户网站、论坛、博客、微博、微信、抖音、新闻跟帖、报刊、广播电视、其他。' },
      {
        field: 'category',
        labelZh: '类别',
        messageZh: '类别“民生问题”不认识，可选：重大政策误解误读、涉及公众切身利益、民生领域冲击道德底线、突发事件和自然灾害、上级要求回应、一般、造谣传谣。',
      },
      { field: 'kind', labelZh: '类型', messageZh: '类型“新闻”不认识，可选：舆情、咨询投诉。' },
      { field: 'url', labelZh: '链接', messageZh: expect.stringContaining('链接“ftp://example.com/a”不是网页链接') },
      { field: 'postedAt', labelZh: '发帖时间', messageZh: expect.stringContaining('发帖时间“明天”不是能识别的时间') },
      { field: 'discoveredAt', labelZh: '发现时间', messageZh: expect.stringContaining('发现时间“12:00”是将来的时间') },
      { field: 'spread', labelZh: '传播', messageZh: expect.stringContaining('传播“阅读很多”看不懂') },
      { field: 'drill', labelZh: '演练', messageZh: '演练“也许”不认识，可选：是、否。' },
      { field: 'force', labelZh: '强制', messageZh: '强制“maybe”不认识，可选：是、否。' },
    ]);
  });

  it('lists a missing title first, then line problems and field problems in message order', () => {
    expect(problemsOf('级别: 很大\n备注: 见附件\n来源: 火星\n没有字段名的一行').map((p) => [p.field, p.labelZh])).toEqual([
      ['title', '标题'],
      ['level', '级别'],
      ['unknown', '备注'],
      ['source', '来源'],
      ['line', '第4行'],
    ]);
  });

  it('keeps what did parse in the partial draft', () => {
    const result = parseRegistration('标题\n级别: 很大\n类别: 谣言\n部门: 卫健委', { now: NOW, tz: SH });
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'level' })],
      draft: { ...DEFAULTS, title: '标题', category: 'rumour', units: ['卫健委'] },
    });
  });

  it('explains 较大 beyond listing the choices', () => {
    expect(problemsOf('标题\n级别: 较大')[0]?.messageZh).toBe('级别“较大”不认识，可选：一般、重大、特别重大（本县只分这三级，请按情况选一般或重大）。');
    expect(problemsOf('标题\n类型: 较大')[0]?.messageZh).toBe('类型“较大”不认识，可选：舆情、咨询投诉。');
  });

  it('refuses a missing title', () => {
    for (const rest of ['', '   ', '级别: 重大', '\n来源: 微博', '标题:\n级别: 重大']) {
      expect(problemsOf(rest), JSON.stringify(rest)).toEqual([
        { field: 'title', labelZh: '标题', messageZh: '标题不能为空：第一行写标题，例如“/yq new 某镇卫生院被指乱收费”。' },
      ]);
    }
  });

  it('names unknown keys and lists the known ones', () => {
    const [problem, ...others] = problemsOf('标题\n级另: 重大\n备注: 见附件\n第二行也属于备注');
    expect(problem).toEqual({
      field: 'unknown',
      labelZh: '级另',
      messageZh: '不认识的字段“级另”，可用的字段：标题、链接、来源、类别、级别、类型、部门、发帖时间、发现时间、摘要、传播、传播路径、跟帖、网民观点、演练、强制。',
    });
    expect(others.map((p) => [p.field, p.labelZh])).toEqual([['unknown', '备注']]);
  });

  it('refuses a line that belongs to no field', () => {
    expect(problemsOf('标题\n这是一段没有字段名的正文\n级别: 重大\n09:30 又一行')).toEqual([
      expect.objectContaining({ field: 'line', labelZh: '第2行', messageZh: expect.stringContaining('第2行“这是一段没有字段名的正文”不属于任何字段') }),
      expect.objectContaining({ field: 'line', labelZh: '第4行', messageZh: expect.stringContaining('例如“摘要: …”') }),
    ]);
  });

  it('refuses a field given twice', () => {
    expect(problemsOf('标题\n级别: 一般\nlevel: 重大')).toEqual([{ field: 'level', labelZh: '级别', messageZh: '级别写了两次，请只保留一个。' }]);
    expect(problemsOf('标题\n标题: 另一个')).toEqual([{ field: 'title', labelZh: '标题', messageZh: '标题写了两次，请只保留一个。' }]);
  });

  it.each([
    ['title', `${'长'.repeat(201)}`, '标题太长（201 字），最多 200 字。'],
    ['summary', `标题\n摘要: ${'字'.repeat(5001)}`, '摘要太长（5001 字），最多 5000 字；全文可以放在链接里。'],
    ['path', `标题\n传播路径: ${'字'.repeat(2001)}`, '传播路径太长（2001 字），最多 2000 字。'],
    ['views', `标题\n网民观点: ${'😀'.repeat(2001)}`, '网民观点太长（2001 字），最多 2000 字。'], // characters, not UTF-16 units
  ])('limits the length of %s', (field, rest, message) => {
    expect(problemsOf(rest)).toEqual([{ field, labelZh: expect.any(String), messageZh: message }]);
  });

  it.each([
    ['', 200],
    ['标题\n摘要: ', 5000],
    ['标题\n传播路径: ', 2000],
  ])('accepts text exactly at the limit after %j', (prefix, length) => {
    expect(parseRegistration(`${prefix}${'字'.repeat(length)}`, { now: NOW, tz: SH }).ok).toBe(true);
  });

  it('refuses discovery before posting', () => {
    expect(problemsOf('标题\n发现时间: 今天 8:00\n发帖时间: 今天 9:00')).toEqual([
      { field: 'discoveredAt', labelZh: '发现时间', messageZh: '发现时间（2026-11-27 08:00）早于发帖时间（2026-11-27 09:00），请检查。' },
    ]);
  });

  it('accepts discovery at the posting minute, and a posting time a moment ahead as now', () => {
    expect(draftOf('标题\n发帖时间: 9:00\n发现时间: 9:00').discoveredAt).toEqual(d('2026-11-27T01:00:00Z'));
    expect(draftOf('标题\n发帖时间: 10:03')).toEqual({ ...DEFAULTS, title: '标题', postedAt: NOW });
  });

  it('reads 昨天 on the local calendar just after midnight', () => {
    const draft = draftOf('标题\n发帖时间: 昨天 23:50\n发现时间: 今天 0:05', JUST_AFTER_MIDNIGHT);
    expect(draft.postedAt).toEqual(d('2026-11-26T15:50:00Z'));
    expect(draft.discoveredAt).toEqual(d('2026-11-26T16:05:00Z'));
  });
});
