import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyFormCard } from '../../cards/forms/verify.js';
import { itemCard } from '../../cards/item.js';
import { noticeCard } from '../../cards/notice.js';
import { REGISTER_FIELDS, registerFormCard } from '../../cards/register-form.js';
import { validateCard } from '../../src/lark/card-schema.js';
import { BASE, CARD_SAMPLES, EVIL, itemView, UNITS } from '../helpers/card-samples.js';
import {
  collectFormValues,
  COMPONENT_TAGS,
  findUnsupportedTags,
  formatDateTimeValue,
  formatDateValue,
  formatOffset,
  formFields,
  parseMarkdown,
  parseTextMessage,
  renderCard,
  SUPPORTED_TAGS,
  type CardAction,
} from '../../src/sandbox/page/cards.js';

// ---------------------------------------------------------------------------------------------
// A very small DOM stand-in: just what cards.js uses (no dependency, no globals).
// ---------------------------------------------------------------------------------------------

type Listener = () => void;

class FakeText {
  readonly nodeType = 3;
  parentNode: FakeElement | null = null;
  constructor(public data: string) {}
  get textContent(): string {
    return this.data;
  }
}

type FakeNode = FakeElement | FakeText;

class FakeElement {
  readonly nodeType = 1;
  readonly tagName: string;
  parentNode: FakeElement | null = null;
  childNodes: FakeNode[] = [];
  readonly attributes = new Map<string, string>();
  readonly style: Record<string, string> = {};
  readonly listeners = new Map<string, Listener[]>();
  private classes = new Set<string>();
  hidden = false;
  disabled = false;
  checked = false;
  value = '';
  title = '';
  name = '';
  placeholder = '';
  rows = 0;
  readonly classList = {
    add: (...names: string[]) => names.forEach((n) => this.classes.add(n)),
    remove: (...names: string[]) => names.forEach((n) => this.classes.delete(n)),
    contains: (n: string) => this.classes.has(n),
    toggle: (n: string, force?: boolean) => {
      const on = force ?? !this.classes.has(n);
      if (on) this.classes.add(n);
      else this.classes.delete(n);
      return on;
    },
  };

  constructor(tag: string) {
    this.tagName = tag.toUpperCase();
  }
  get className(): string {
    return [...this.classes].join(' ');
  }
  set className(value: string) {
    this.classes = new Set(value.split(/\s+/u).filter(Boolean));
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  appendChild<T extends FakeNode>(node: T): T {
    node.parentNode?.removeChild(node);
    this.childNodes.push(node);
    node.parentNode = this;
    return node;
  }
  insertBefore<T extends FakeNode>(node: T, ref: FakeNode | null): T {
    if (ref === null) return this.appendChild(node);
    node.parentNode?.removeChild(node);
    this.childNodes.splice(this.childNodes.indexOf(ref), 0, node);
    node.parentNode = this;
    return node;
  }
  removeChild<T extends FakeNode>(node: T): T {
    this.childNodes = this.childNodes.filter((n) => n !== node);
    node.parentNode = null;
    return node;
  }
  get textContent(): string {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(value: string) {
    this.childNodes = [];
    if (value !== '') this.appendChild(new FakeText(value));
  }
  addEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  fire(type: string): void {
    for (const fn of this.listeners.get(type) ?? []) fn();
  }
}

const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag),
  createTextNode: (text: string) => new FakeText(text),
};

function all(root: FakeElement): FakeElement[] {
  const out: FakeElement[] = [root];
  for (const child of root.childNodes) if (child instanceof FakeElement) out.push(...all(child));
  return out;
}
const byClass = (root: FakeElement, name: string) => all(root).filter((e) => e.classList.contains(name));
const byTag = (root: FakeElement, tag: string) => all(root).filter((e) => e.tagName === tag.toUpperCase());
const buttonNamed = (root: FakeElement, text: string) => {
  const found = byTag(root, 'button').find((b) => b.textContent === text);
  expect(found, `button ${text}`).toBeDefined();
  return found!;
};
/** The control of the field whose name is `name` (rendered inputs carry it as a property). */
const control = (root: FakeElement, name: string) => {
  const found = all(root).find((e) => e.classList.contains('field-control') && e.name === name);
  expect(found, `control ${name}`).toBeDefined();
  return found!;
};

