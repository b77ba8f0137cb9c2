import { describe, expect, it } from 'vitest';
import { mediaContactFormCard, type MediaContactFormView } from '../../../cards/forms/media-contact.js';
import { BASE, callbackOf, expectValid, field, fieldNames, formBasics, requiredFields, text } from './helpers.js';

const make = (extra: Partial<MediaContactFormView> = {}) => mediaContactFormCard({ ...BASE, ...extra });

describe('mediaContactFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '媒体沟通', colour: 'blue', form: 'media', submits: ['media_submit'] });

  it('has outlet, journalist, agreement and time; journalist optional', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['outlet', 'journalist', 'agreed', 'contacted_at']);
    expect(requiredFields(card)).toEqual(['outlet', 'agreed', 'contacted_at']);
    expect(field(card, 'agreed')).toMatchObject({ tag: 'input', input_type: 'multiline_text' });
    expect(text(field(card, 'agreed').label)).toBe('沟通内容和约定（必填）');
    expect(field(card, 'contacted_at').tag).toBe('picker_datetime');
  });

  it('pre-fills re-shown values', () => {
    const card = make({ defaults: { outlet: '某某日报', journalist: '李四', agreed: '约定稿件先核实', contacted_at: '2026-11-27 11:00' } });
    expectValid(card);
    expect(field(card, 'outlet').default_value).toBe('某某日报');
    expect(field(card, 'journalist').default_value).toBe('李四');
    expect(field(card, 'agreed').default_value).toBe('约定稿件先核实');
    expect(field(card, 'contacted_at').initial_datetime).toBe('2026-11-27 11:00');
    expect(field(make(), 'outlet').default_value).toBeUndefined();
  });

  it('submits media_submit with the item id', () => {
    expect(callbackOf(make(), 'media_submit')).toEqual({ action: 'media_submit', item: 4242 });
  });
});
