import { describe, expect, it } from 'vitest';
import { leadCard, leadRegisterFormCard, leadRejectFormCard, type LeadCardView } from '../../cards/lead.js';
import { itemCard } from '../../cards/item.js';
import { CARD_MAX_BYTES, validateCard } from '../../src/lark/card-schema.js';
import { EVIL, tagged } from './forms/helpers.js';

function view(overrides: Partial<LeadCardView> = {}): LeadCardView {
  return {
    id: 12,
    title: '青松镇菜市场摊位费上涨引发议论',
    channel: 'tip',
    reporter: '青松镇 赵敏',
    reportedAt: '11月27日 10:00',
    url: 'https://m.weibo.cn/status/4900000000000777',
    facts: [
      ['来源', '微博'],
      ['建议牵头单位', '青松镇'],
      ['传播', '阅读3000 · 转发20'],
      ['倾向', undefined],
    ],
    summary: '有网民称菜市场摊位费一年涨了三成',
    pushes: 1,
    status: 'open',
    note: '2小时内无人处理将提醒县新闻办负责人',
    version: 1,
    ...overrides,
  };
}

const buttons = (card: Record<string, unknown>) => tagged(card).filter((n) => n.tag === 'button');
const text = (card: Record<string, unknown>) => JSON.stringify(card);

describe('lead card', () => {
  it('an open lead: valid card 2.0 with who reported it, the facts, and both buttons', () => {
    const card = leadCard(view());
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(text(card)).toContain('青松镇 赵敏（11月27日 10:00）');
    expect(text(card)).toContain('[查看原文](https://m.weibo.cn/status/4900000000000777)');
    expect(text(card)).toContain('**建议牵头单位**：青松镇');
    expect(text(card)).not.toContain('倾向');
    expect(buttons(card).map((b) => (b.behaviors as { value: unknown }[])[0]!.value)).toEqual([
      { lead: 12, v: 1, action: 'lead_register' },
      { lead: 12, v: 1, action: 'lead_reject' },
    ]);
  });

  it.each(['registered', 'rejected', 'merged'] as const)('a %s lead shows its outcome and no buttons', (status) => {
    const card = leadCard(view({ status, outcome: '已登记为 YQ-20261127-001（林小梅，11月27日 10:20）', note: undefined, version: 3 }));
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(buttons(card)).toEqual([]);
    expect(text(card)).toContain('处理结果');
    expect(text(card)).toContain('卡片版本 3');
  });

  it('a monitoring push says so and counts the pushes', () => {
    const card = leadCard(view({ channel: 'intake', reporter: '监测系统 yuqing-monitor', pushes: 3, lastPushedAt: '11月27日 11:00' }));
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(text(card)).toContain('监测预警线索 #12');
    expect(text(card)).toContain('监测系统已推送 3 次，最近一次 11月27日 11:00');
  });

  it('user text cannot mention, format or link; huge text stays under the limit', () => {
    const card = leadCard(view({ title: EVIL, reporter: EVIL, summary: `${EVIL}\n${'长'.repeat(20_000)}`, facts: [['来源', EVIL]], outcome: EVIL, url: 'javascript:alert(1)' }));
    const result = validateCard(card);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(result.bytes).toBeLessThan(CARD_MAX_BYTES);
    // Markdown is where text could act; plain_text (title, summary) never renders tags.
    const markdown = tagged(card).filter((n) => n.tag === 'markdown').map((n) => String(n.content)).join('\n');
    expect(markdown).not.toContain('<at id=all>');
    expect(markdown).not.toMatch(/[^\\]\]\(https:\/\/evil/); // only the escaped \](…) remains
    expect(markdown).not.toContain('](javascript');
    expect(markdown).toContain('摘要较长，已截断');
  });

  it('the reject form has one required reason and a submit carrying the lead', () => {
    const card = leadRejectFormCard({ leadId: 12, title: EVIL, reporter: '县卫健委 刘芳' });
    expect(validateCard(card)).toMatchObject({ ok: true });
    const nodes = tagged(card);
    expect(nodes.find((n) => n.name === 'reason')).toMatchObject({ tag: 'input', required: true, max_length: 500 });
    expect(nodes.find((n) => n.name === 'lead_reject_submit')).toMatchObject({ form_action_type: 'submit', behaviors: [{ type: 'callback', value: { action: 'lead_reject_submit', lead: 12 } }] });
    expect(nodes.filter((n) => n.tag === 'markdown').map((n) => String(n.content)).join('\n')).not.toContain('<at id=all>');
  });

  it('the registration form from a lead is pre-filled and its submit carries the lead', () => {
    const card = leadRegisterFormCard(
      { units: [{ code: 'qingsong', name: '青松镇' }], categories: [{ code: 'general', label: '一般' }], sources: [{ code: 'weibo', label: '微博' }], defaults: { title: '某事', lead: 'qingsong', found: '2026-11-27 10:00' } },
      { id: 12, reporter: '青松镇 赵敏' },
    );
    expect(validateCard(card)).toMatchObject({ ok: true });
    const nodes = tagged(card);
    expect(nodes.find((n) => n.name === 'register_submit')).toMatchObject({ behaviors: [{ type: 'callback', value: { action: 'register_submit', lead: 12 } }] });
    expect(nodes.find((n) => n.name === 'title')).toMatchObject({ default_value: '某事' });
    expect(nodes.find((n) => n.name === 'lead')).toMatchObject({ initial_option: 'qingsong' });
    expect(text(card)).toContain('线索 #12 · 青松镇 赵敏 报送');
  });
});

describe('item card', () => {
  it('names the lead it came from among its facts', () => {
    const card = itemCard({
      ref: 'YQ-20261127-001',
      title: '某事',
      categoryLabel: '一般',
      level: 'general',
      levelLabel: '一般',
      kindLabel: '舆情',
      stateLabel: '已交办',
      drill: false,
      discoveredAt: '11月27日 10:00',
      cooperatingUnits: [],
      leadSource: '青松镇 赵敏（11月27日 10:00 报送）',
      clocks: [],
      timeline: [],
      actions: [],
      version: 1,
    });
    expect(validateCard(card)).toMatchObject({ ok: true });
    expect(text(card)).toContain('**线索来源**：青松镇 赵敏（11月27日 10:00 报送）');
  });
});
