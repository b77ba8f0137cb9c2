import { describe, expect, it } from 'vitest';
import { instructionFormCard, type InstructionFormView } from '../../../cards/forms/instruction.js';
import { BASE, callbackOf, field, fieldNames, formBasics, requiredFields, text } from './helpers.js';

const make = (extra: Partial<InstructionFormView> = {}) => instructionFormCard({ ...BASE, ...extra });

describe('instructionFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '领导批示', colour: 'red', form: 'instruction', submits: ['instruction_submit'] });

  it('has one required multiline text', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['text']);
    expect(requiredFields(card)).toEqual(['text']);
    expect(field(card, 'text')).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: 1000 });
    expect(text(field(card, 'text').label)).toBe('批示内容（必填）');
  });

  it('pre-fills a re-shown text', () => {
    expect(field(make({ defaults: { text: '请妥善处置' } }), 'text').default_value).toBe('请妥善处置');
    expect(field(make(), 'text').default_value).toBeUndefined();
  });

  it('submits instruction_submit with the item id', () => {
    expect(callbackOf(make(), 'instruction_submit')).toEqual({ action: 'instruction_submit', item: 4242 });
  });
});
