import { describe, expect, it } from 'vitest';
import { escapeMd, mentions, safeLinkUrl, truncate } from '../../cards/format.js';
import { itemCard, MAX_UNIT_BUTTONS, SUMMARY_MAX_CHARS, type ItemCardView } from '../../cards/item.js';
import { CARD_MAX_BYTES, CARD_MAX_COMPONENTS, validateCard } from '../../src/lark/card-schema.js';

type Node = Record<string, unknown>;

function view(overrides: Partial<ItemCardView> = {}): ItemCardView {
  return {
    ref: 'YQ-20261127-001',
    title: '网传某镇卫生院夜间无人值守',
    url: 'https://weibo.com/1234/abcd',
    sourceLabel: '微博',
    categoryLabel: '涉及公众切身利益',
    level: 'general',
    levelLabel: '一般',
    kindLabel: '舆情',
    stateLabel: '已交办',
    drill: false,
    summary: '网友发帖称某镇卫生院夜间无人值守，急诊病人无法就医。',
    postedAt: '11月26日 22:10',
    discoveredAt: '11月27日 09:30',
    spread: '阅读1.2万 · 转发300 · 评论56',
    leadUnit: '县卫健委',
    cooperatingUnits: ['某镇人民政府'],
    routingNote: '关键词命中：卫生院',
    clocks: [
      { label: '认领', due: '11月27日 11:30', status: 'running', detail: '还剩 1小时30分' },
      { label: '核实', due: '11月28日 09:30', status: 'due_soon', detail: '还剩 20分' },
      { label: '回应', due: '11月29日 09:30', status: 'overdue', detail: '已超时 2小时' },
      { label: '整改', due: '12月1日', status: 'met', detail: '已完成' },
    ],
    nextStep: '等待县卫健委认领',
    mention: ['ou_liaison1'],
    timeline: [{ at: '11月27日 09:31', actor: '县新闻办 李四', text: '登记并交办县卫健委' }],
    actions: [
      { label: '认领', value: { action: 'acknowledge', ref: 'YQ-20261127-001', v: 3 }, style: 'primary' },
      { label: '对分派有异议', value: { action: 'dispute', ref: 'YQ-20261127-001', v: 3 }, style: 'danger', confirm: '将提交县新闻办裁定' },
    ],
    version: 3,
    ...overrides,
  };
}

/** Every object in the card that carries a `tag`, depth-first. */
function tagged(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value)) value.forEach((v) => tagged(v, out));
  else if (typeof value === 'object' && value !== null) {
    const node = value as Node;
    if (typeof node.tag === 'string') out.push(node);
    Object.values(node).forEach((v) => tagged(v, out));
  }
  return out;
}
const ofTag = (card: unknown, tag: string) => tagged(card).filter((n) => n.tag === tag);
const markdown = (card: unknown) => ofTag(card, 'markdown').map((n) => n.content as string);
const allMarkdown = (card: unknown) => markdown(card).join('\n');
const buttons = (card: unknown) => ofTag(card, 'button');
const buttonLabel = (b: Node) => (b.text as Node).content;
const elements = (card: Record<string, unknown>) => (card.body as { elements: Node[] }).elements;
const header = (card: Record<string, unknown>) => card.header as Node & { title: Node; subtitle: Node; text_tag_list: Node[] };
const tagTexts = (card: Record<string, unknown>) => header(card).text_tag_list.map((t) => (t.text as Node).content);

function expectValidCard(card: unknown): void {
  const result = validateCard(card);
  expect(result.ok ? [] : result.errors).toEqual([]);
}

