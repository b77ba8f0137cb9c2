import { describe, expect, it } from 'vitest';
import { registerFormCard, REGISTER_FIELDS, type RegisterFormView } from '../../cards/register-form.js';
import { CARD_MAX_COMPONENTS, validateCard } from '../../src/lark/card-schema.js';

type Node = Record<string, unknown>;

const UNITS = [
  { code: 'health', name: '县卫健委' },
  { code: 'edu', name: '县教育局' },
  { code: 'police', name: '县公安局' },
];
const CATEGORIES = [
  { code: 'policy', label: '重大政策误解误读' },
  { code: 'interest', label: '涉及公众切身利益' },
  { code: 'general', label: '一般' },
];
const SOURCES = [
  { code: 'weibo', label: '微博' },
  { code: 'wechat', label: '微信' },
];

function form(overrides: Partial<RegisterFormView> = {}): Record<string, unknown> {
  return registerFormCard({ units: UNITS, categories: CATEGORIES, sources: SOURCES, ...overrides });
}

function tagged(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value)) value.forEach((v) => tagged(v, out));
  else if (typeof value === 'object' && value !== null) {
    const node = value as Node;
    if (typeof node.tag === 'string') out.push(node);
    Object.values(node).forEach((v) => tagged(v, out));
  }
  return out;
}
const elements = (card: Record<string, unknown>) => (card.body as { elements: Node[] }).elements;
/** Named components (fields and buttons), by name. */
function fields(card: Record<string, unknown>): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const node of tagged(card)) if (typeof node.name === 'string' && node.tag !== 'form') map.set(node.name, node);
  return map;
}
const field = (card: Record<string, unknown>, name: string) => {
  const node = fields(card).get(name);
  expect(node, `field ${name}`).toBeDefined();
  return node!;
};
const optionValues = (node: Node) => (node.options as { value: string; text: { content: string } }[]).map((o) => [o.value, o.text.content]);
const allMarkdown = (card: unknown) =>
  tagged(card)
    .filter((n) => n.tag === 'markdown')
    .map((n) => n.content as string)
    .join('\n');

function expectValidCard(card: unknown): void {
  const result = validateCard(card);
  expect(result.ok ? [] : result.errors).toEqual([]);
}

