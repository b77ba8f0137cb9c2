import { escapeMd, font, inlineMd, oneLine, plainText, safeLinkUrl, truncate, truncationNote, type FontColour } from '../format.js';

/**
 * Shared parts of the per-item form cards in `cards/forms/`: the card shell (header with the item
 * ref, red error at the top, one escaped context line), field builders that pre-fill defaults and
 * say so when a default cannot be used, and submit buttons. Pure.
 *
 * Every callback value carries `item` (the item id) next to `action`; form values come back in
 * `action.form_value` keyed by the field names.
 */

/** What every form card knows about its item. */
export interface FormView {
  itemId: number;
  /** YQ-20261127-001 */
  ref: string;
  title: string;
  /** Shown in red at the top (why the previous submission was refused). */
  error?: string;
}

export interface UnitOption {
  code: string;
  name: string;
}

export type Element = Record<string, unknown>;
export type Card = Record<string, unknown>;
export type HeaderColour = 'blue' | 'orange' | 'red' | 'carmine' | 'purple' | 'green' | 'grey';
export interface Option {
  value: string;
  label: string;
}

/** Lark's input limit (characters). */
export const INPUT_MAX = 1000;
/** How much of a long text (draft, wording) a card shows before cutting it with a note. */
export const TEXT_SHOWN_MAX = 3500;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/u;
const CONTEXT_TITLE_MAX = 100;

export function md(content: string, extra: Element = {}): Element {
  return { tag: 'markdown', content, ...extra };
}

/** Each non-blank line of user text escaped and coloured (colour tags must not span lines). */
export function colourLines(colour: FontColour, text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => font(colour, escapeMd(l)))
    .join('\n');
}

/** `**标题**` then the escaped text, cut at `max` with the explicit note. Empty text: nothing. */
export function textBlock(heading: string, text: string | undefined, ref: string, max = TEXT_SHOWN_MAX): Element[] {
  if (text === undefined || text.trim() === '') return [];
  const cut = truncate(text.trim(), max);
  const lines = [`**${heading}**`, escapeMd(cut.text)];
  if (cut.truncated) lines.push(font('grey', escapeMd(truncationNote(ref))));
  return [md(lines.join('\n'))];
}

/** `**标签**：value` lines for short values; undefined or blank values are left out. */
export function factLines(facts: [string, string | undefined][]): Element[] {
  const lines = facts
    .filter((f): f is [string, string] => f[1] !== undefined && oneLine(f[1]) !== '')
    .map(([k, v]) => `**${k}**：${inlineMd(truncate(oneLine(v), 200).text)}`);
  return lines.length === 0 ? [] : [md(lines.join('\n'))];
}

/** `**原文**：[查看原文](…)` for an http(s) URL; anything else is shown as escaped text. */
export function linkLine(url: string | undefined): Element[] {
  if (url === undefined || oneLine(url) === '') return [];
  const safe = safeLinkUrl(url);
  return [md(`**原文**：${safe === undefined ? inlineMd(truncate(oneLine(url), 200).text) : `[查看原文](${safe})`}`)];
}

export interface TimelineEntry {
  at: string;
  actor: string;
  text: string;
}

/** The newest `shown` entries (newest last), saying how many earlier ones were left out. */
export function timelineBlock(timeline: readonly TimelineEntry[], ref: string, shown = 10): Element[] {
  if (timeline.length === 0) return [];
  const lines = timeline.slice(-shown).map((e) => {
    const text = inlineMd(truncate(oneLine(e.text), 120).text);
    return `${inlineMd(e.at)} · ${inlineMd(truncate(oneLine(e.actor), 20).text)} · ${text}`;
  });
  const earlier = timeline.length - Math.min(shown, timeline.length);
  if (earlier > 0) lines.unshift(font('grey', `更早的 ${earlier} 条记录未显示，完整记录请发送 /yq show ${escapeMd(ref)}`));
  return [md([`**处理记录**（共 ${timeline.length} 条）`, ...lines].join('\n'))];
}

/** `{ action, item, ...extra }`: the callback value of a button. */
export function callback(view: FormView, action: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { action, item: view.itemId, ...extra };
}

const BUTTON_TYPE = { primary: 'primary_filled', danger: 'danger', default: 'default' } as const;
export type ButtonStyle = keyof typeof BUTTON_TYPE;

/** A form submit button. `name` must be unique in the card. */
export function submitButton(name: string, text: string, value: Record<string, unknown>, style: ButtonStyle = 'primary'): Element {
  return {
    tag: 'button',
    name,
    text: plainText(text),
    type: BUTTON_TYPE[style],
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value }],
  };
}

/** A plain callback button (outside any form). */
export function callbackButton(text: string, value: Record<string, unknown>, style: ButtonStyle = 'primary'): Element {
  return { tag: 'button', text: plainText(text), type: BUTTON_TYPE[style], behaviors: [{ type: 'callback', value }] };
}