describe('itemCard: validity and limits', () => {
  it('builds a valid card for an ordinary item', () => {
    expectValidCard(itemCard(view()));
  });

  it('builds a valid card with only the required fields', () => {
    const minimal: ItemCardView = {
      ref: 'YQ-20261127-002',
      title: '咨询',
      categoryLabel: '一般',
      level: 'general',
      levelLabel: '一般',
      kindLabel: '咨询投诉',
      stateLabel: '已登记',
      drill: false,
      discoveredAt: '11月27日 10:00',
      cooperatingUnits: [],
      clocks: [],
      timeline: [],
      actions: [],
      version: 1,
    };
    expectValidCard(itemCard(minimal));
  });

  it('stays within 30 KB and 200 components with a 5,000-character summary, 50 timeline entries, 12 buttons and unit choices', () => {
    const big = view({
      title: '标'.repeat(300),
      summary: '舆情摘要内容'.repeat(834).slice(0, 5000),
      timeline: Array.from({ length: 50 }, (_, i) => ({ at: `11月27日 ${String(i % 24).padStart(2, '0')}:00`, actor: '某某单位 工作人员', text: `处理记录${i}：`.padEnd(300, '详') })),
      actions: Array.from({ length: 12 }, (_, i) => ({
        label: `操作按钮${i}`,
        value: { action: `a${i}`, ref: 'YQ-20261127-001', item: '8f1c2e7a-1111-2222-3333-444455556666', v: 3 },
        style: 'primary' as const,
        confirm: '确认执行此操作？',
      })),
      unitChoices: Array.from({ length: 8 }, (_, i) => ({ code: `unit${i}`, name: `某某局${i}` })),
      routingNote: '说'.repeat(2000),
      spread: '阅'.repeat(2000),
    });
    expect(big.summary).toHaveLength(5000);
    const card = itemCard(big);
    const result = validateCard(card);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.bytes).toBeLessThanOrEqual(CARD_MAX_BYTES);
    expect(result.components).toBeLessThanOrEqual(CARD_MAX_COMPONENTS);
    expect(buttons(card)).toHaveLength(12 + 8);
  });

  it('cuts texts harder when button values alone would push the card past 30 KB, and still says so', () => {
    const heavy = view({
      summary: '摘'.repeat(5000),
      actions: Array.from({ length: 12 }, (_, i) => ({ label: `操作${i}`, value: { action: `a${i}`, blob: 'x'.repeat(2100) } })),
    });
    const card = itemCard(heavy);
    const result = validateCard(card);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const summary = markdown(card).find((c) => c.startsWith('**摘要**'))!;
    expect(summary.split('\n')[1]!.length).toBeLessThan(SUMMARY_MAX_CHARS);
    expect(summary).toContain('内容较长，已截断，完整内容请发送 /yq show YQ-20261127-001');
    // The button values are never cut.
    expect(buttons(card).map((b) => (b.behaviors as Node[])[0]!.value)).toEqual(heavy.actions.map((a) => a.value));
  });

  it('never uses the removed action or note tags', () => {
    const card = itemCard(view({ unitChoices: [{ code: 'health', name: '县卫健委' }] }));
    expect(ofTag(card, 'action')).toEqual([]);
    expect(ofTag(card, 'note')).toEqual([]);
  });
});

describe('itemCard: header and config', () => {
  it.each([
    ['general', 'blue'],
    ['major', 'orange'],
    ['critical', 'red'],
  ] as const)('colours a %s item %s', (level, template) => {
    expect(header(itemCard(view({ level }))).template).toBe(template);
  });

  it.each(['general', 'major', 'critical'] as const)('makes a drill of level %s grey with a visible 演练 tag', (level) => {
    const card = itemCard(view({ level, drill: true }));
    expect(header(card).template).toBe('grey');
    expect(tagTexts(card)).toContain('演练');
    expect(allMarkdown(card)).toContain('【演练】');
  });

  it('tags level and kind, and 演练 only for drills', () => {
    const card = itemCard(view({ level: 'major', levelLabel: '重大', kindLabel: '咨询投诉' }));
    expect(tagTexts(card)).toEqual(['重大', '咨询投诉']);
    expect(header(card).text_tag_list[0]!.color).toBe('orange');
    expect(allMarkdown(card)).not.toContain('演练');
  });

  it('uses the title as header title and ref · state as subtitle', () => {
    const card = itemCard(view());
    expect(header(card).title).toEqual({ tag: 'plain_text', content: '网传某镇卫生院夜间无人值守' });
    expect(header(card).subtitle).toEqual({ tag: 'plain_text', content: 'YQ-20261127-001 · 已交办' });
  });

  it('cuts a long title with an ellipsis', () => {
    const title = `${'很长的标题'.repeat(30)}结尾`;
    const shown = header(itemCard(view({ title }))).title.content as string;
    expect(shown.endsWith('…')).toBe(true);
    expect(Array.from(shown).length).toBeLessThanOrEqual(60);
    expect(title.startsWith(shown.slice(0, -1))).toBe(true);
  });

  it('declares a shared card and a preview of level and title', () => {
    const card = itemCard(view({ levelLabel: '重大' }));
    expect(card.config).toEqual({ update_multi: true, summary: { content: '[重大] 网传某镇卫生院夜间无人值守' } });
    expect((itemCard(view({ drill: true })).config as Node).summary).toEqual({ content: '[演练][一般] 网传某镇卫生院夜间无人值守' });
  });
});

