import { describe, expect, it } from 'vitest';
import { cosignCard, type CosignView } from '../../../cards/forms/cosign.js';
import { BASE, callbackOf, EVIL, expectInert, expectValid, field, fieldNames, formBasics, markdown, requiredFields } from './helpers.js';

const make = (extra: Partial<CosignView> = {}) =>
  cosignCard({ ...BASE, unit: '县教育局', unitCode: 'edu', draftVersion: 3, text: '学校停水期间已安排送水。', ...extra });

describe('cosignCard', () => {
  formBasics({ make: (v) => make(v), heading: '会签确认', colour: 'blue', form: 'cosign', submits: ['confirm_agree', 'confirm_object'] });

  it('shows the unit and the wording with its version', () => {
    const md = markdown(make());
    expect(md).toContain('**会签单位**：县教育局');
    expect(md).toContain('**拟发布口径（第 3 版）**\n学校停水期间已安排送水。');
  });

  it('cuts a long wording like the review card', () => {
    const card = make({ text: '字'.repeat(4000) });
    expectValid(card);
    expect(markdown(card)).toContain('内容较长，已截断');
    expect(markdown(card)).not.toContain('字'.repeat(3500));
  });

  it('has an optional comment, pre-filled when re-shown', () => {
    const card = make({ defaults: { comment: '第二句删去' } });
    expect(fieldNames(card)).toEqual(['comment']);
    expect(requiredFields(card)).toEqual([]);
    expect(field(card, 'comment')).toMatchObject({ tag: 'input', input_type: 'multiline_text', default_value: '第二句删去' });
    expect(field(make(), 'comment').default_value).toBeUndefined();
  });

  it('confirms or objects with the version and the unit code', () => {
    const card = make();
    expect(callbackOf(card, 'confirm_agree')).toEqual({ action: 'confirm_wording', item: 4242, draft: 3, unit: 'edu', agree: true });
    expect(callbackOf(card, 'confirm_object')).toEqual({ action: 'confirm_wording', item: 4242, draft: 3, unit: 'edu', agree: false });
    expect(field(card, 'confirm_agree').text).toEqual({ tag: 'plain_text', content: '确认口径' });
    expect(field(card, 'confirm_object').text).toEqual({ tag: 'plain_text', content: '提出意见' });
  });

  it('escapes the wording and the unit name', () => {
    expectInert(make({ text: EVIL, unit: EVIL }));
  });
});
