import { describe, expect, it } from 'vitest';
import { disputeFormCard, type DisputeFormView } from '../../../cards/forms/dispute.js';
import { BASE, callbackOf, expectValid, field, fieldNames, formBasics, markdown, optionPairs, requiredFields, text } from './helpers.js';

const UNITS = [
  { code: 'edu', name: '县教育局' },
  { code: 'water', name: '县水务局' },
];
const make = (extra: Partial<DisputeFormView> = {}) => disputeFormCard({ ...BASE, units: UNITS, ...extra });

describe('disputeFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '申请改派', colour: 'blue', form: 'dispute', submits: ['dispute_submit'] });

  it('has a required multiline reason (≤ 1000) and an optional unit suggestion', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['reason', 'suggested']);
    expect(requiredFields(card)).toEqual(['reason']);
    const reason = field(card, 'reason');
    expect(reason).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: 1000 });
    expect(text(reason.label)).toBe('改派理由（必填）');
    const suggested = field(card, 'suggested');
    expect(suggested.tag).toBe('select_static');
    expect(text(suggested.placeholder)).toBe('建议改派给（可不选）');
    expect(optionPairs(suggested)).toEqual([
      ['edu', '县教育局'],
      ['water', '县水务局'],
    ]);
  });

  it('submits dispute_submit with the item id', () => {
    expect(callbackOf(make(), 'dispute_submit')).toEqual({ action: 'dispute_submit', item: 4242 });
  });

  it('starts empty and pre-fills re-shown values', () => {
    expect(field(make(), 'reason').default_value).toBeUndefined();
    expect(field(make(), 'suggested').initial_option).toBeUndefined();
    const card = make({ defaults: { reason: '供水归水务局管', suggested: 'water' } });
    expectValid(card);
    expect(field(card, 'reason').default_value).toBe('供水归水务局管');
    expect(field(card, 'suggested').initial_option).toBe('water');
  });

  it('drops a suggested unit that is not offered, and says so', () => {
    const card = make({ defaults: { suggested: 'ghost' } });
    expect(field(card, 'suggested').initial_option).toBeUndefined();
    expect(markdown(card)).toContain("<font color='orange'>「建议改派给」预填值“ghost”不在可选项中，请重新选择。</font>");
  });

  it('offers each unit once even when the list repeats one', () => {
    const card = make({ units: [...UNITS, { code: 'edu', name: '教育局（重复）' }] });
    expectValid(card);
    expect(optionPairs(field(card, 'suggested')).map(([v]) => v)).toEqual(['edu', 'water']);
  });
});