describe('itemCard: body', () => {
  it('puts the mention line first, as <at> tags for open_ids only', () => {
    const card = itemCard(view({ mention: ['ou_a1', 'all', 'ou_b2', 'ou_a1', 'ou_x></at><at id=all'] }));
    expect(elements(card)[0]).toEqual({ tag: 'markdown', content: '<at id=ou_a1></at> <at id=ou_b2></at>' });
    expect(JSON.stringify(card)).not.toContain('id=all');
  });

  it('has no mention line when nobody is mentioned', () => {
    const card = itemCard(view({ mention: [] }));
    expect(allMarkdown(card)).not.toContain('<at');
  });

  it('shows the facts, with 待定 while routing is undecided and 无 without cooperating units', () => {
    const facts = allMarkdown(itemCard(view()));
    expect(facts).toContain('**来源**：微博（[查看原文](https://weibo.com/1234/abcd)）');
    expect(facts).toContain('**类别**：涉及公众切身利益');
    expect(facts).toContain('**发现时间**：11月27日 09:30（原帖 11月26日 22:10）');
    expect(facts).toContain('**牵头单位**：县卫健委');
    expect(facts).toContain('**配合单位**：某镇人民政府');
    expect(facts).toContain('**传播**：阅读1.2万 · 转发300 · 评论56');
    const undecided = allMarkdown(itemCard(view({ leadUnit: undefined, cooperatingUnits: [] })));
    expect(undecided).toContain("**牵头单位**：<font color='orange'>待定</font>");
    expect(undecided).toContain('**配合单位**：无');
  });

  it('shows one line per clock, coloured by status', () => {
    const text = allMarkdown(itemCard(view()));
    expect(text).toContain('**认领**\u3000截止 11月27日 11:30\u3000还剩 1小时30分');
    expect(text).toContain("<font color='orange'>还剩 20分</font>");
    expect(text).toContain("<font color='red'>已超时 2小时</font>");
    expect(text).toContain("<font color='green'>已完成</font>");
    expect(text).not.toMatch(/<font color='[a-z]+'>还剩 1小时30分/u);
  });

  it('shows who acts next and the footnote', () => {
    const text = allMarkdown(itemCard(view({ footnote: '此卡片已移至新消息' })));
    expect(text).toContain('**下一步**：等待县卫健委认领');
    expect(text).toContain('此卡片已移至新消息');
  });

  it('keeps a short summary whole, without a truncation note', () => {
    const text = allMarkdown(itemCard(view()));
    expect(text).toContain('网友发帖称某镇卫生院夜间无人值守，急诊病人无法就医。');
    expect(text).not.toContain('已截断');
  });

  it('cuts a 5,000-character summary with the explicit note, and stays under 30 KB', () => {
    const summary = '一二三四五六七八九十'.repeat(500);
    const card = itemCard(view({ summary }));
    const block = markdown(card).find((c) => c.startsWith('**摘要**'))!;
    expect(block).toContain("<font color='grey'>内容较长，已截断，完整内容请发送 /yq show YQ-20261127-001</font>");
    const shown = block.split('\n')[1]!;
    expect(shown.endsWith('…')).toBe(true);
    expect(Array.from(shown).length).toBe(SUMMARY_MAX_CHARS);
    expect(summary.startsWith(shown.slice(0, -1))).toBe(true);
    const result = validateCard(card);
    expect(result.ok && result.bytes).toBeLessThanOrEqual(CARD_MAX_BYTES);
  });

  it('folds the timeline into a collapsed panel with the last 5 entries and the count of earlier ones', () => {
    const timeline = Array.from({ length: 50 }, (_, i) => ({ at: `时刻${i}`, actor: '张三', text: `第${i}条` }));
    const card = itemCard(view({ timeline }));
    const [panel] = ofTag(card, 'collapsible_panel');
    expect(panel).toBeDefined();
    expect(panel!.expanded).toBe(false);
    const text = markdown(panel).join('\n');
    for (let i = 45; i < 50; i += 1) expect(text).toContain(`时刻${i} · 张三 · 第${i}条`);
    expect(text).not.toContain('第44条');
    expect(text).toContain('更早的 45 条记录未显示');
    expect(text.indexOf('第45条')).toBeLessThan(text.indexOf('第49条'));
  });

  it('says nothing about earlier entries when there are 5 or fewer', () => {
    const timeline = Array.from({ length: 5 }, (_, i) => ({ at: `时刻${i}`, actor: '张三', text: `第${i}条` }));
    const text = allMarkdown(itemCard(view({ timeline })));
    expect(text).toContain('第0条');
    expect(text).not.toContain('更早的');
  });
});

