import { describe, expect, it } from 'vitest';
import { assessmentCard, assessmentFormCard, type AssessmentCardView } from '../../cards/assessment.js';
import { CARD_MAX_BYTES, validateCard } from '../../src/lark/card-schema.js';
import { EVIL, tagged } from './forms/helpers.js';

function view(overrides: Partial<AssessmentCardView> = {}): AssessmentCardView {
  return {
    id: 3,
    name: '县城区停车收费标准调整',
    unit: '县卫健委',
    registered: '县卫健委 刘芳（11月27日 10:00 登记）',
    releaseDate: '12月15日（周二）',
    affectedGroups: '城区有车居民、沿街商户',
    riskLevel: 'high',
    state: 'draft',
    risks: '收费上调可能被解读为“变相敛财”',
    plan: '发布当天召开新闻发布会',
    wording: '首小时免费',
    keywords: ['停车收费', '停车费'],
    drill: false,
    missing: [],
    links: [],
    withActions: true,
    version: 2,
    ...overrides,
  };
}

const values = (card: Record<string, unknown>) => tagged(card).filter((n) => n.tag === 'button').map((b) => (b.behaviors as { value: unknown }[])[0]!.value);
const text = (card: Record<string, unknown>) => JSON.stringify(card);

describe('assessment card', () => {
  it('a high-risk draft offers only the request for approval, never 标记就绪', () => {
    const card = assessmentCard(view());
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(values(card)).toEqual([{ assessment: 3, v: 2, action: 'assess_request' }]);
    expect(text(card)).toContain('高风险');
    expect(text(card)).toContain('**计划发布日期**：12月15日（周二）');
  });

  it('a low-risk draft offers 标记就绪 and names what is missing', () => {
    const card = assessmentCard(view({ riskLevel: 'low', plan: undefined, missing: ['应对预案'] }));
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(values(card)).toEqual([{ assessment: 3, v: 2, action: 'assess_ready' }]);
    expect(text(card)).toContain('尚缺：应对预案');
    expect(text(card)).toContain('/yq assess update 3');
  });

  it('awaiting approval: a comment form with 审批通过 and 退回修改', () => {
    const card = assessmentCard(view({ state: 'awaiting_approval', note: '刘芳 已提请审批，等待县卫健委负责人审批' }));
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(values(card)).toEqual([
      { assessment: 3, v: 2, action: 'assess_approve' },
      { assessment: 3, v: 2, action: 'assess_return' },
    ]);
    expect(tagged(card).find((n) => n.name === 'comment')).toMatchObject({ tag: 'input', max_length: 500 });
  });

  it('ready, and the read-only copies of the news office and the propaganda dept, have no buttons', () => {
    const links = [{ ref: 'YQ-20261202-001', title: '城区停车费涨价引发不满', keyword: '停车费', at: '12月2日 10:00' }];
    for (const card of [assessmentCard(view({ state: 'ready', links })), assessmentCard(view({ withActions: false }))]) {
      expect(validateCard(card)).toMatchObject({ ok: true });
      expect(values(card)).toEqual([]);
    }
    expect(text(assessmentCard(view({ state: 'ready', links })))).toContain('YQ-20261202-001「城区停车费涨价引发不满」（关键词：停车费）');
  });

  it('user text cannot mention, format or link; huge text stays under the limit', () => {
    const huge = `${EVIL}\n${'长'.repeat(3000)}`;
    const card = assessmentCard(
      view({ name: EVIL, unit: EVIL, affectedGroups: EVIL, risks: huge, plan: huge, wording: huge, keywords: [EVIL], note: EVIL, links: Array.from({ length: 30 }, (_, i) => ({ ref: `YQ-${i}`, title: EVIL, keyword: EVIL, at: EVIL })) }),
    );
    const result = validateCard(card);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(result.bytes).toBeLessThan(CARD_MAX_BYTES);
    const markdown = tagged(card).filter((n) => n.tag === 'markdown').map((n) => String(n.content)).join('\n');
    expect(markdown).not.toContain('<at id=all>');
    expect(markdown).not.toMatch(/[^\\]\]\(https:\/\/evil/);
    expect(markdown).toContain('完整内容请发送 /yq assess show 3');
    expect(markdown).toContain('更早的 20 条未显示');
  });

  it('the registration form: required fields, a date picker and a submit', () => {
    const card = assessmentFormCard({ unit: '县卫健委' });
    expect(validateCard(card)).toMatchObject({ ok: true });
    const nodes = tagged(card);
    for (const name of ['name', 'release', 'level', 'keywords']) expect(nodes.find((n) => n.name === name), name).toMatchObject({ required: true });
    expect(nodes.find((n) => n.name === 'release')).toMatchObject({ tag: 'date_picker' });
    expect(nodes.find((n) => n.name === 'assess_submit')).toMatchObject({ form_action_type: 'submit', behaviors: [{ type: 'callback', value: { action: 'assess_submit' } }] });
  });
});