describe('registerFormCard', () => {
  it('is a valid card', () => {
    expectValidCard(form());
  });

  it('stays valid and under 200 components for a county with 40 units, 8 categories and 12 sources', () => {
    const card = registerFormCard({
      units: Array.from({ length: 40 }, (_, i) => ({ code: `u${i}`, name: `某某乡镇人民政府${i}` })),
      categories: Array.from({ length: 8 }, (_, i) => ({ code: `c${i}`, label: `类别${i}` })),
      sources: Array.from({ length: 12 }, (_, i) => ({ code: `s${i}`, label: `来源${i}` })),
      error: '标题不能为空',
    });
    const result = validateCard(card);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.components).toBeLessThanOrEqual(CARD_MAX_COMPONENTS);
  });

  it('holds one form named register, directly in the body', () => {
    const card = form();
    const forms = tagged(card).filter((n) => n.tag === 'form');
    expect(forms).toHaveLength(1);
    expect(forms[0]!.name).toBe('register');
    expect(elements(card)).toContain(forms[0]);
  });

  it('names the fields exactly as R1 needs, plus the submit button', () => {
    expect([...fields(form()).keys()].sort()).toEqual([...REGISTER_FIELDS, 'register_submit'].sort());
    expect([...REGISTER_FIELDS].sort()).toEqual(
      [
        'title',
        'url',
        'source',
        'category',
        'level',
        'kind',
        'lead',
        'cooperating',
        'posted',
        'found',
        'summary',
        'views',
        'reposts',
        'comments',
        'path',
        'comment_situation',
        'netizen_views',
        'drill',
      ].sort(),
    );
  });

  it('uses the right component for each field, with only the title required', () => {
    const card = form();
    const expected: Record<string, string> = {
      title: 'input',
      url: 'input',
      source: 'select_static',
      category: 'select_static',
      level: 'select_static',
      kind: 'select_static',
      lead: 'select_static',
      cooperating: 'multi_select_static',
      posted: 'picker_datetime',
      found: 'picker_datetime',
      summary: 'input',
      views: 'input',
      reposts: 'input',
      comments: 'input',
      path: 'input',
      comment_situation: 'input',
      netizen_views: 'input',
      drill: 'select_static',
    };
    for (const [name, tag] of Object.entries(expected)) expect(field(card, name).tag, name).toBe(tag);
    const required = [...fields(card).entries()].filter(([, n]) => n.required === true).map(([name]) => name);
    expect(required).toEqual(['title']);
    expect(field(card, 'cooperating').required).toBe(false);
    for (const name of ['summary', 'path', 'comment_situation', 'netizen_views']) expect(field(card, name).input_type, name).toBe('multiline_text');
  });

  it('offers the given units, categories and sources, and the fixed level, kind and drill choices', () => {
    const card = form();
    expect(optionValues(field(card, 'lead'))).toEqual([
      ['health', '县卫健委'],
      ['edu', '县教育局'],
      ['police', '县公安局'],
    ]);
    expect(optionValues(field(card, 'cooperating'))).toEqual(optionValues(field(card, 'lead')));
    expect(optionValues(field(card, 'category'))).toEqual(CATEGORIES.map((c) => [c.code, c.label]));
    expect(optionValues(field(card, 'source'))).toEqual(SOURCES.map((s) => [s.code, s.label]));
    expect(optionValues(field(card, 'level'))).toEqual([
      ['general', '一般'],
      ['major', '重大'],
      ['critical', '特别重大'],
    ]);
    expect(optionValues(field(card, 'kind'))).toEqual([
      ['opinion', '舆情'],
      ['inquiry', '咨询投诉'],
    ]);
    expect(optionValues(field(card, 'drill'))).toEqual([
      ['no', '否'],
      ['yes', '是'],
    ]);
  });

  it('starts level 一般, kind 舆情 and drill 否, leaving the rest empty', () => {
    const card = form();
    expect(field(card, 'level').initial_option).toBe('general');
    expect(field(card, 'kind').initial_option).toBe('opinion');
    expect(field(card, 'drill').initial_option).toBe('no');
    for (const name of ['source', 'category', 'lead']) expect(field(card, name).initial_option, name).toBeUndefined();
    expect(field(card, 'title').default_value).toBeUndefined();
    expect(field(card, 'posted').initial_datetime).toBeUndefined();
  });

  it('has a submit button that calls back with register_submit', () => {
    const submit = field(form(), 'register_submit');
    expect(submit.tag).toBe('button');
    expect(submit.form_action_type).toBe('submit');
    expect(submit.behaviors).toEqual([{ type: 'callback', value: { action: 'register_submit' } }]);
  });

  it('shows an error in red at the top, escaped', () => {
    const card = form({ error: '标题不能为空\n链接 <at id=all></at> 已登记为 YQ-20261127-001' });
    const first = elements(card)[0]!;
    expect(first.tag).toBe('markdown');
    expect(first.content).toBe("<font color='red'>标题不能为空</font>\n<font color='red'>链接 ＜at id=all＞＜/at＞ 已登记为 YQ-20261127-001</font>");
    expectValidCard(card);
  });

  it('starts with the form when there is no error', () => {
    expect(elements(form())[0]!.tag).toBe('form');
    expect(elements(form({ error: '  ' }))[0]!.tag).toBe('form');
  });

  it('pre-fills defaults (a lead turned into an item)', () => {
    const card = form({
      defaults: {
        title: '某小区停水三天无人管',
        url: 'https://weibo.com/1/2',
        source: 'weibo',
        category: 'interest',
        level: 'major',
        kind: 'inquiry',
        lead: 'health',
        cooperating: 'edu, police',
        posted: '2026-11-27 08:15',
        found: '2026-11-27 09:30',
        summary: '网友反映……',
        views: '12000',
        drill: 'yes',
      },
    });
    expectValidCard(card);
    expect(field(card, 'title').default_value).toBe('某小区停水三天无人管');
    expect(field(card, 'url').default_value).toBe('https://weibo.com/1/2');
    expect(field(card, 'source').initial_option).toBe('weibo');
    expect(field(card, 'category').initial_option).toBe('interest');
    expect(field(card, 'level').initial_option).toBe('major');
    expect(field(card, 'kind').initial_option).toBe('inquiry');
    expect(field(card, 'lead').initial_option).toBe('health');
    expect(field(card, 'cooperating').selected_values).toEqual(['edu', 'police']);
    expect(field(card, 'posted').initial_datetime).toBe('2026-11-27 08:15');
    expect(field(card, 'found').initial_datetime).toBe('2026-11-27 09:30');
    expect(field(card, 'summary').default_value).toBe('网友反映……');
    expect(field(card, 'views').default_value).toBe('12000');
    expect(field(card, 'drill').initial_option).toBe('yes');
    expect(allMarkdown(card)).not.toContain('请重新选择');
  });

  it('drops defaults that do not fit, and says so', () => {
    const card = form({ defaults: { lead: 'nowhere', posted: '昨天晚上', cooperating: 'edu,ghost', level: 'huge' } });
    expectValidCard(card);
    expect(field(card, 'lead').initial_option).toBeUndefined();
    expect(field(card, 'posted').initial_datetime).toBeUndefined();
    expect(field(card, 'cooperating').selected_values).toEqual(['edu']);
    expect(field(card, 'level').initial_option).toBe('general');
    const notes = allMarkdown(card);
    expect(notes).toContain('「牵头单位」预填值“nowhere”不在可选项中');
    expect(notes).toContain('「原帖发布时间」预填值“昨天晚上”不是“年-月-日 时:分”格式');
    expect(notes).toContain('「配合单位」预填值“ghost”不在可选项中');
    expect(notes).toContain('「级别」预填值“huge”不在可选项中');
  });

  it('cuts a default longer than the input holds, with a note', () => {
    const card = form({ defaults: { summary: '长'.repeat(1500) } });
    expectValidCard(card);
    const value = field(card, 'summary').default_value as string;
    expect(Array.from(value)).toHaveLength(1000);
    expect(value.endsWith('…')).toBe(true);
    expect(allMarkdown(card)).toContain('「摘要」原文超过 1000 字');
  });

  it('tolerates duplicate unit codes (Lark refuses duplicate option values)', () => {
    const card = form({ units: [...UNITS, { code: 'health', name: '卫健委（重复）' }] });
    expectValidCard(card);
    expect(optionValues(field(card, 'lead'))).toHaveLength(3);
  });
});