describe('itemCard: buttons', () => {
  it('carries each action value as a callback behavior, in order, in a flowing column_set', () => {
    const v = view();
    const card = itemCard(v);
    const found = buttons(card);
    expect(found.map(buttonLabel)).toEqual(['认领', '对分派有异议']);
    found.forEach((b, i) => expect(b.behaviors).toEqual([{ type: 'callback', value: v.actions[i]!.value }]));
    const rows = ofTag(card, 'column_set').filter((cs) => buttons(cs).length > 0);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.flex_mode).toBe('flow');
  });

  it('maps styles and adds a confirm dialog only when asked', () => {
    const [claim, dispute] = buttons(itemCard(view()));
    expect(claim!.type).toBe('primary_filled');
    expect(claim!.confirm).toBeUndefined();
    expect(dispute!.type).toBe('danger');
    expect(dispute!.confirm).toEqual({ title: { tag: 'plain_text', content: '确认对分派有异议？' }, text: { tag: 'plain_text', content: '将提交县新闻办裁定' } });
    const [plain] = buttons(itemCard(view({ actions: [{ label: '查看', value: { action: 'show' } }] })));
    expect(plain!.type).toBe('default');
  });

  it('has no button section when there are no actions', () => {
    const card = itemCard(view({ actions: [] }));
    expect(buttons(card)).toEqual([]);
    expect(ofTag(card, 'column_set')).toEqual([]);
  });

  it('shows unit choice buttons only when given', () => {
    expect(buttons(itemCard(view({ actions: [] }))).length).toBe(0);
    expect(buttons(itemCard(view({ actions: [], unitChoices: [] }))).length).toBe(0);
    const card = itemCard(view({ actions: [], leadUnit: undefined, unitChoices: [{ code: 'health', name: '县卫健委' }, { code: 'edu', name: '县教育局' }] }));
    const found = buttons(card);
    expect(found.map(buttonLabel)).toEqual(['县卫健委', '县教育局']);
    expect(found[0]!.behaviors).toEqual([{ type: 'callback', value: { ref: 'YQ-20261127-001', version: 3, action: 'route', unit: 'health' } }]);
    expect(allMarkdown(card)).toContain('请县新闻办指定牵头单位');
  });

  it('merges baseValue into unit choices without letting it override action or unit', () => {
    const card = itemCard(
      view({ actions: [], unitChoices: [{ code: 'edu', name: '县教育局' }], baseValue: { item: 'i-1', v: 9, action: 'x', unit: 'y' } }),
    );
    expect(buttons(card)[0]!.behaviors).toEqual([{ type: 'callback', value: { item: 'i-1', v: 9, action: 'route', unit: 'edu' } }]);
  });

  it(`lists at most ${MAX_UNIT_BUTTONS} unit buttons and names the rest`, () => {
    const unitChoices = Array.from({ length: 35 }, (_, i) => ({ code: `u${i}`, name: `单位${i}` }));
    const card = itemCard(view({ actions: [], unitChoices }));
    expectValidCard(card);
    expect(buttons(card)).toHaveLength(MAX_UNIT_BUTTONS);
    const text = allMarkdown(card);
    expect(text).toContain('另有 5 个单位未列出按钮：单位30、单位31、单位32、单位33、单位34');
  });
});

