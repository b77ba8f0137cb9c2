import { describe, expect, it } from 'vitest';
import { rectificationFormCard, type RectificationFormView } from '../../../cards/forms/rectification.js';
import { BASE, callbackOf, expectValid, field, fieldNames, formBasics, requiredFields } from './helpers.js';

const make = (extra: Partial<RectificationFormView> = {}) => rectificationFormCard({ ...BASE, ...extra });

describe('rectificationFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '整改完成', colour: 'blue', form: 'rectified', submits: ['rectification_submit'] });

  it('has a required note and completion time', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['note', 'done_at']);
    expect(requiredFields(card)).toEqual(['note', 'done_at']);
    expect(field(card, 'note')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    expect(field(card, 'done_at').tag).toBe('picker_datetime');
  });

  it('pre-fills re-shown values', () => {
    const card = make({ defaults: { note: '管道已更换', done_at: '2026-11-29 18:00' } });
    expectValid(card);
    expect(field(card, 'note').default_value).toBe('管道已更换');
    expect(field(card, 'done_at').initial_datetime).toBe('2026-11-29 18:00');
    expect(field(make(), 'done_at').initial_datetime).toBeUndefined();
  });

  it('submits rectification_submit with the item id', () => {
    expect(callbackOf(make(), 'rectification_submit')).toEqual({ action: 'rectification_submit', item: 4242 });
  });
});
