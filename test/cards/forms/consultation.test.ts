import { describe, expect, it } from 'vitest';
import {
  consultationDossierCard,
  consultationRecordCard,
  type ConsultationDossierView,
  type ConsultationRecordView,
} from '../../../cards/forms/consultation.js';
import { jsonBytes } from '../../../cards/format.js';
import { BASE, callbackOf, EVIL, expectInert, expectValid, field, fieldNames, formBasics, markdown, optionPairs, requiredFields, text } from './helpers.js';

const dossier = (extra: Partial<ConsultationDossierView> = {}) =>
  consultationDossierCard({
    ...BASE,
    summary: '网友反映某小区停水三天。',
    url: 'https://example.gov.cn/a',
    leadUnit: '县水务局',
    clocks: [{ label: '回应', due: '11月28日 09:30', detail: '还剩 20 小时' }],
    timeline: [{ at: '11月27日 09:30', actor: '县新闻办', text: '登记' }],
    members: ['县委宣传部', '县政府办', '县水务局'],
    ...extra,
  });

const UNITS = [
  { code: 'water', name: '县水务局' },
  { code: 'town1', name: '城关镇' },
];
const record = (extra: Partial<ConsultationRecordView> = {}) => consultationRecordCard({ ...BASE, consultationId: 5, assignableUnits: UNITS, ...extra });

describe('consultationDossierCard', () => {
  formBasics({ make: (v) => dossier(v), heading: '重大舆情会商', colour: 'purple', submits: [], noButtons: true });

  it('shows the lead unit, members, link, summary, running clocks and history', () => {
    const md = markdown(dossier());
    expect(md).toContain('**牵头单位**：县水务局');
    expect(md).toContain('**参会单位**：县委宣传部、县政府办、县水务局');
    expect(md).toContain('[查看原文](https://example.gov.cn/a)');
    expect(md).toContain('**摘要**\n网友反映某小区停水三天。');
    expect(md).toContain('**时限**（会商期间继续计时）\n**回应**　截止 11月28日 09:30　还剩 20 小时');
    expect(md).toContain('11月27日 09:30 · 县新闻办 · 登记');
  });

  it('says the lead unit is undecided and leaves out empty parts', () => {
    const md = markdown(dossier({ leadUnit: undefined, summary: undefined, url: undefined, clocks: [], timeline: [], members: [] }));
    expect(md).toContain('**牵头单位**：待定');
    for (const s of ['参会单位', '查看原文', '摘要', '时限', '处理记录']) expect(md).not.toContain(s);
  });

  it('escapes everything the users wrote', () => {
    const card = dossier({
      summary: EVIL,
      leadUnit: EVIL,
      members: [EVIL],
      clocks: [{ label: EVIL, due: EVIL, detail: EVIL }],
      timeline: [{ at: EVIL, actor: EVIL, text: EVIL }],
    });
    expectInert(card);
  });
});

describe('consultationRecordCard', () => {
  formBasics({ make: (v) => record(v), heading: '会商记录', colour: 'blue', form: 'consultation', submits: ['consultation_submit'] });

  it('has nature, trend, risks, disposal, wording and assign; disposal and wording required', () => {
    const card = record();
    expect(fieldNames(card)).toEqual(['nature', 'trend', 'risks', 'disposal', 'wording', 'assign']);
    expect(requiredFields(card)).toEqual(['disposal', 'wording']);
    for (const n of ['nature', 'trend', 'risks', 'disposal', 'wording']) {
      expect(field(card, n)).toMatchObject({ tag: 'input', input_type: 'multiline_text', max_length: 1000 });
    }
    expect(text(field(card, 'disposal').label)).toBe('处置意见（必填）');
    expect(text(field(card, 'wording').label)).toBe('统一口径（必填）');
    expect(field(card, 'assign')).toMatchObject({ tag: 'multi_select_static', required: false });
    expect(optionPairs(field(card, 'assign'))).toEqual([
      ['water', '县水务局'],
      ['town1', '城关镇'],
    ]);
    expect(markdown(card)).toContain('**交办单位**');
  });

  it('pre-fills the defaults', () => {
    const card = record({
      defaults: { nature: '误读', trend: '平稳', risks: '聚集', disposal: '三天内恢复供水', wording: '正在抢修', assign: ['town1'] },
    });
    expectValid(card);
    expect(field(card, 'nature').default_value).toBe('误读');
    expect(field(card, 'trend').default_value).toBe('平稳');
    expect(field(card, 'risks').default_value).toBe('聚集');
    expect(field(card, 'disposal').default_value).toBe('三天内恢复供水');
    expect(field(card, 'wording').default_value).toBe('正在抢修');
    expect(field(card, 'assign').selected_values).toEqual(['town1']);
    expect(field(record(), 'wording').default_value).toBeUndefined();
    expect(field(record(), 'assign').selected_values).toBeUndefined();
  });

  it('stays valid and under the limits with full texts and 40 assignable units', () => {
    const long = '字'.repeat(1000);
    const card = record({
      assignableUnits: Array.from({ length: 40 }, (_, i) => ({ code: `u${i}`, name: `某某乡镇人民政府${i}` })),
      defaults: { nature: long, trend: long, risks: long, disposal: long, wording: long },
    });
    expectValid(card);
    expect(jsonBytes(card)).toBeLessThan(29 * 1024);
  });

  it('submits consultation_submit with the item and consultation ids', () => {
    expect(callbackOf(record(), 'consultation_submit')).toEqual({ action: 'consultation_submit', item: 4242, consultation: 5 });
  });
});
