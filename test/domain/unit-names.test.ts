import { describe, expect, it } from 'vitest';
import { matchUnit } from '../../src/domain/unit-names.js';

const UNITS = [
  { code: 'news', name: '县新闻办（网信办）' },
  { code: 'propaganda', name: '县委宣传部' },
  { code: 'health', name: '县卫健委' },
  { code: 'education', name: '县教育局' },
  { code: 'emergency', name: '县应急管理局' },
  { code: 'qingsong', name: '青松镇人民政府' },
  { code: 'baisha', name: '白沙镇人民政府' },
];

describe('matchUnit', () => {
  it.each([
    ['health', 'health'],
    ['HEALTH', 'health'],
    ['县卫健委', 'health'],
    ['卫健委', 'health'],
    ['卫健', 'health'],
    ['县新闻办', 'news'],
    ['新闻办', 'news'],
    ['网信办', 'news'],
    ['县新闻办（网信办）', 'news'],
    ['宣传部', 'propaganda'],
    ['县委宣传部', 'propaganda'],
    ['应急管理局', 'emergency'],
    ['青松镇', 'qingsong'],
    ['青松镇人民政府', 'qingsong'],
    ['县 教育局', 'education'],
  ])('%s → %s', (query, code) => {
    expect(matchUnit(UNITS, query)).toEqual({ kind: 'found', unit: UNITS.find((unit) => unit.code === code) });
  });

  it.each([['镇人民政府'], ['镇']])('%s is ambiguous or unknown, never a guess', (query) => {
    const result = matchUnit(UNITS, query);
    expect(result.kind).not.toBe('found');
  });

  it('lists the candidates when a part of a name fits several units', () => {
    expect(matchUnit(UNITS, '人民政府')).toEqual({ kind: 'ambiguous', candidates: [UNITS[5], UNITS[6]] });
  });

  it.each([['公安局'], [''], ['x']])('%s matches nothing', (query) => {
    expect(matchUnit(UNITS, query)).toEqual({ kind: 'none' });
  });
});
