import { describe, expect, it } from 'vitest';
import { handoverFormCard, type HandoverFormView } from '../../../cards/forms/handover.js';
import { BASE, callbackOf, expectValid, field, fieldNames, formBasics, markdown, optionPairs, requiredFields, text } from './helpers.js';

const TARGETS = [
  { code: 'police', name: '县公安局' },
  { code: 'cyber', name: '县网信办' },
];
const make = (extra: Partial<HandoverFormView> = {}) => handoverFormCard({ ...BASE, targets: TARGETS, ...extra });

describe('handoverFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '移交公安网信', colour: 'blue', form: 'handover', submits: ['handover_submit'] });

  it('has targets, evidence and an optional note', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['targets', 'evidence', 'note']);
    expect(requiredFields(card)).toEqual(['targets', 'evidence']);
    expect(field(card, 'targets').tag).toBe('multi_select_static');
    expect(optionPairs(field(card, 'targets'))).toEqual([
      ['police', '县公安局'],
      ['cyber', '县网信办'],
    ]);
    expect(field(card, 'evidence')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    expect(text(field(card, 'evidence').label)).toBe('证据和线索（必填）');
    expect(field(card, 'note')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
  });

  it('pre-selects every target', () => {
    expect(field(make(), 'targets').selected_values).toEqual(['police', 'cyber']);
  });

  it('pre-fills re-shown values, keeping only known targets', () => {
    const card = make({ defaults: { targets: ['cyber', 'ghost'], evidence: '截图三张', note: '已固定证据' } });
    expectValid(card);
    expect(field(card, 'targets').selected_values).toEqual(['cyber']);
    expect(field(card, 'evidence').default_value).toBe('截图三张');
    expect(field(card, 'note').default_value).toBe('已固定证据');
    expect(markdown(card)).toContain('「移交给」预填值“ghost”不在可选项中');
  });

  it('selects nothing when re-shown with no targets, and stays valid with none offered', () => {
    expect(field(make({ defaults: { targets: [] } }), 'targets').selected_values).toBeUndefined();
    expectValid(make({ targets: [] }));
  });

  it('submits handover_submit with the item id', () => {
    expect(callbackOf(make(), 'handover_submit')).toEqual({ action: 'handover_submit', item: 4242 });
  });
});
