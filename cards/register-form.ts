import { escapeMd, font, oneLine, plainText, truncate } from './format.js';

/**
 * The registration form (R1) the news office gets for `/yq new` with nothing after it; also re-shown
 * with `error` when a submission was refused, and pre-filled from `defaults` when a lead (线索) is
 * turned into an item. Pure. One `form` named `register`; the submit button `register_submit` sends
 * `action.form_value` keyed by the field names in `REGISTER_FIELDS`.
 *
 * Values that come back: select fields return the option value (level `general|major|critical`,
 * kind `opinion|inquiry`, drill `no|yes`, source / category / lead the given codes), `cooperating`
 * an array of unit codes, `posted` / `found` strings like `2026-11-27 09:30 +0800`, inputs strings.
 */
export interface RegisterFormView {
  units: { code: string; name: string }[];
  categories: { code: string; label: string }[];
  sources: { code: string; label: string }[];
  /**
   * Pre-filled values keyed by field name. `cooperating` is a comma-separated list of unit codes;
   * `posted` / `found` are `yyyy-MM-dd HH:mm` local times. Unknown codes are ignored.
   */
  defaults?: Partial<Record<string, string>>;
  /** Shown in red at the top (why the previous submission was refused). */
  error?: string;
}

export const REGISTER_FORM_NAME = 'register';
export const REGISTER_SUBMIT_NAME = 'register_submit';
export const REGISTER_FIELDS = [
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
] as const;
export type RegisterField = (typeof REGISTER_FIELDS)[number];

export const LEVEL_OPTIONS = [
  { value: 'general', label: '一般' },
  { value: 'major', label: '重大' },
  { value: 'critical', label: '特别重大' },
] as const;
export const KIND_OPTIONS = [
  { value: 'opinion', label: '舆情' },
  { value: 'inquiry', label: '咨询投诉' },
] as const;
export const DRILL_OPTIONS = [
  { value: 'no', label: '否' },
  { value: 'yes', label: '是' },
] as const;

/** Lark's input limit. */
const INPUT_MAX = 1000;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/u;

type Element = Record<string, unknown>;
type Option = { value: string; label: string };

function label(text: string): Element {
  return { tag: 'markdown', content: `**${text}**` };
}

function input(
  name: RegisterField,
  text: string,
  opts: { required?: boolean; multiline?: boolean; maxLength?: number; placeholder?: string; defaultValue?: string },
): Element {
  const el: Element = {
    tag: 'input',
    name,
    label: plainText(opts.required ? `${text}（必填）` : text),
    label_position: 'top',
    width: 'fill',
    max_length: opts.maxLength ?? INPUT_MAX,
  };
  if (opts.required) el.required = true;
  if (opts.multiline) {
    el.input_type = 'multiline_text';
    el.rows = 3;
    el.auto_resize = true;
    el.max_rows = 10;
  }
  if (opts.placeholder !== undefined) el.placeholder = plainText(opts.placeholder);
  if (opts.defaultValue !== undefined && opts.defaultValue !== '') el.default_value = opts.defaultValue;
  return el;
}

function select(name: RegisterField, options: readonly Option[], initial: string | undefined, placeholder: string): Element {
  const el: Element = {
    tag: 'select_static',
    name,
    width: 'fill',
    placeholder: plainText(placeholder),
    options: options.map((o) => ({ text: plainText(truncate(oneLine(o.label), 60).text || o.value), value: o.value })),
  };
  if (initial !== undefined && options.some((o) => o.value === initial)) el.initial_option = initial;
  return el;
}

function picker(name: RegisterField, initial: string | undefined, placeholder: string): Element {
  const el: Element = { tag: 'picker_datetime', name, width: 'fill', placeholder: plainText(placeholder) };
  if (initial !== undefined) el.initial_datetime = initial;
  return el;
}

/** Distinct options by value (Lark refuses duplicate option values); the first label wins. */
function distinct(options: Option[]): Option[] {
  const seen = new Set<string>();
  return options.filter((o) => (seen.has(o.value) ? false : (seen.add(o.value), true)));
}

/**
 * Build the registration form card.
 *
 * ```ts
 * registerFormCard({ units, categories, sources, error: '标题不能为空' })
 * ```
 */
