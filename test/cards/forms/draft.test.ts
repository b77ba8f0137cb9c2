import { describe, expect, it } from 'vitest';
import { DRAFT_FIELDS, draftFormCard, joinDraftParts, splitDraft, type DraftFormView } from '../../../cards/forms/draft.js';
import { jsonBytes } from '../../../cards/format.js';
import { BASE, callbackOf, elements, EVIL, expectInert, expectValid, field, fieldNames, formBasics, markdown, requiredFields, text } from './helpers.js';

const make = (extra: Partial<DraftFormView> = {}) => draftFormCard({ ...BASE, ...extra });

describe('draftFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '起草回应', colour: 'blue', form: 'draft', submits: ['draft_submit'] });

  it('has five 1000-character parts (only the first required) and a note', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['text_1', 'text_2', 'text_3', 'text_4', 'text_5', 'note']);
    expect(requiredFields(card)).toEqual(['text_1']);
    expect(DRAFT_FIELDS.map((n) => text(field(card, n).label))).toEqual(['回应稿（必填）', '回应稿（续2）', '回应稿（续3）', '回应稿（续4）', '回应稿（续5）']);
    for (const n of DRAFT_FIELDS) expect(field(card, n)).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: 1000 });
    expect(text(field(card, 'note').label)).toBe('修改说明');
    expect(field(card, 'note').input_type).toBeUndefined();
  });

  it('submits draft_submit with the item id, labelled 提交审核', () => {
    const card = make();
    expect(callbackOf(card, 'draft_submit')).toEqual({ action: 'draft_submit', item: 4242 });
    expect(text(field(card, 'draft_submit').text)).toBe('提交审核');
  });

  it('tells how to send a longer draft as a message', () => {
    expect(markdown(make())).toContain('/yq draft YQ-20261127-007，换行后接全文');
  });

  it('pre-fills the parts of the previous version', () => {
    const card = make({ parts: ['第一段', '第二段'], version: 2, defaults: { note: '改了措辞' } });
    expect(field(card, 'text_1').default_value).toBe('第一段');
    expect(field(card, 'text_2').default_value).toBe('第二段');
    expect(field(card, 'text_3').default_value).toBeUndefined();
    expect(field(card, 'note').default_value).toBe('改了措辞');
    expect(markdown(card)).toContain('下方已预填第 2 版');
  });

  it('re-splits parts that are too long, so nothing is lost up to 5,000 characters', () => {
    const para = '字'.repeat(900);
    const card = make({ parts: [`${para}\n${para}\n${para}`] });
    expectValid(card);
    expect(field(card, 'text_1').default_value).toBe(para);
    expect(field(card, 'text_3').default_value).toBe(para);
    expect(field(card, 'text_4').default_value).toBeUndefined();
  });

  it('says so when even five parts cannot hold the draft', () => {
    const card = make({ parts: Array.from({ length: 6 }, () => '字'.repeat(1000)) });
    expectValid(card);
    expect(markdown(card)).toContain('原稿超过 5000 字，只预填了前 5 栏');
  });

  it('shows a return comment in orange above the context line, escaped', () => {
    const card = make({ version: 3, returnComment: '口径太软\n第二段删掉' });
    const first = elements(card)[0]!;
    expect(first.content).toBe(
      "<font color='orange'>**第 3 版已被退回，退回意见：**</font>\n<font color='orange'>口径太软</font>\n<font color='orange'>第二段删掉</font>",
    );
    expectInert(make({ returnComment: EVIL }));
    expect(markdown(make())).not.toContain('已被退回');
  });

  it('stays under the size limit when every part is full and the comment is huge', () => {
    const card = make({ parts: Array.from({ length: 5 }, () => '字'.repeat(1000)), version: 9, returnComment: '改'.repeat(5000), error: '错'.repeat(500) });
    expectValid(card);
    expect(jsonBytes(card)).toBeLessThan(29 * 1024);
    expect(markdown(card)).not.toContain('改'.repeat(1000));
  });

  it('puts the error above the return comment', () => {
    const els = elements(make({ error: '稿件为空', returnComment: '重写' }));
    expect(els[0]!.content).toBe("<font color='red'>稿件为空</font>");
    expect(String(els[1]!.content)).toContain('已被退回');
  });
});

describe('splitDraft / joinDraftParts', () => {
  it('leaves a short text whole', () => {
    expect(splitDraft('短文')).toEqual(['短文']);
  });

  it('cuts at line breaks, and joining gives the text back', () => {
    const text = ['甲'.repeat(700), '乙'.repeat(700), '丙'.repeat(700)].join('\n');
    const parts = splitDraft(text);
    expect(parts).toEqual(['甲'.repeat(700), '乙'.repeat(700), '丙'.repeat(700)]);
    expect(joinDraftParts({ text_1: parts[0], text_2: parts[1], text_3: parts[2] })).toBe(text);
  });

  it('cuts after a sentence end when there is no line break, else hard at the limit', () => {
    expect(splitDraft(`${'甲'.repeat(600)}。${'乙'.repeat(600)}`, 1000)).toEqual([`${'甲'.repeat(600)}。`, '乙'.repeat(600)]);
    const hard = splitDraft('字'.repeat(2500), 1000);
    expect(hard.map((p) => p.length)).toEqual([1000, 1000, 500]);
  });

  it('never splits a surrogate pair', () => {
    const parts = splitDraft('😀'.repeat(1500), 1000);
    expect(parts.map((p) => Array.from(p).length)).toEqual([1000, 500]);
  });

  it('joins the non-blank parts in field order, ignoring other values', () => {
    expect(joinDraftParts({ text_2: '乙', text_1: '甲 ', text_3: '  ', text_5: '戊', note: '说明', text_4: 7 })).toBe('甲\n乙\n戊');
  });
});
