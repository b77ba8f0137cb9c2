import { describe, expect, it } from 'vitest';
import { routeItem, type RoutingUnit } from '../../src/domain/routing.js';

const units: RoutingUnit[] = [
  { code: 'health', keywords: ['医院', '卫生院', '疫苗'] },
  { code: 'education', keywords: ['学校', '教师', '学生', '校车'] },
  { code: 'transport', keywords: ['公路', '校车', '交通'] },
  { code: 'environment', keywords: ['PM2.5', '垃圾', '污水', '垃圾'] },
  { code: 'blank', keywords: ['', '   '] },
];

describe('routeItem: keyword winner', () => {
  it.each([
    ['定城镇卫生院疫苗接种排长队，县医院回应', 'health', ['医院', '卫生院', '疫苗'], [['health', 3]]],
    ['某学校校车超载，学生家长担忧', 'education', ['学校', '学生', '校车'], [['education', 3], ['transport', 1]]],
    ['校车在公路上抛锚', 'transport', ['公路', '校车'], [['transport', 2], ['education', 1]]],
    // once per keyword: 医院 three times is still one hit
    ['医院医院医院，学校与教师', 'education', ['学校', '教师'], [['education', 2], ['health', 1]]],
    // NFKC + case folding; a keyword listed twice counts once
    ['ｐｍ２．５ 超标，垃圾围村，垃圾无人清运', 'environment', ['PM2.5', '垃圾'], [['environment', 2]]],
  ] as const)('%s → %s', (text, lead, matched, ranking) => {
    const result = routeItem({ text, units });
    expect(result.kind).toBe('keywords');
    if (result.kind !== 'keywords') return;
    expect(result.lead).toBe(lead);
    expect(result.matched).toEqual(matched);
    expect(result.ranking.map((u) => [u.code, u.hits])).toEqual(ranking);
    expect(result.reasonZh).toBe(`关键词命中 ${matched.length} 个：${matched.join('、')}`);
  });
});

describe('routeItem: the news office decides', () => {
  it.each([
    ['校车事故', 'tie', [['education', ['校车']], ['transport', ['校车']]], '2 个单位关键词命中数相同（各 1 个），请县新闻办指定牵头单位'],
    ['校车撞上医院围墙', 'tie', [['health', ['医院']], ['education', ['校车']], ['transport', ['校车']]], '3 个单位关键词命中数相同（各 1 个），请县新闻办指定牵头单位'],
    ['县城菜价上涨', 'no_match', [], '没有命中任何单位的关键词，请县新闻办指定牵头单位'],
    ['', 'no_match', [], '没有命中任何单位的关键词，请县新闻办指定牵头单位'],
  ] as const)('%j → %s', (text, reason, candidates, reasonZh) => {
    const result = routeItem({ text, units });
    expect(result).toEqual({
      kind: 'ask_news_office',
      reason,
      candidates: candidates.map(([code, matched]) => ({ code, hits: matched.length, matched })),
      reasonZh,
    });
  });

  it('blank keywords never match', () => {
    const result = routeItem({ text: '任何文字', units: [{ code: 'blank', keywords: ['', ' '] }] });
    expect(result).toMatchObject({ kind: 'ask_news_office', reason: 'no_match' });
  });
});

describe('routeItem: an explicit choice wins', () => {
  it.each([
    [{ lead: 'education' }, 'education', []],
    [{ lead: 'education', cooperating: ['health', 'education', 'health'] }, 'education', ['health']],
    [{ lead: 'police', cooperating: ['cyber'] }, 'police', ['cyber']], // units without keywords too
  ] as const)('%j', (explicit, lead, cooperating) => {
    expect(routeItem({ text: '卫生院疫苗医院', units, explicit })).toEqual({
      kind: 'explicit',
      lead,
      cooperating,
      reasonZh: '由登记人指定',
    });
  });
});