export function registerFormCard(view: RegisterFormView): Record<string, unknown> {
  const d = view.defaults ?? {};
  const units = distinct(view.units.map((u) => ({ value: u.code, label: u.name })));
  const categories = distinct(view.categories.map((c) => ({ value: c.code, label: c.label })));
  const sources = distinct(view.sources.map((s) => ({ value: s.code, label: s.label })));
  const notes: string[] = [];

  /** A default for an input, cut to the input's limit with a note (never silently). */
  const text = (name: RegisterField, fieldLabel: string, max = INPUT_MAX): string | undefined => {
    const value = d[name];
    if (value === undefined) return undefined;
    const cut = truncate(value, max);
    if (cut.truncated) notes.push(`「${fieldLabel}」原文超过 ${max} 字，预填时只保留了前 ${max - 1} 字，请核对。`);
    return cut.text;
  };

  /** A select default that matches an option, else undefined with a note. */
  const choice = (name: RegisterField, fieldLabel: string, options: readonly Option[], fallback?: string): string | undefined => {
    const value = d[name]?.trim();
    if (value === undefined || value === '') return fallback;
    if (options.some((o) => o.value === value)) return value;
    notes.push(`「${fieldLabel}」预填值“${oneLine(value)}”不在可选项中，请重新选择。`);
    return fallback;
  };
  /** A picker default in `yyyy-MM-dd HH:mm`, else undefined with a note. */
  const when = (name: RegisterField, fieldLabel: string): string | undefined => {
    const value = d[name]?.trim();
    if (value === undefined || value === '') return undefined;
    if (DATETIME.test(value)) return value;
    notes.push(`「${fieldLabel}」预填值“${oneLine(value)}”不是“年-月-日 时:分”格式，请重新选择。`);
    return undefined;
  };

  const unitCodes = new Set(units.map((u) => u.value));
  const cooperating = (d.cooperating ?? '')
    .split(/[,，、\s]+/u)
    .map((c) => c.trim())
    .filter((c, i, all) => c !== '' && all.indexOf(c) === i);
  const unknownCoop = cooperating.filter((c) => !unitCodes.has(c));
  if (unknownCoop.length > 0) notes.push(`「配合单位」预填值“${unknownCoop.join('、')}”不在可选项中，请重新选择。`);
  const knownCoop = cooperating.filter((c) => unitCodes.has(c));

  const fields: Element[] = [
    input('title', '标题', { required: true, maxLength: 200, defaultValue: text('title', '标题', 200), placeholder: '舆情标题或帖子标题' }),
    input('url', '原文链接', { defaultValue: text('url', '原文链接'), placeholder: 'https://…' }),
    label('来源平台'),
    select('source', sources, choice('source', '来源平台', sources), '请选择来源平台'),
    label('类别'),
    select('category', categories, choice('category', '类别', categories), '请选择类别'),
    {
      tag: 'column_set',
      flex_mode: 'bisect',
      horizontal_spacing: 'small',
      columns: [
        { tag: 'column', width: 'weighted', weight: 1, elements: [label('级别'), select('level', LEVEL_OPTIONS, choice('level', '级别', LEVEL_OPTIONS, 'general'), '级别')] },
        { tag: 'column', width: 'weighted', weight: 1, elements: [label('类型'), select('kind', KIND_OPTIONS, choice('kind', '类型', KIND_OPTIONS, 'opinion'), '类型')] },
      ],
    },
    label('牵头单位'),
    select('lead', units, choice('lead', '牵头单位', units), '不选则按关键词自动分派'),
    label('配合单位'),
    {
      tag: 'multi_select_static',
      name: 'cooperating',
      width: 'fill',
      required: false,
      placeholder: plainText('可多选，可不选'),
      options: units.map((o) => ({ text: plainText(truncate(oneLine(o.label), 60).text || o.value), value: o.value })),
      ...(knownCoop.length > 0 ? { selected_values: knownCoop } : {}),
    },
    label('原帖发布时间'),
    picker('posted', when('posted', '原帖发布时间'), '请选择原帖发布时间'),
    label('发现时间'),
    picker('found', when('found', '发现时间'), '不选则为登记时间'),
    input('summary', '摘要', { multiline: true, defaultValue: text('summary', '摘要'), placeholder: '主要内容、诉求' }),
    label('传播情况'),
    {
      tag: 'column_set',
      flex_mode: 'none',
      horizontal_spacing: 'small',
      columns: (
        [
          ['views', '阅读'],
          ['reposts', '转发'],
          ['comments', '评论'],
        ] as const
      ).map(([name, title]) => ({
        tag: 'column',
        width: 'weighted',
        weight: 1,
        elements: [input(name, title, { maxLength: 20, defaultValue: text(name, title, 20) })],
      })),
    },
    input('path', '传播路径', { multiline: true, defaultValue: text('path', '传播路径'), placeholder: '如：微博首发，经本地公众号转载' }),
    input('comment_situation', '评论情况', { multiline: true, defaultValue: text('comment_situation', '评论情况') }),
    input('netizen_views', '网民观点', { multiline: true, defaultValue: text('netizen_views', '网民观点') }),
    label('演练'),
    select('drill', DRILL_OPTIONS, choice('drill', '演练', DRILL_OPTIONS, 'no'), '是否演练'),
    {
      tag: 'button',
      name: REGISTER_SUBMIT_NAME,
      text: plainText('登记'),
      type: 'primary_filled',
      width: 'fill',
      form_action_type: 'submit',
      behaviors: [{ type: 'callback', value: { action: REGISTER_SUBMIT_NAME } }],
    },
  ];

  const elements: Element[] = [];
  if (view.error !== undefined && view.error.trim() !== '') {
    const lines = view.error.trim().split('\n').map((l) => escapeMd(l.trim())).filter(Boolean);
    elements.push({ tag: 'markdown', content: lines.map((l) => font('red', l)).join('\n') });
  }
  if (notes.length > 0) elements.push({ tag: 'markdown', content: notes.map((n) => font('orange', escapeMd(n))).join('\n') });
  elements.push({ tag: 'form', name: REGISTER_FORM_NAME, vertical_spacing: '8px', elements: fields });

  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: '登记舆情' } },
    header: {
      title: plainText('登记舆情'),
      subtitle: plainText('标题必填，其余可稍后补充；提交后生成编号'),
      template: 'blue',
    },
    body: { elements },
  };
}