/** Buttons side by side, wrapping on a phone. */
export function buttonRow(buttons: Element[]): Element {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: 'small',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

/** Distinct options by value (Lark refuses duplicates); the first label wins. */
export function unitOptions(units: readonly UnitOption[]): Option[] {
  return distinct(units.map((u) => ({ value: u.code, label: u.name })));
}

function distinct(options: readonly Option[]): Option[] {
  const seen = new Set<string>();
  return options.filter((o) => (seen.has(o.value) ? false : (seen.add(o.value), true)));
}

function larkOptions(options: readonly Option[]): Element[] {
  return distinct(options).map((o) => ({ text: plainText(truncate(oneLine(o.label), 60).text || o.value), value: o.value }));
}

function fieldLabel(text: string, required: boolean | undefined): Element {
  return md(`**${text}**${required ? '（必填）' : ''}`);
}

interface Common {
  required?: boolean;
  placeholder?: string;
}

/**
 * Field builders for one form. Defaults that cannot be used (too long, not an option, wrong date
 * format) are dropped or cut, and `notes` says so (shown in orange above the form).
 */
export class Fields {
  readonly notes: string[] = [];

  input(name: string, text: string, opts: Common & { multiline?: boolean; maxLength?: number; value?: string }): Element[] {
    const max = opts.maxLength ?? INPUT_MAX;
    const el: Element = {
      tag: 'input',
      name,
      label: plainText(opts.required ? `${text}（必填）` : text),
      label_position: 'top',
      width: 'fill',
      max_length: max,
    };
    if (opts.required) el.required = true;
    if (opts.multiline) Object.assign(el, { input_type: 'multiline_text', rows: 3, auto_resize: true, max_rows: 12 });
    if (opts.placeholder !== undefined) el.placeholder = plainText(opts.placeholder);
    if (opts.value !== undefined && opts.value !== '') {
      const cut = truncate(opts.value, max);
      if (cut.truncated) this.notes.push(`「${text}」预填内容超过 ${max} 字，只保留了前 ${max - 1} 字，请核对。`);
      el.default_value = cut.text;
    }
    return [el];
  }

  select(name: string, text: string, options: readonly Option[], opts: Common & { value?: string }): Element[] {
    const el: Element = { tag: 'select_static', name, width: 'fill', options: larkOptions(options) };
    if (opts.required) el.required = true;
    if (opts.placeholder !== undefined) el.placeholder = plainText(opts.placeholder);
    const value = opts.value?.trim();
    if (value !== undefined && value !== '') {
      if (options.some((o) => o.value === value)) el.initial_option = value;
      else this.notes.push(`「${text}」预填值“${oneLine(value)}”不在可选项中，请重新选择。`);
    }
    return [fieldLabel(text, opts.required), el];
  }

  multi(name: string, text: string, options: readonly Option[], opts: Common & { values?: readonly string[] }): Element[] {
    const el: Element = { tag: 'multi_select_static', name, width: 'fill', required: opts.required === true, options: larkOptions(options) };
    if (opts.placeholder !== undefined) el.placeholder = plainText(opts.placeholder);
    const known = new Set(options.map((o) => o.value));
    const values = [...new Set(opts.values ?? [])];
    const unknown = values.filter((v) => !known.has(v));
    if (unknown.length > 0) this.notes.push(`「${text}」预填值“${unknown.map(oneLine).join('、')}”不在可选项中，请重新选择。`);
    const selected = values.filter((v) => known.has(v));
    if (selected.length > 0) el.selected_values = selected;
    return [fieldLabel(text, opts.required), el];
  }

  /** A date-and-time picker; `value` is `yyyy-MM-dd HH:mm` local time. */
  datetime(name: string, text: string, opts: Common & { placeholder: string; value?: string }): Element[] {
    const el: Element = { tag: 'picker_datetime', name, width: 'fill', placeholder: plainText(opts.placeholder) };
    if (opts.required) el.required = true;
    const value = this.checked(text, opts.value, DATETIME, '年-月-日 时:分');
    if (value !== undefined) el.initial_datetime = value;
    return [fieldLabel(text, opts.required), el];
  }

  /** A date picker; `value` is `yyyy-MM-dd`. */
  date(name: string, text: string, opts: Common & { placeholder: string; value?: string }): Element[] {
    const el: Element = { tag: 'date_picker', name, width: 'fill', placeholder: plainText(opts.placeholder) };
    if (opts.required) el.required = true;
    const value = this.checked(text, opts.value, DATE, '年-月-日');
    if (value !== undefined) el.initial_date = value;
    return [fieldLabel(text, opts.required), el];
  }

  private checked(text: string, raw: string | undefined, pattern: RegExp, format: string): string | undefined {
    const value = raw?.trim();
    if (value === undefined || value === '') return undefined;
    if (pattern.test(value)) return value;
    this.notes.push(`「${text}」预填值“${oneLine(value)}”不是“${format}”格式，请重新选择。`);
    return undefined;
  }
}

export interface CardParts {
  view: FormView;
  /** e.g. 申请改派; the header reads `申请改派 · YQ-…`. */
  heading: string;
  colour?: HeaderColour;
  /** Shown right under the error, above the context line (e.g. a leader's return comment). */
  top?: Element[];
  /** What the reader needs to know, between the context line and the form. */
  info?: Element[];
  form?: { name: string; elements: Element[]; notes?: readonly string[] };
  /** After the form (e.g. a plain callback button on a card without a form). */
  after?: Element[];
}

/** The card shell shared by every form card. */
export function formCard(parts: CardParts): Card {
  const { view } = parts;
  const elements: Element[] = [];
  if (view.error !== undefined && view.error.trim() !== '') elements.push(md(colourLines('red', view.error)));
  elements.push(...(parts.top ?? []));
  const title = inlineMd(truncate(oneLine(view.title), CONTEXT_TITLE_MAX).text);
  elements.push(md(`**${inlineMd(view.ref)}**\u3000${title}`));
  elements.push(...(parts.info ?? []));
  const notes = parts.form?.notes ?? [];
  if (notes.length > 0) elements.push(md(notes.map((n) => font('orange', escapeMd(n))).join('\n')));
  if (parts.form !== undefined) {
    elements.push({ tag: 'form', name: parts.form.name, vertical_spacing: '8px', elements: parts.form.elements });
  }
  elements.push(...(parts.after ?? []));
  const heading = `${parts.heading} · ${oneLine(view.ref)}`;
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `${heading} ${truncate(oneLine(view.title), 40).text}` } },
    header: { title: plainText(heading), template: parts.colour ?? 'blue' },
    body: { elements },
  };
}
