import { describe, expect, it } from 'vitest';
import { handoverDossierCard, type HandoverDossierView } from '../../../cards/forms/handover-dossier.js';
import { jsonBytes } from '../../../cards/format.js';
import { BASE, buttons, elements, EVIL, expectInert, expectValid, formBasics, markdown } from './helpers.js';

const TIMELINE = [
  { at: '11月27日 09:30', actor: '县新闻办', text: '登记' },
  { at: '11月27日 10:00', actor: '县水务局', text: '核实：不属实' },
];
const make = (extra: Partial<HandoverDossierView> = {}) =>
  handoverDossierCard({
    ...BASE,
    handoverId: 9,
    url: 'https://weibo.com/123/abc',
    spread: '阅读1.2万 · 转发300',
    findings: '经核实，停水系正常检修，已提前公告。',
    evidence: '账号“某某”于11月26日发布不实信息，附截图。',
    timeline: TIMELINE,
    from: '县新闻办（网信办）',
    ...extra,
  });

describe('handoverDossierCard', () => {
  formBasics({ make: (v) => make(v), heading: '涉嫌造谣传谣线索移交', colour: 'carmine', submits: [] });

  it('has one 已接收 button outside any form, with the item and hand-over ids', () => {
    const card = make();
    const all = buttons(card);
    expect(all).toHaveLength(1);
    expect(all[0]!.text).toEqual({ tag: 'plain_text', content: '已接收' });
    expect(all[0]!.form_action_type).toBeUndefined();
    expect(all[0]!.behaviors).toEqual([{ type: 'callback', value: { action: 'handover_ack', item: 4242, handover: 9 } }]);
    expect(elements(card).at(-1)).toBe(all[0]);
  });

  it('shows who hands over, the spread, the link, the evidence, the findings and the history', () => {
    const md = markdown(make());
    expect(md).toContain('**移交单位**：县新闻办（网信办）');
    expect(md).toContain('**传播情况**：阅读1.2万 · 转发300');
    expect(md).toContain('**原文**：[查看原文](https://weibo.com/123/abc)');
    expect(md).toContain('**证据和线索**\n账号“某某”于11月26日发布不实信息，附截图。');
    expect(md).toContain('**核实情况**\n经核实，停水系正常检修，已提前公告。');
    expect(md).toContain('**处理记录**（共 2 条）\n11月27日 09:30 · 县新闻办 · 登记\n11月27日 10:00 · 县水务局 · 核实：不属实');
  });

  it('leaves out what is not known and never links a non-web URL', () => {
    const md = markdown(make({ url: 'javascript:alert(1)', spread: undefined, findings: undefined, timeline: [] }));
    expect(md).not.toContain('](javascript');
    expect(md).toContain('**原文**：javascript:alert(1)');
    expect(md).not.toContain('传播情况');
    expect(md).not.toContain('核实情况');
    expect(md).not.toContain('处理记录');
  });

  it('shows the newest 10 history entries and says how many earlier ones exist', () => {
    const timeline = Array.from({ length: 14 }, (_, i) => ({ at: `时间${i}`, actor: '某人', text: `事件${i}` }));
    const md = markdown(make({ timeline }));
    expect(md).toContain('更早的 4 条记录未显示');
    expect(md).not.toContain('事件3\n');
    expect(md).toContain('时间4 · 某人 · 事件4');
    expect(md).toContain('时间13 · 某人 · 事件13');
  });

  it('cuts long evidence with the explicit note and stays under the size limit', () => {
    const timeline = Array.from({ length: 30 }, () => ({ at: '时'.repeat(30), actor: '人'.repeat(30), text: '事'.repeat(500) }));
    const card = make({ evidence: '证'.repeat(5000), findings: '核'.repeat(5000), spread: '传'.repeat(500), timeline });
    expectValid(card);
    expect(jsonBytes(card)).toBeLessThan(29 * 1024);
    expect(markdown(card)).toContain('内容较长，已截断，完整内容请发送 /yq show YQ-20261127-007');
    expect(markdown(card)).not.toContain('证'.repeat(3000));
  });

  it('escapes everything the users wrote', () => {
    expectInert(make({ evidence: EVIL, findings: EVIL, from: EVIL, spread: EVIL, timeline: [{ at: EVIL, actor: EVIL, text: EVIL }] }));
  });
});