const PEOPLE = [
  { openId: 'ou_liaison1', name: '赵联络', title: '县卫健委 联络人', group: '牵头/责任单位' },
  { openId: 'ou_news1', name: '李四', title: '县新闻办 干部', group: '县新闻办' },
];
const PEOPLE_BY_ID = new Map(PEOPLE.map((p) => [p.openId, p]));

function render(card: unknown, onAction: (a: CardAction) => unknown = () => undefined, extra: Record<string, unknown> = {}): FakeElement {
  return renderCard(card, {
    document: fakeDocument,
    onAction,
    peopleById: PEOPLE_BY_ID,
    people: PEOPLE,
    offsetMinutes: 480,
    confirm: () => true,
    ...extra,
  }) as FakeElement;
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

describe('parseMarkdown', () => {
  it('reads bold, italics, strike-through and code', () => {
    expect(parseMarkdown('**粗** *斜* ~~删~~ `code`')).toEqual([
      { type: 'text', text: '粗', bold: true },
      { type: 'text', text: ' ' },
      { type: 'text', text: '斜', italic: true },
      { type: 'text', text: ' ' },
      { type: 'text', text: '删', strike: true },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'code', code: true },
    ]);
  });

  it('reads the bot’s label lines and keeps full-width characters as they are', () => {
    expect(parseMarkdown('**牵头单位**：县卫健委（城关镇）　＜b＞')).toEqual([
      { type: 'text', text: '牵头单位', bold: true },
      { type: 'text', text: '：县卫健委（城关镇）　＜b＞' },
    ]);
  });

  it('reads links, and refuses targets that are not http(s) or mailto', () => {
    expect(parseMarkdown('来源（[查看原文](https://weibo.com/1234/abcd)）')).toEqual([
      { type: 'text', text: '来源（' },
      { type: 'text', text: '查看原文', href: 'https://weibo.com/1234/abcd' },
      { type: 'text', text: '）' },
    ]);
    expect(parseMarkdown('[**粗链接**](https://a.example/x?y=1)')).toEqual([{ type: 'text', text: '粗链接', bold: true, href: 'https://a.example/x?y=1' }]);
    expect(parseMarkdown('[点我](javascript:alert(1))')).toEqual([{ type: 'text', text: '点我' }]);
  });

  it('reads mentions in every form Lark uses', () => {
    expect(parseMarkdown('<at id=ou_a></at> <at id="ou_b"></at><at ids=ou_c,ou_d></at><at id=all></at>')).toEqual([
      { type: 'at', id: 'ou_a' },
      { type: 'text', text: ' ' },
      { type: 'at', id: 'ou_b' },
      { type: 'at', id: 'ou_c' },
      { type: 'at', id: 'ou_d' },
      { type: 'at', id: 'all' },
    ]);
  });

  it('reads font colours, nested with bold, and ignores colours it does not know', () => {
    expect(parseMarkdown("<font color='orange'>**第 2 版已被退回**</font>")).toEqual([{ type: 'text', text: '第 2 版已被退回', bold: true, color: 'orange' }]);
    expect(parseMarkdown("<font color='red'>超时 <font color=\"green\">已完成</font></font>")).toEqual([
      { type: 'text', text: '超时 ', color: 'red' },
      { type: 'text', text: '已完成', color: 'green' },
    ]);
    expect(parseMarkdown("<font color='url(javascript:x)'>文字</font>")).toEqual([{ type: 'text', text: '文字' }]);
  });

  it('turns line breaks, <br> and <hr> into tokens', () => {
    expect(parseMarkdown('一\n二<br>三<br/>四<hr>五')).toEqual([
      { type: 'text', text: '一' },
      { type: 'br' },
      { type: 'text', text: '二' },
      { type: 'br' },
      { type: 'text', text: '三' },
      { type: 'br' },
      { type: 'text', text: '四' },
      { type: 'hr' },
      { type: 'text', text: '五' },
    ]);
  });

  it('undoes backslash escapes, so escaped user text shows exactly as typed', () => {
    expect(parseMarkdown('\\*\\*不粗\\*\\* \\[不是链接\\](x) a\\_b \\# 不是标题 \\\\')).toEqual([
      { type: 'text', text: '**不粗** [不是链接](x) a_b # 不是标题 \\' },
    ]);
    expect(parseMarkdown('\\- 不是列表')).toEqual([{ type: 'text', text: '- 不是列表' }]);
  });

  it('reads headings, bullets and rules at line start', () => {
    expect(parseMarkdown('# 标题\n- 一项\n---')).toEqual([
      { type: 'text', text: '标题', heading: 1 },
      { type: 'br' },
      { type: 'text', text: '• 一项' },
      { type: 'br' },
      { type: 'hr' },
    ]);
  });

  it('never produces HTML: <script> and other tags stay text', () => {
    const tokens = parseMarkdown('<script>alert(1)</script><img src=x onerror=alert(1)> &lt;b&gt;');
    expect(tokens).toEqual([{ type: 'text', text: '<script>alert(1)</script><img src=x onerror=alert(1)> <b>' }]);
  });

  it('leaves unmatched delimiters as text', () => {
    expect(parseMarkdown('**未闭合 * 星号 ~~')).toEqual([{ type: 'text', text: '**未闭合 * 星号 ~~' }]);
  });
});

