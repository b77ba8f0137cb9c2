import { describe, expect, it } from 'vitest';
import { disputeDecisionCard, type DisputeDecisionView } from '../../../cards/forms/dispute-decision.js';
import { BASE, callbackOf, EVIL, expectInert, expectValid, field, fieldNames, formBasics, markdown, optionPairs, requiredFields } from './helpers.js';

const UNITS = [
  { code: 'edu', name: '县教育局' },
  { code: 'water', name: '县水务局' },
];
const make = (extra: Partial<DisputeDecisionView> = {}) =>
  disputeDecisionCard({
    ...BASE,
    fromUnit: '县卫健委',
    reason: '供水不归我们管',
    suggested: { code: 'water', name: '县水务局' },
    units: UNITS,
    disputeId: 17,
    ...extra,
  });

describe('disputeDecisionCard', () => {
  formBasics({ make: (v) => make(v), heading: '改派申请', colour: 'orange', form: 'dispute_decision', submits: ['dispute_reassign', 'dispute_insist'] });

  it('shows who disputes, why and the suggestion', () => {
    const md = markdown(make());
    expect(md).toContain('**申请单位**：县卫健委');
    expect(md).toContain('**建议改派给**：县水务局');
    expect(md).toContain('**改派理由**\n供水不归我们管');
    expect(markdown(make({ suggested: undefined }))).toContain('**建议改派给**：未建议');
  });

  it('has a unit select pre-set to the suggestion and an optional note', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['unit', 'note']);
    expect(requiredFields(card)).toEqual([]);
    expect(field(card, 'unit').tag).toBe('select_static');
    expect(optionPairs(field(card, 'unit'))).toEqual([
      ['edu', '县教育局'],
      ['water', '县水务局'],
    ]);
    expect(field(card, 'unit').initial_option).toBe('water');
    expect(field(card, 'note')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    expect(field(make({ suggested: undefined }), 'unit').initial_option).toBeUndefined();
  });

  it('prefers a re-shown unit over the suggestion', () => {
    const card = make({ defaults: { unit: 'edu', note: '按职责归教育局' } });
    expect(field(card, 'unit').initial_option).toBe('edu');
    expect(field(card, 'note').default_value).toBe('按职责归教育局');
  });

  it('does not pre-select a suggested unit that is not offered', () => {
    const card = make({ suggested: { code: 'ghost', name: '某某办' } });
    expectValid(card);
    expect(field(card, 'unit').initial_option).toBeUndefined();
  });

  it('reassigns or insists, each with the item and dispute ids', () => {
    const card = make();
    expect(callbackOf(card, 'dispute_reassign')).toEqual({ action: 'dispute_reassign', item: 4242, dispute: 17 });
    expect(callbackOf(card, 'dispute_insist')).toEqual({ action: 'dispute_insist', item: 4242, dispute: 17 });
    expect(field(card, 'dispute_reassign').text).toEqual({ tag: 'plain_text', content: '改派' });
    expect(field(card, 'dispute_insist').text).toEqual({ tag: 'plain_text', content: '维持原单位' });
  });

  it('escapes the reason and the unit names it shows', () => {
    expectInert(make({ reason: EVIL, fromUnit: EVIL }));
  });
});
