import { describe, expect, it } from 'vitest';
import { DIFF_TOTAL_MAX, reviewCard, type ReviewView } from '../../../cards/forms/review.js';
import { jsonBytes, truncationNote } from '../../../cards/format.js';
import { BASE, callbackOf, EVIL, expectInert, expectValid, field, fieldNames, formBasics, markdown, requiredFields, text } from './helpers.js';

const make = (extra: Partial<ReviewView> = {}) =>
  reviewCard({ ...BASE, draftVersion: 2, text: '经核实，停水系管道破裂所致。\n已于今日恢复供水。', drafter: '张三', submittedAt: '11月27日 10:05', ...extra });

describe('reviewCard', () => {
  formBasics({ make: (v) => make(v), heading: '审核回应稿', colour: 'blue', form: 'review', submits: ['approve_draft', 'return_draft'] });

  it('shows the draft in full with its version, drafter and time', () => {
    const md = markdown(make());
    expect(md).toContain('**回应稿（第 2 版）**\n经核实，停水系管道破裂所致。\n已于今日恢复供水。');
    expect(md).toContain('**起草人**：张三');
    expect(md).toContain('**提交时间**：11月27日 10:05');
  });

  it('shows 3,500 characters in full and cuts a longer draft with the explicit note', () => {
    const full = markdown(make({ text: '字'.repeat(3500) }));
    expect(full).toContain('字'.repeat(3500));
    expect(full).not.toContain(truncationNote(BASE.ref).slice(0, 8));
    const card = make({ text: '字'.repeat(3501) });
    expectValid(card);
    const md = markdown(card);
    expect(md).not.toContain('字'.repeat(3500));
    expect(md).toContain(`${'字'.repeat(3499)}…`);
    expect(md).toContain('内容较长，已截断，完整内容请发送 /yq show YQ-20261127-007');
  });

  it('shows the changes against the previous version: removed red, added green, escaped', () => {
    const card = make({ diff: { added: ['已恢复供水', EVIL], removed: ['正在抢修'] } });
    const md = markdown(card);
    expect(md).toContain("**与上一版相比**\n<font color='red'>－ 正在抢修</font>\n<font color='green'>＋ 已恢复供水</font>");
    expectInert(card);
    expect(markdown(make())).not.toContain('与上一版相比');
    expect(markdown(make({ diff: { added: [], removed: [] } }))).toContain('与上一版相比**\n<font color=\'grey\'>文字无变化</font>');
  });

  it('keeps a huge diff and draft under the size limit, saying how many lines were left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i}${'改'.repeat(199)}`);
    const card = make({ text: '字'.repeat(5000), diff: { added: lines, removed: [] } });
    expectValid(card);
    expect(jsonBytes(card)).toBeLessThan(29 * 1024);
    const shown = DIFF_TOTAL_MAX / 200;
    expect(markdown(card)).toContain(`另有 ${100 - shown} 行变化未显示`);
  });

  it('has an optional comment whose placeholder asks for it when returning', () => {
    const card = make({ defaults: { comment: '请补充时间' } });
    expect(fieldNames(card)).toEqual(['comment']);
    expect(requiredFields(card)).toEqual([]);
    expect(field(card, 'comment')).toMatchObject({ tag: 'input', input_type: 'multiline_text', default_value: '请补充时间' });
    expect(text(field(card, 'comment').placeholder)).toContain('退回修改时请填写');
  });

  it('approves (primary) or returns (danger) the shown version', () => {
    const card = make();
    expect(callbackOf(card, 'approve_draft')).toEqual({ action: 'approve_draft', item: 4242, draft: 2 });
    expect(callbackOf(card, 'return_draft')).toEqual({ action: 'return_draft', item: 4242, draft: 2 });
    expect(field(card, 'approve_draft')).toMatchObject({ type: 'primary_filled', text: { tag: 'plain_text', content: '审核通过' } });
    expect(field(card, 'return_draft')).toMatchObject({ type: 'danger', text: { tag: 'plain_text', content: '退回修改' } });
  });

  it('escapes the draft text and the drafter', () => {
    expectInert(make({ text: EVIL, drafter: EVIL }));
  });
});
