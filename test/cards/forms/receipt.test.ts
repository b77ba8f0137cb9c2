import { describe, expect, it } from 'vitest';
import { receiptCard } from '../../../cards/forms/receipt.js';
import { EVIL, expectInert, expectValid, markdown, tagged, text } from './helpers.js';

const make = (extra: Partial<Parameters<typeof receiptCard>[0]> = {}) =>
  receiptCard({ title: '已提交核实', lines: ['核实结论：属实', '需要整改，11月30日前完成'], ref: 'YQ-20261127-007', ...extra });

describe('receiptCard', () => {
  it('is a valid card without any input, button or form', () => {
    const card = make();
    expectValid(card);
    const tags = tagged(card).map((n) => n.tag);
    for (const t of ['form', 'button', 'input', 'select_static', 'multi_select_static', 'picker_datetime', 'date_picker']) expect(tags).not.toContain(t);
  });

  it('has the title and ref in the header, green by default, in the given colour otherwise', () => {
    const header = make().header as Record<string, unknown>;
    expect(text(header.title)).toBe('已提交核实');
    expect(text(header.subtitle)).toBe('YQ-20261127-007');
    expect(header.template).toBe('green');
    expect((make({ colour: 'orange' }).header as Record<string, unknown>).template).toBe('orange');
  });

  it('shows the lines, one per line', () => {
    expect(markdown(make())).toBe('核实结论：属实\n需要整改，11月30日前完成');
  });

  it('escapes the lines', () => {
    expectInert(make({ lines: [EVIL] }));
  });

  it('says 已提交 when there are no lines, and caps very many lines', () => {
    expect(markdown(make({ lines: [] }))).toBe("<font color='grey'>已提交</font>");
    const card = make({ lines: Array.from({ length: 50 }, () => '长'.repeat(2000)) });
    expectValid(card);
    expect(markdown(card)).toContain('另有 30 行未显示');
  });
});