describe('parseTextMessage', () => {
  it('reads <at user_id="…"></at> mentions and keeps everything else literal', () => {
    expect(parseTextMessage('<at user_id="ou_a"></at> 请认领 **YQ-1**\n<b>x</b>')).toEqual([
      { type: 'at', id: 'ou_a' },
      { type: 'text', text: ' 请认领 **YQ-1**\n<b>x</b>' },
    ]);
    expect(parseTextMessage('<at user_id="ou_x">@Tom</at>hi')).toEqual([{ type: 'at', id: 'ou_x', name: 'Tom' }, { type: 'text', text: 'hi' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

describe('date and time values', () => {
  it.each([
    [480, '+0800'],
    [0, '+0000'],
    [-300, '-0500'],
    [330, '+0530'],
    [-210, '-0330'],
  ])('formatOffset(%i) = %s', (minutes, expected) => {
    expect(formatOffset(minutes)).toBe(expected);
  });

  it('formats dates and date-times as Feishu sends them', () => {
    expect(formatDateValue('2026-11-30', 480)).toBe('2026-11-30 +0800');
    expect(formatDateTimeValue('2026-11-27T09:30', 480)).toBe('2026-11-27 09:30 +0800');
    expect(formatDateTimeValue('2026-11-27 09:30', -300)).toBe('2026-11-27 09:30 -0500');
    expect(formatDateTimeValue('2026-11-27T09:30:15', 0)).toBe('2026-11-27 09:30 +0000');
    expect(formatDateValue('30/11/2026', 480)).toBeUndefined();
  });

  it('asks for the offset at the picked local time (DST zones)', () => {
    const seen: string[] = [];
    const offset = (local: string) => {
      seen.push(local);
      return local.startsWith('2026-07') ? 120 : 60;
    };
    expect(formatDateTimeValue('2026-07-01 12:00', offset)).toBe('2026-07-01 12:00 +0200');
    expect(formatDateValue('2026-12-01', offset)).toBe('2026-12-01 +0100');
    expect(seen).toEqual(['2026-07-01T12:00', '2026-12-01T00:00']);
  });
});

describe('collectFormValues', () => {
  const fields = [
    { tag: 'input', name: 'title', label: '标题', required: true, maxLength: 10, value: '卫生院无人值守' },
    { tag: 'select_static', name: 'level', label: '级别', value: 'major' },
    { tag: 'multi_select_static', name: 'cooperating', label: '配合单位', value: ['town1', 'edu'] },
    { tag: 'select_person', name: 'who', label: '负责人', value: 'ou_liaison1' },
    { tag: 'date_picker', name: 'rectify_by', label: '整改完成日期', value: '2026-11-30' },
    { tag: 'picker_datetime', name: 'found', label: '发现时间', value: '2026-11-27T09:30' },
  ];

  it('gives every named field its Feishu form_value shape', () => {
    const result = collectFormValues(fields, { offsetMinutes: 480 });
    expect(result).toEqual({
      ok: true,
      formValue: {
        title: '卫生院无人值守',
        level: 'major',
        cooperating: ['town1', 'edu'],
        who: 'ou_liaison1',
        rectify_by: '2026-11-30 +0800',
        found: '2026-11-27 09:30 +0800',
      },
      missing: [],
      invalid: [],
    });
  });

  it('keeps empty optional fields as empty values', () => {
    const empty = fields.map((f) => ({ ...f, required: false, value: f.tag === 'multi_select_static' ? [] : '' }));
    expect(collectFormValues(empty, { offsetMinutes: 480 }).formValue).toEqual({
      title: '',
      level: '',
      cooperating: [],
      who: '',
      rectify_by: '',
      found: '',
    });
  });

  it('refuses to submit while a required field is empty (blank text counts as empty) and names them all', () => {
    const required = fields.map((f) => ({ ...f, required: true, value: f.tag === 'multi_select_static' ? [] : f.tag === 'input' ? '   ' : '' }));
    const result = collectFormValues(required, { offsetMinutes: 480 });
    expect(result.ok).toBe(false);
    expect(result.missing.map((m) => m.label)).toEqual(['标题', '级别', '配合单位', '负责人', '整改完成日期', '发现时间']);
  });

  it('refuses text longer than max_length (counted in characters) and malformed dates', () => {
    const result = collectFormValues([
      { tag: 'input', name: 'title', label: '标题', maxLength: 3, value: '四个汉字' },
      { tag: 'input', name: 'ok', label: '表情', maxLength: 2, value: '😀😀' },
      { tag: 'date_picker', name: 'd', label: '日期', value: '明天' },
    ]);
    expect(result.ok).toBe(false);
    expect(result.invalid.map((i) => i.name)).toEqual(['title', 'd']);
  });
});

describe('formFields', () => {
  const formOf = (card: Record<string, unknown>) => {
    const form = (card.body as { elements: Record<string, unknown>[] }).elements.find((e) => e.tag === 'form');
    expect(form).toBeDefined();
    return form!;
  };

  it('finds every field of the registration form (also inside columns) with its pre-filled value', () => {
    const card = registerFormCard({
      units: [
        { code: 'health', name: '县卫健委' },
        { code: 'town1', name: '城关镇' },
      ],
      categories: [{ code: 'public_interest', label: '涉及公众切身利益' }],
      sources: [{ code: 'weibo', label: '微博' }],
      defaults: { title: '网传卫生院夜间无人值守', cooperating: 'town1', found: '2026-11-27 09:30', source: 'weibo' },
    });
    const fields = formFields(formOf(card));
    expect(fields.map((f) => f.name)).toEqual([...REGISTER_FIELDS]);
    const result = collectFormValues(fields, { offsetMinutes: 480 });
    expect(Object.keys(result.formValue)).toEqual([...REGISTER_FIELDS]);
    expect(result.formValue).toMatchObject({
      title: '网传卫生院夜间无人值守',
      source: 'weibo',
      level: 'general',
      kind: 'opinion',
      cooperating: ['town1'],
      found: '2026-11-27 09:30 +0800',
      posted: '',
      drill: 'no',
    });
    expect(result.ok).toBe(true);
  });

  it('labels selects and pickers with the bold line above them, so missing fields are named', () => {
    const card = verifyFormCard({ itemId: 7, ref: 'YQ-20261127-007', title: '某小区停水三天无人管' });
    const result = collectFormValues(formFields(formOf(card)), { offsetMinutes: 480 });
    expect(result.ok).toBe(false);
    expect(result.missing.map((m) => m.label)).toEqual(['核实结论', '核实情况', '是否需要整改']);
  });
});

// ---------------------------------------------------------------------------------------------
// Every card the bot sends
// ---------------------------------------------------------------------------------------------

/** Each exported card builder, with one or more realistic view models. Keyed by export name. */
const BUILDERS = CARD_SAMPLES;

const CASES = Object.entries(BUILDERS).flatMap(([builder, variants]) => Object.entries(variants).map(([variant, build]) => [`${builder} (${variant})`, build] as const));

/** Every `tag` value anywhere in the card JSON. */
function tagsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => tagsIn(v, out));
  else if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (typeof node.tag === 'string') out.add(node.tag);
    Object.values(node).forEach((v) => tagsIn(v, out));
  }
  return out;
}

describe('every card builder in cards/ and cards/forms/', () => {
  it('is covered by this test (a new builder must be added to BUILDERS)', async () => {
    const root = fileURLToPath(new URL('../../cards/', import.meta.url));
    const files = [
      ...readdirSync(root).filter((f) => f.endsWith('.ts')).map((f) => join(root, f)),
      ...readdirSync(join(root, 'forms')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'forms', f)),
    ];
    const exported: string[] = [];
    for (const file of files) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) if (typeof value === 'function' && /Card$/u.test(name)) exported.push(name);
    }
    expect(exported.length).toBeGreaterThanOrEqual(20);
    expect(exported.filter((name) => !(name in BUILDERS))).toEqual([]);
  });

  it.each(CASES)('%s: is a valid card that uses only tags the renderer supports', (_name, build) => {
    const card = build();
    const verdict = validateCard(card);
    expect(verdict.ok ? [] : verdict.errors).toEqual([]);
    const unsupported = [...tagsIn(card)].filter((tag) => !SUPPORTED_TAGS.includes(tag));
    expect(unsupported).toEqual([]);
    expect(findUnsupportedTags(card)).toEqual([]);
  });

  it.each(CASES)('%s: renders without an "unsupported" box, error box or markup from card text', (_name, build) => {
    const card = build();
    const root = render(card);
    expect(byClass(root, 'card-unsupported')).toEqual([]);
    expect(byClass(root, 'card-render-error')).toEqual([]);
    expect(byTag(root, 'script')).toEqual([]);
    expect(byTag(root, 'img')).toEqual([]);
    // Only elements the renderer itself makes.
    const made = new Set(all(root).map((e) => e.tagName.toLowerCase()));
    const allowed = ['div', 'span', 'a', 'br', 'hr', 'button', 'input', 'textarea', 'select', 'option', 'optgroup', 'label', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
    expect([...made].filter((t) => !allowed.includes(t))).toEqual([]);
    // Links only to http(s)/mailto.
    for (const a of byTag(root, 'a')) expect(a.getAttribute('href')).toMatch(/^(https?:\/\/|mailto:)/u);
  });
});

// ---------------------------------------------------------------------------------------------
// Rendering behaviour (with the DOM stand-in)
// ---------------------------------------------------------------------------------------------

describe('renderCard', () => {
  it('shows user text as the bot escaped it: literal, never formatted, linked or mentioning', () => {
    const root = render(itemCard(itemView({ summary: EVIL, mention: ['ou_liaison1'] })));
    // The bot turns < > & into full-width forms and backslash-escapes markdown; the page undoes only the latter.
    expect(root.textContent).toContain('＜script＞alert(1)＜/script＞ ＜at id=all＞＜/at＞ **粗体** [链接](https://evil.example)# 标题');
    expect(byClass(root, 'mention').map((m) => m.textContent)).toEqual(['@赵联络']);
    expect(byTag(root, 'a').map((a) => a.getAttribute('href'))).toEqual(['https://weibo.com/1234/abcd']);
  });

  it('keeps raw HTML in card markdown as text', () => {
    const root = render(noticeCard({ title: '<img src=x onerror=alert(1)>', lines: ['<script>alert(1)</script>', '<a href="javascript:alert(1)">x</a>'] }));
    expect(byTag(root, 'script')).toEqual([]);
    expect(byTag(root, 'img')).toEqual([]);
    expect(byTag(root, 'a')).toEqual([]);
    expect(root.textContent).toBe('<img src=x onerror=alert(1)><script>alert(1)</script><a href="javascript:alert(1)">x</a>');
  });

  it('draws the header with its template colour and text tags', () => {
    const root = render(itemCard(itemView()));
    const header = byClass(root, 'card-header')[0]!;
    expect(header.classList.contains('tpl-grey')).toBe(true); // drill
    expect(byClass(root, 'text-tag').map((t) => t.textContent)).toEqual(['演练', '重大', '舆情']);
    expect(byClass(root, 'card-subtitle')[0]!.textContent).toBe('YQ-20261127-001 · 已交办');
  });

  it('draws an unknown component as a grey box naming its tag', () => {
    const root = render({ schema: '2.0', body: { elements: [{ tag: 'table', rows: [] }, { tag: 'markdown', content: 'ok' }] } });
    const boxes = byClass(root, 'card-unsupported');
    expect(boxes.map((b) => b.getAttribute('data-unsupported-tag'))).toEqual(['table']);
    expect(boxes[0]!.textContent).toContain('table');
    expect(findUnsupportedTags({ body: { elements: [{ tag: 'table' }, { tag: 'person_list' }] } })).toEqual(['table', 'person_list']);
  });

  it('sends a plain button’s callback value, after the confirm dialog says yes', async () => {
    const actions: CardAction[] = [];
    const questions: string[] = [];
    let answer = false;
    const root = render(itemCard(itemView()), (a) => void actions.push(a), {
      confirm: (q: string) => {
        questions.push(q);
        return answer;
      },
    });
    buttonNamed(root, '申请改派').fire('click');
    expect(actions).toEqual([]);
    expect(questions).toEqual(['确认申请改派？\n\n将提交县新闻办裁定']);
    answer = true;
    buttonNamed(root, '申请改派').fire('click');
    // While a click is being answered every button of the card is disabled (no double submits).
    expect(buttonNamed(root, '城关镇').disabled).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(buttonNamed(root, '城关镇').disabled).toBe(false);
    buttonNamed(root, '城关镇').fire('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(actions).toEqual([
      { value: { action: 'dispute', ref: 'YQ-20261127-001', v: 3 } },
      { value: { ref: 'YQ-20261127-001', version: 3, action: 'route', unit: 'town1' } },
    ]);
  });

  it('keeps disabled buttons inert', () => {
    const actions: CardAction[] = [];
    const card = {
      schema: '2.0',
      body: { elements: [{ tag: 'button', text: { tag: 'plain_text', content: '已处理' }, disabled: true, behaviors: [{ type: 'callback', value: { a: 1 } }] }] },
    };
    const root = render(card, (a) => void actions.push(a));
    const button = buttonNamed(root, '已处理');
    expect(button.disabled).toBe(true);
    expect(button.listeners.size).toBe(0);
  });

  it('refuses to submit a form with empty required fields and says which, then sends every field', async () => {
    const actions: CardAction[] = [];
    const root = render(verifyFormCard({ ...BASE }), (a) => void actions.push(a));
    buttonNamed(root, '提交核实').fire('click');
    expect(actions).toEqual([]);
    const message = byClass(root, 'form-message')[0]!;
    expect(message.hidden).toBe(false);
    expect(message.textContent).toBe('请填写：核实结论、核实情况、是否需要整改');
    expect(byClass(root, 'field-missing')).toHaveLength(3);

    control(root, 'findings').value = '经核实，部分属实。';
    control(root, 'findings').fire('input');
    expect(byClass(root, 'field-missing')).toHaveLength(2);
    control(root, 'outcome').value = 'partly';
    control(root, 'rectification').value = 'yes';
    control(root, 'rectify_by').value = '2026-11-30';
    buttonNamed(root, '提交核实').fire('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(message.hidden).toBe(true);
    expect(actions).toEqual([
      {
        value: { action: 'verify_submit', item: 4242 },
        name: 'verify_submit',
        formName: 'verify',
        formValue: { outcome: 'partly', findings: '经核实，部分属实。', rectification: 'yes', measures: '', rectify_by: '2026-11-30 +0800' },
      },
    ]);
  });

  it('pre-fills fields from the card and sends multi-selects and date-times in Feishu’s format', async () => {
    const actions: CardAction[] = [];
    const root = render(
      registerFormCard({ units: UNITS, categories: [{ code: 'general', label: '一般' }], sources: [{ code: 'weibo', label: '微博' }], defaults: { title: '标题', cooperating: 'water,town1', found: '2026-11-27 09:30' } }),
      (a) => void actions.push(a),
    );
    const chips = byClass(root, 'chip');
    expect(chips.filter((c) => c.classList.contains('on')).map((c) => c.textContent)).toEqual(['县水务局', '城关镇']);
    buttonNamed(root, '登记').fire('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(actions).toHaveLength(1);
    expect(actions[0]!.formValue).toMatchObject({ title: '标题', cooperating: ['water', 'town1'], found: '2026-11-27 09:30 +0800', posted: '', level: 'general' });
  });

  it('offers the known people in a select_person without options, and names the given ones', () => {
    const card = {
      schema: '2.0',
      body: {
        elements: [
          {
            tag: 'form',
            name: 'f',
            elements: [
              { tag: 'select_person', name: 'anyone', options: [] },
              { tag: 'select_person', name: 'some', options: [{ value: 'ou_news1' }], initial_option: 'ou_news1' },
              { tag: 'button', name: 'go', text: { tag: 'plain_text', content: '提交' }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: {} }] },
            ],
          },
        ],
      },
    };
    const root = render(card);
    const [anyone, some] = byTag(root, 'select');
    expect(byTag(anyone!, 'optgroup').map((g) => g.getAttribute('label'))).toEqual(['牵头/责任单位', '县新闻办']);
    expect(byTag(anyone!, 'option').map((o) => o.textContent)).toContain('赵联络（县卫健委 联络人）');
    expect(byTag(some!, 'option').map((o) => o.textContent)).toEqual(['选择人员', '李四']);
    expect(some!.value).toBe('ou_news1');
  });

  it('draws a chart as a titled box with a table of its values', () => {
    const card = {
      schema: '2.0',
      body: {
        elements: [
          {
            tag: 'chart',
            chart_spec: { type: 'bar', title: { text: '本周各单位舆情' }, data: { values: [{ unit: '县卫健委', n: 3 }, { unit: '<b>城关镇</b>', n: 1 }] }, xField: 'unit', yField: 'n' },
          },
          { tag: 'img', img_key: 'img_v2_x', alt: { tag: 'plain_text', content: '现场照片' } },
        ],
      },
    };
    const root = render(card);
    expect(byClass(root, 'chart-title')[0]!.textContent).toBe('图表 本周各单位舆情 · bar');
    expect(byTag(root, 'td').map((td) => td.textContent)).toEqual(['县卫健委', '3', '<b>城关镇</b>', '1']);
    expect(byClass(root, 'card-img')[0]!.textContent).toContain('现场照片');
  });

  it('opens and closes a collapsible panel', () => {
    const root = render(itemCard(itemView()));
    const panel = byClass(root, 'card-panel')[0]!;
    const body = byClass(panel, 'panel-body')[0]!;
    expect(body.hidden).toBe(true);
    byClass(panel, 'panel-head')[0]!.fire('click');
    expect(body.hidden).toBe(false);
    expect(body.textContent).toContain('更早的 2 条记录未显示');
  });

  it('declares a renderer for every component tag card-schema.ts accepts', () => {
    // The list in card-schema.ts (COMPONENTS) is not exported; this mirrors its doc comment list.
    expect([...COMPONENT_TAGS].sort()).toEqual(
      ['markdown', 'div', 'hr', 'column_set', 'column', 'form', 'collapsible_panel', 'button', 'input', 'select_static', 'multi_select_static', 'select_person', 'date_picker', 'picker_datetime', 'chart', 'img'].sort(),
    );
  });
});
