import { describe, expect, it } from 'vitest';
import { disposalApprovalCard, type DisposalApprovalView } from '../../../cards/forms/disposal-approval.js';
import { BASE, callbackOf, EVIL, expectInert, expectValid, field, fieldNames, formBasics, markdown, requiredFields } from './helpers.js';

const make = (extra: Partial<DisposalApprovalView> = {}) =>
  disposalApprovalCard({ ...BASE, consultationId: 5, disposal: '三天内恢复供水', wording: '正在抢修，明日恢复', nature: '民生诉求', risks: '可能聚集', ...extra });

describe('disposalApprovalCard', () => {
  formBasics({ make: (v) => make(v), heading: '处置意见报审', colour: 'blue', form: 'disposal', submits: ['disposal_agree', 'disposal_disagree'] });

  it('shows the nature, risks, disposal opinion and wording', () => {
    const md = markdown(make());
    expect(md).toContain('**舆情性质**\n民生诉求');
    expect(md).toContain('**风险研判**\n可能聚集');
    expect(md).toContain('**处置意见**\n三天内恢复供水');
    expect(md).toContain('**统一口径**\n正在抢修，明日恢复');
    const bare = markdown(make({ nature: undefined, risks: undefined }));
    expect(bare).not.toContain('舆情性质');
    expect(bare).not.toContain('风险研判');
  });

  it('has an optional comment, pre-filled when re-shown', () => {
    const card = make({ defaults: { comment: '同意，抓紧落实' } });
    expect(fieldNames(card)).toEqual(['comment']);
    expect(requiredFields(card)).toEqual([]);
    expect(field(card, 'comment')).toMatchObject({ tag: 'input', input_type: 'multiline_text', default_value: '同意，抓紧落实' });
    expect(field(make(), 'comment').default_value).toBeUndefined();
  });

  it('agrees or disagrees with the item and consultation ids', () => {
    const card = make();
    expect(callbackOf(card, 'disposal_agree')).toEqual({ action: 'approve_disposal', item: 4242, consultation: 5, agree: true });
    expect(callbackOf(card, 'disposal_disagree')).toEqual({ action: 'approve_disposal', item: 4242, consultation: 5, agree: false });
    expect(field(card, 'disposal_agree').text).toEqual({ tag: 'plain_text', content: '同意' });
    expect(field(card, 'disposal_disagree').text).toEqual({ tag: 'plain_text', content: '不同意' });
  });

  it('cuts very long texts with the note and stays valid', () => {
    const card = make({ disposal: '处'.repeat(3000), wording: '口'.repeat(3000), nature: '性'.repeat(3000), risks: '险'.repeat(3000) });
    expectValid(card);
    expect(markdown(card)).toContain('内容较长，已截断');
  });

  it('escapes what the consultation wrote', () => {
    expectInert(make({ disposal: EVIL, wording: EVIL, nature: EVIL, risks: EVIL }));
  });
});
