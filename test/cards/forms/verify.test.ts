import { describe, expect, it } from 'vitest';
import { verifyFormCard, type VerifyFormView } from '../../../cards/forms/verify.js';
import { BASE, callbackOf, expectValid, field, fieldNames, formBasics, markdown, optionPairs, requiredFields, text } from './helpers.js';

const make = (extra: Partial<VerifyFormView> = {}) => verifyFormCard({ ...BASE, ...extra });

describe('verifyFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '提交核实', colour: 'blue', form: 'verify', submits: ['verify_submit'] });

  it('has the five fields, three of them required', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['outcome', 'findings', 'rectification', 'measures', 'rectify_by']);
    expect(requiredFields(card)).toEqual(['outcome', 'findings', 'rectification']);
    expect(field(card, 'findings')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    expect(field(card, 'measures')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    expect(field(card, 'rectify_by').tag).toBe('date_picker');
    expect(text(field(card, 'rectify_by').placeholder)).toBe('整改完成日期');
  });

  it('offers exactly the outcome and rectification choices', () => {
    const card = make();
    expect(field(card, 'outcome').tag).toBe('select_static');
    expect(optionPairs(field(card, 'outcome'))).toEqual([
      ['true', '属实'],
      ['partly', '部分属实'],
      ['false', '不属实'],
    ]);
    expect(optionPairs(field(card, 'rectification'))).toEqual([
      ['yes', '需要整改'],
      ['no', '无需整改'],
    ]);
  });

  it('submits verify_submit with the item id', () => {
    expect(callbackOf(make(), 'verify_submit')).toEqual({ action: 'verify_submit', item: 4242 });
  });

  it('pre-fills re-shown values', () => {
    const card = make({
      defaults: { outcome: 'partly', findings: '停水两天', rectification: 'yes', measures: '抢修管道', rectify_by: '2026-11-30' },
    });
    expectValid(card);
    expect(field(card, 'outcome').initial_option).toBe('partly');
    expect(field(card, 'findings').default_value).toBe('停水两天');
    expect(field(card, 'rectification').initial_option).toBe('yes');
    expect(field(card, 'measures').default_value).toBe('抢修管道');
    expect(field(card, 'rectify_by').initial_date).toBe('2026-11-30');
  });

  it('starts empty, and refuses malformed defaults with a note', () => {
    expect(field(make(), 'outcome').initial_option).toBeUndefined();
    expect(field(make(), 'rectify_by').initial_date).toBeUndefined();
    const card = make({ defaults: { outcome: 'maybe', rectify_by: '月底' } });
    expectValid(card);
    expect(field(card, 'outcome').initial_option).toBeUndefined();
    expect(field(card, 'rectify_by').initial_date).toBeUndefined();
    expect(markdown(card)).toContain('「整改完成日期」预填值“月底”不是“年-月-日”格式');
    expect(markdown(card)).toContain('「核实结论」预填值“maybe”不在可选项中');
  });

  it('cuts an over-long default to the input limit, with a note', () => {
    const card = make({ defaults: { findings: '长'.repeat(1200) } });
    expectValid(card);
    expect(Array.from(field(card, 'findings').default_value as string)).toHaveLength(1000);
    expect(markdown(card)).toContain('「核实情况」预填内容超过 1000 字');
  });
});