describe('itemCard: user text cannot inject formatting or mentions', () => {
  const hostile = '<at id=all></at> **加粗** [链接](https://evil.example) <font color=red>红</font>';

  it('escapes @all and markdown in every user-supplied field', () => {
    const card = itemCard(
      view({
        mention: [],
        title: hostile,
        summary: hostile,
        sourceLabel: hostile,
        categoryLabel: hostile,
        leadUnit: hostile,
        cooperatingUnits: [hostile],
        routingNote: hostile,
        spread: hostile,
        nextStep: hostile,
        footnote: hostile,
        timeline: [{ at: hostile, actor: hostile, text: hostile }],
        clocks: [{ label: hostile, due: hostile, status: 'overdue', detail: hostile }],
        unitChoices: [{ code: 'x', name: hostile }, ...Array.from({ length: MAX_UNIT_BUTTONS }, (_, i) => ({ code: `u${i}`, name: hostile }))],
      }),
    );
    expectValidCard(card);
    const text = allMarkdown(card);
    expect(text).not.toMatch(/<at/u);
    expect(text).not.toContain('**加粗**');
    expect(text).not.toContain('[链接](');
    expect(text).not.toContain('<font color=red>');
    expect(text).toContain('＜at id=all＞＜/at＞ \\*\\*加粗\\*\\* \\[链接\\](https://evil.example)');
  });

  it('ignores a link that is not http(s)', () => {
    const text = allMarkdown(itemCard(view({ url: 'javascript:alert(1)' })));
    expect(text).not.toContain('](javascript');
    expect(text).toContain('javascript:alert(1)');
  });
});

describe('format helpers', () => {
  it('escapeMd neutralises tags, entities and markdown', () => {
    expect(escapeMd('<at id=all></at>')).toBe('＜at id=all＞＜/at＞');
    expect(escapeMd('&lt;at id=all&gt;')).toBe('＆lt;at id=all＆gt;');
    expect(escapeMd('**x** _y_ ~~z~~ `c` [a](b) | #')).toBe('\\*\\*x\\*\\* \\_y\\_ \\~\\~z\\~\\~ \\`c\\` \\[a\\](b) \\| \\#');
    expect(escapeMd('- 列表\n1. 序号\n> 引用\n\\')).toBe('\\- 列表\n1\\. 序号\n＞ 引用\n\\\\');
    expect(escapeMd('普通文字 2026-11-27')).toBe('普通文字 2026-11-27');
  });

  it('truncate counts code points and never splits a surrogate pair', () => {
    expect(truncate('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(truncate('abcd', 3)).toEqual({ text: 'ab…', truncated: true });
    expect(truncate('😀😀😀😀', 3)).toEqual({ text: '😀😀…', truncated: true });
  });

  it('mentions keeps open_ids only, once each', () => {
    expect(mentions(['ou_1', 'all', 'ou_1', 'ou_2 ', 'ou_3'])).toBe('<at id=ou_1></at> <at id=ou_3></at>');
    expect(mentions([])).toBe('');
  });

  it('safeLinkUrl accepts http(s) only and encodes characters that would break a link', () => {
    expect(safeLinkUrl('https://a.example/x_(y)')).toBe('https://a.example/x_%28y%29');
    expect(safeLinkUrl('ftp://a.example')).toBeUndefined();
    expect(safeLinkUrl('not a url')).toBeUndefined();
  });
});
