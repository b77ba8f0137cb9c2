/**
 * Renders Feishu/Lark card JSON 2.0 (the subset in src/lark/card-schema.ts) as DOM for the sandbox
 * page. Plain browser ES module, no dependencies.
 *
 * Two halves:
 * - pure functions (no DOM, unit-tested in Node): `parseMarkdown`, `parseTextMessage`,
 *   `formFields`, `fieldDescriptor`, `collectFormValues`, `formatOffset`, `formatDateValue`,
 *   `formatDateTimeValue`, `findUnsupportedTags`, `SUPPORTED_TAGS`;
 * - DOM rendering: `renderCard`, `renderInline`. It builds nodes with createElement/createTextNode
 *   only; card content never reaches innerHTML, so nothing in a card can inject markup.
 */

/** Component tags the renderer draws (the card-schema.ts list). */
export const COMPONENT_TAGS = Object.freeze([
  'markdown',
  'div',
  'hr',
  'column_set',
  'column',
  'form',
  'collapsible_panel',
  'button',
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'date_picker',
  'picker_datetime',
  'chart',
  'img',
]);

/**
 * Every `tag` value the renderer understands anywhere in a card: components, plus text objects
 * (`plain_text`, `lark_md`, and `markdown` as a panel title), header `text_tag`s and icons.
 */
export const SUPPORTED_TAGS = Object.freeze([...COMPONENT_TAGS, 'plain_text', 'lark_md', 'text_tag', 'standard_icon', 'custom_icon']);

export const HEADER_TEMPLATES = Object.freeze([
  'blue',
  'wathet',
  'turquoise',
  'green',
  'yellow',
  'orange',
  'red',
  'carmine',
  'violet',
  'purple',
  'indigo',
  'grey',
  'default',
]);

/** Colour names accepted in `<font color=…>` and text colours (anything else is ignored). */
const NAMED_COLOURS = new Set([
  'red',
  'green',
  'grey',
  'gray',
  'orange',
  'blue',
  'wathet',
  'turquoise',
  'yellow',
  'carmine',
  'violet',
  'purple',
  'indigo',
  'lime',
  'neutral',
  'default',
  'white',
  'black',
]);
const CSS_COLOUR = /^(#[0-9a-f]{3,8}|rgba?\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*(,\s*[\d.]+%?\s*)?\))$/iu;

// ---------------------------------------------------------------------------------------------
// Pure: markdown → tokens
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {{ type: 'text', text: string } & Style} TextToken
 * @typedef {{ type: 'at', id: string } & Style} AtToken
 * @typedef {{ type: 'br' } | { type: 'hr' }} BreakToken
 * @typedef {{ bold?: true, italic?: true, strike?: true, code?: true, color?: string, href?: string, heading?: number }} Style
 */

const STYLE_KEYS = ['bold', 'italic', 'strike', 'code', 'color', 'href', 'heading'];
const ASCII_PUNCT = /[!-/:-@[-`{-~]/u;
const ENTITY = /^&(lt|gt|amp|quot|apos|nbsp|#39|#x27);/iu;
const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'", '#x27': "'" };
const BR_TAG = /^<br\s*\/?>/iu;
const HR_TAG = /^<hr\s*\/?>/iu;
/** `<at id=ou_x></at>`, `<at ids=a,b></at>`, `<at email=…></at>`, text messages' `<at user_id="ou_x"></at>`. */
const AT_TAG = /^<at\s+(id|ids|user_id|open_id|email)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))\s*\/?>(?:([^<]*)<\/at>)?/iu;
const FONT_OPEN = /^<font\s+color\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))\s*>/iu;

function isSpace(c) {
  return c === undefined || /\s/u.test(c);
}

function styleOf(style) {
  const out = {};
  for (const key of STYLE_KEYS) if (style[key] !== undefined && style[key] !== false) out[key] = style[key];
  return out;
}

function sameStyle(a, b) {
  return STYLE_KEYS.every((k) => a[k] === b[k]);
}

/** A colour usable in the page, or undefined. */
export function safeColour(raw) {
  const c = String(raw ?? '').trim().toLowerCase();
  if (NAMED_COLOURS.has(c)) return c === 'gray' ? 'grey' : c;
  return CSS_COLOUR.test(c) ? c : undefined;
}

/** An http(s) or mailto link target, or undefined (javascript:, data: … are refused). */
export function safeHref(raw) {
  const url = String(raw ?? '').trim();
  return /^(https?:\/\/|mailto:)/iu.test(url) && !/[\s<>"]/u.test(url) ? url : undefined;
}

/** Index of the closing delimiter `delim` in `s` from `from`, skipping backslash escapes; -1 if none. */
function findCloser(s, from, delim) {
  for (let j = from; j < s.length; j += 1) {
    if (s[j] === '\\') {
      j += 1;
      continue;
    }
    if (j > from && s.startsWith(delim, j) && !isSpace(s[j - 1])) {
      if (delim === '*' && (s[j + 1] === '*' || s[j - 1] === '*')) continue;
      return j;
    }
  }
  return -1;
}

/** Index of the `</font>` that closes a `<font>` whose content starts at `from`. */
function findFontClose(s, from) {
  const lower = s.toLowerCase();
  let depth = 1;
  let j = from;
  while (j < s.length) {
    const open = lower.indexOf('<font', j);
    const close = lower.indexOf('</font>', j);
    if (close < 0) return -1;
    if (open >= 0 && open < close) {
      depth += 1;
      j = open + 5;
    } else {
      depth -= 1;
      if (depth === 0) return close;
      j = close + 7;
    }
  }
  return -1;
}

/** `[label](url)` at `i`: { label, url, end } or undefined. */
function parseLink(s, i) {
  let depth = 0;
  let k = i;
  for (; k < s.length; k += 1) {
    if (s[k] === '\\') {
      k += 1;
      continue;
    }
    if (s[k] === '[') depth += 1;
    else if (s[k] === ']') {
      depth -= 1;
      if (depth === 0) break;
    }
  }
  if (k >= s.length || s[k + 1] !== '(') return undefined;
  let parens = 0;
  let m = k + 2;
  for (; m < s.length; m += 1) {
    if (s[m] === '\\') {
      m += 1;
      continue;
    }
    if (s[m] === '(') parens += 1;
    else if (s[m] === ')') {
      if (parens === 0) break;
      parens -= 1;
    }
  }
  if (m >= s.length) return undefined;
  let url = s.slice(k + 2, m).trim();
  if (url.startsWith('<') && url.endsWith('>')) url = url.slice(1, -1);
  return { label: s.slice(i + 1, k), url, end: m + 1 };
}

/** The mention tokens of one `<at …>` match; `name` when the tag carries one (`<at user_id="ou_x">Tom</at>`). */
function atTokens(match, style) {
  const kind = match[1].toLowerCase();
  const raw = (match[2] ?? match[3] ?? match[4] ?? '').trim();
  const ids = kind === 'ids' ? raw.split(',') : [raw];
  const name = (match[5] ?? '').trim().replace(/^@/u, '');
  return ids
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => ({ type: 'at', id: kind === 'email' ? `email:${id}` : id, ...(name && ids.length === 1 ? { name } : {}), ...styleOf(style) }));
}

function parseInline(s, style, out) {
  let buf = '';
  const flush = () => {
    if (buf !== '') out.push({ type: 'text', text: buf, ...styleOf(style) });
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && ASCII_PUNCT.test(s[i + 1])) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '&') {
      const m = ENTITY.exec(s.slice(i));
      if (m) {
        buf += ENTITIES[m[1].toLowerCase()];
        i += m[0].length;
        continue;
      }
    }
    if (c === '<') {
      const rest = s.slice(i);
      let m = BR_TAG.exec(rest);
      if (m) {
        flush();
        out.push({ type: 'br' });
        i += m[0].length;
        continue;
      }
      m = HR_TAG.exec(rest);
      if (m) {
        flush();
        out.push({ type: 'hr' });
        i += m[0].length;
        continue;
      }
      m = AT_TAG.exec(rest);
      if (m) {
        flush();
        out.push(...atTokens(m, style));
        i += m[0].length;
        continue;
      }
      m = FONT_OPEN.exec(rest);
      if (m) {
        const start = i + m[0].length;
        const end = findFontClose(s, start);
        if (end >= 0) {
          flush();
          const color = safeColour(m[1] ?? m[2] ?? m[3]);
          parseInline(s.slice(start, end), color === undefined || color === 'default' ? style : { ...style, color }, out);
          i = end + '</font>'.length;
          continue;
        }
      }
    }
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j > i + 1) {
        flush();
        out.push({ type: 'text', text: s.slice(i + 1, j), ...styleOf({ ...style, code: true }) });
        i = j + 1;
        continue;
      }
    }
    if ((c === '*' && s[i + 1] === '*') || (c === '~' && s[i + 1] === '~')) {
      const delim = c + c;
      const j = isSpace(s[i + 2]) ? -1 : findCloser(s, i + 2, delim);
      if (j >= 0) {
        flush();
        parseInline(s.slice(i + 2, j), { ...style, [c === '*' ? 'bold' : 'strike']: true }, out);
        i = j + 2;
        continue;
      }
      buf += delim;
      i += 2;
      continue;
    }
    if (c === '*') {
      const j = isSpace(s[i + 1]) ? -1 : findCloser(s, i + 1, '*');
      if (j >= 0) {
        flush();
        parseInline(s.slice(i + 1, j), { ...style, italic: true }, out);
        i = j + 1;
        continue;
      }
    }
    if (c === '[') {
      const link = parseLink(s, i);
      if (link) {
        flush();
        const href = safeHref(link.url);
        parseInline(link.label, href === undefined ? style : { ...style, href }, out);
        i = link.end;
        continue;
      }
    }
    buf += c;
    i += 1;
  }
  flush();
}

function parseLine(line, out) {
  if (/^ {0,3}([-*_])( *\1){2,} *$/u.test(line)) {
    out.push({ type: 'hr' });
    return;
  }
  const heading = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/u.exec(line);
  if (heading) {
    parseInline(heading[2], { heading: heading[1].length }, out);
    return;
  }
  const bullet = /^(\s*)[-*+][ \t]+(.*)$/u.exec(line);
  if (bullet) {
    out.push({ type: 'text', text: `${bullet[1]}• ` });
    parseInline(bullet[2], {}, out);
    return;
  }
  parseInline(line, {}, out);
}

function mergeText(tokens) {
  const out = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (t.type === 'text' && prev !== undefined && prev.type === 'text' && sameStyle(prev, t)) prev.text += t.text;
    else out.push(t.type === 'text' ? { ...t } : t);
  }
  return out;
}

/**
 * Lark markdown (the part the bot and Lark's docs use) to a flat token list:
 * `text` tokens carry their style (`bold`, `italic`, `strike`, `code`, `color`, `href`, `heading`),
 * `at` tokens an open_id (or `all`, or `email:…`), `br` a line break, `hr` a divider.
 * HTML other than `<at>`, `<font>`, `<br>` and `<hr>` stays literal text.
 *
 * parseMarkdown("**粗** <at id=ou_a></at>")
 *   → [{ type: 'text', text: '粗', bold: true }, { type: 'text', text: ' ' }, { type: 'at', id: 'ou_a' }]
 */
export function parseMarkdown(text) {
  const src = String(text ?? '').replace(/\r\n?/gu, '\n');
  const out = [];
  src.split('\n').forEach((line, index) => {
    if (index > 0) out.push({ type: 'br' });
    parseLine(line, out);
  });
  return mergeText(out);
}

/**
 * A text message (not markdown): literal text with `<at user_id="ou_x"></at>` mentions.
 * Line breaks stay inside the text tokens.
 */
export function parseTextMessage(text) {
  const s = String(text ?? '');
  const out = [];
  let buf = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] === '<') {
      const m = AT_TAG.exec(s.slice(i));
      if (m) {
        if (buf !== '') out.push({ type: 'text', text: buf });
        buf = '';
        out.push(...atTokens(m, {}));
        i += m[0].length;
        continue;
      }
    }
    buf += s[i];
    i += 1;
  }
  if (buf !== '') out.push({ type: 'text', text: buf });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pure: card walking, forms
// ---------------------------------------------------------------------------------------------

function isObj(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every distinct `tag` in the card that the renderer does not support (empty for our cards). */
export function findUnsupportedTags(card) {
  const found = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) {
      if (typeof v.tag === 'string' && !SUPPORTED_TAGS.includes(v.tag)) found.add(v.tag);
      Object.values(v).forEach(walk);
    }
  };
  walk(card);
  return [...found];
}

/** The content of a text object (`{ tag, content }`) or a string; '' otherwise. */
export function textOf(value) {
  if (typeof value === 'string') return value;
  if (isObj(value) && typeof value.content === 'string') return value.content;
  return '';
}

export const FIELD_TAGS = Object.freeze(['input', 'select_static', 'multi_select_static', 'select_person', 'date_picker', 'picker_datetime']);
const LABEL_LINE = /^\*\*([^*\n]{1,40})\*\*(（必填）)?$/u;

function optionValues(el) {
  return Array.isArray(el.options) ? el.options.filter(isObj).map((o) => String(o.value ?? '')) : [];
}

/**
 * What a form field is and what it holds before anyone touches it.
 * `label` comes from the input's own label, else `fallbackLabel` (the `**标签**` markdown line the
 * bot puts above selects and pickers), else the placeholder, else the name.
 * Values: input → string; select_static / select_person → option value or ''; multi_select_static
 * → string[]; date_picker → 'YYYY-MM-DD' or ''; picker_datetime → 'YYYY-MM-DD HH:mm' or ''.
 */
export function fieldDescriptor(el, fallbackLabel) {
  const own = textOf(el.label).replace(/（必填）$/u, '').trim();
  const label = own || fallbackLabel || textOf(el.placeholder).trim() || String(el.name ?? '');
  const base = { tag: el.tag, name: String(el.name ?? ''), required: el.required === true, label };
  switch (el.tag) {
    case 'input':
      return {
        ...base,
        maxLength: Number.isInteger(el.max_length) ? el.max_length : 1000,
        value: typeof el.default_value === 'string' ? el.default_value : '',
      };
    case 'select_static': {
      const values = optionValues(el);
      let value = '';
      if (typeof el.initial_option === 'string' && values.includes(el.initial_option)) value = el.initial_option;
      else if (Number.isInteger(el.initial_index) && values[el.initial_index - 1] !== undefined) value = values[el.initial_index - 1];
      return { ...base, value };
    }
    case 'multi_select_static': {
      const values = optionValues(el);
      const selected = Array.isArray(el.selected_values) ? el.selected_values.map(String).filter((v) => values.includes(v)) : [];
      return { ...base, value: [...new Set(selected)] };
    }
    case 'select_person':
      return { ...base, value: typeof el.initial_option === 'string' ? el.initial_option : '' };
    case 'date_picker':
      return { ...base, value: typeof el.initial_date === 'string' ? el.initial_date : '' };
    case 'picker_datetime':
      return { ...base, value: typeof el.initial_datetime === 'string' ? el.initial_datetime : '' };
    default:
      return { ...base, value: '' };
  }
}

/** Children of a container component, in display order. */
function childrenOf(el) {
  if (el.tag === 'column_set') return (Array.isArray(el.columns) ? el.columns : []).flatMap((c) => (isObj(c) && Array.isArray(c.elements) ? c.elements : []));
  return Array.isArray(el.elements) ? el.elements : [];
}

/** The fields of a `form` component (at any depth, in order), as `fieldDescriptor`s with initial values. */
export function formFields(form) {
  const out = [];
  let lastLabel;
  const walk = (elements) => {
    for (const el of elements) {
      if (!isObj(el)) continue;
      if (el.tag === 'markdown') {
        const m = LABEL_LINE.exec(String(el.content ?? '').trim());
        lastLabel = m ? m[1] : undefined;
        continue;
      }
      if (FIELD_TAGS.includes(el.tag) && typeof el.name === 'string') {
        out.push(fieldDescriptor(el, lastLabel));
        lastLabel = undefined;
        continue;
      }
      if (el.tag === 'column_set' || el.tag === 'column' || el.tag === 'collapsible_panel') walk(childrenOf(el));
    }
  };
  walk(Array.isArray(form?.elements) ? form.elements : []);
  return out;
}

/** Minutes east of UTC as `+0800` / `-0330`. */
export function formatOffset(minutes) {
  const m = Math.round(Number(minutes) || 0);
  const sign = m < 0 ? '-' : '+';
  const abs = Math.abs(m);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/u;

function offsetFor(offsetMinutes, localIso) {
  return typeof offsetMinutes === 'function' ? offsetMinutes(localIso) : offsetMinutes;
}

/** `2026-11-30` → `2026-11-30 +0800` (undefined if malformed). `offsetMinutes`: number or (localIso) → number. */
export function formatDateValue(value, offsetMinutes = 0) {
  const m = DATE_RE.exec(String(value ?? '').trim());
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]} ${formatOffset(offsetFor(offsetMinutes, `${m[1]}-${m[2]}-${m[3]}T00:00`))}`;
}

/** `2026-11-30T09:30` or `2026-11-30 09:30` → `2026-11-30 09:30 +0800` (undefined if malformed). */
export function formatDateTimeValue(value, offsetMinutes = 0) {
  const m = DATETIME_RE.exec(String(value ?? '').trim());
  if (!m) return undefined;
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]} ${formatOffset(offsetFor(offsetMinutes, local))}`;
}

function charCount(text) {
  return [...text].length;
}

/**
 * The `form_value` a submit button sends, from the fields' current values (plain objects like
 * `fieldDescriptor` returns, `value` being what the control holds). Like Feishu, submitting is
 * refused client-side when a required field is empty: `missing` names them.
 *
 * Every named field is in `formValue`: input → string as typed; select_static / select_person →
 * the option value ('' when none); multi_select_static → string[]; date_picker →
 * `YYYY-MM-DD ±HHMM`; picker_datetime → `YYYY-MM-DD HH:mm ±HHMM` ('' when empty).
 *
 * @param {{ tag: string, name: string, value: unknown, required?: boolean, label?: string, maxLength?: number }[]} fields
 * @param {{ offsetMinutes?: number | ((localIso: string) => number) }} [options]
 * @returns {{ ok: boolean, formValue: Record<string, string | string[]>, missing: { name: string, label: string }[], invalid: { name: string, label: string, reason: string }[] }}
 */
export function collectFormValues(fields, options = {}) {
  const offsetMinutes = options.offsetMinutes ?? 0;
  const formValue = {};
  const missing = [];
  const invalid = [];
  for (const f of fields) {
    if (!isObj(f) || typeof f.name !== 'string' || f.name === '') continue;
    const who = { name: f.name, label: f.label || f.name };
    let value;
    let empty;
    switch (f.tag) {
      case 'multi_select_static': {
        value = Array.isArray(f.value) ? f.value.map(String).filter((v) => v !== '') : [];
        empty = value.length === 0;
        break;
      }
      case 'date_picker':
      case 'picker_datetime': {
        const raw = typeof f.value === 'string' ? f.value.trim() : '';
        empty = raw === '';
        value = '';
        if (!empty) {
          const formatted = f.tag === 'date_picker' ? formatDateValue(raw, offsetMinutes) : formatDateTimeValue(raw, offsetMinutes);
          if (formatted === undefined) invalid.push({ ...who, reason: f.tag === 'date_picker' ? '日期格式应为 年-月-日' : '时间格式应为 年-月-日 时:分' });
          else value = formatted;
        }
        break;
      }
      default: {
        value = typeof f.value === 'string' ? f.value : f.value === undefined || f.value === null ? '' : String(f.value);
        empty = value.trim() === '';
        if (f.tag === 'input' && Number.isInteger(f.maxLength) && charCount(value) > f.maxLength) {
          invalid.push({ ...who, reason: `不能超过 ${f.maxLength} 字` });
        }
      }
    }
    if (f.required === true && empty) missing.push(who);
    formValue[f.name] = value;
  }
  return { ok: missing.length === 0 && invalid.length === 0, formValue, missing, invalid };
}

// ---------------------------------------------------------------------------------------------
// DOM rendering
// ---------------------------------------------------------------------------------------------

const PX = /^-?\d+(\.\d+)?px$/u;
const SPACING = { none: '0px', extra_small: '2px', small: '4px', medium: '8px', default: '8px', large: '12px', extra_large: '16px' };

function spacing(value, fallback) {
  if (typeof value !== 'string') return fallback;
  if (PX.test(value)) return value;
  return SPACING[value] ?? fallback;
}

function boxValue(value) {
  return typeof value === 'string' && /^(-?\d+(\.\d+)?px\s*){1,4}$/u.test(value.trim()) ? value.trim() : undefined;
}

/** Tiny element factory: attributes via setAttribute, children as nodes or strings (text nodes). */
function makeH(doc) {
  return function h(tag, attrs, ...children) {
    const el = doc.createElement(tag);
    if (attrs) {
      for (const [key, val] of Object.entries(attrs)) {
        if (val === undefined || val === null || val === false) continue;
        if (key === 'class') el.className = val;
        else el.setAttribute(key, val === true ? '' : String(val));
      }
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.appendChild(typeof child === 'string' ? doc.createTextNode(child) : child);
    }
    return el;
  };
}

function personName(ctx, id, fallback) {
  if (id === 'all') return '所有人';
  if (id.startsWith('email:')) return id.slice(6);
  const source = ctx.peopleById;
  let found;
  if (source instanceof Map) found = source.get(id);
  else if (isObj(source)) found = source[id];
  if (typeof found === 'string') return found;
  if (isObj(found) && typeof found.name === 'string') return found.name;
  return fallback || id;
}

/**
 * Tokens from `parseMarkdown` / `parseTextMessage` as an array of nodes.
 * @param {object[]} tokens
 * @param {{ document?: Document, peopleById?: Map<string, unknown> | Record<string, unknown>, viewerOpenId?: string }} [ctx]
 */
export function renderInline(tokens, ctx = {}) {
  const doc = ctx.document ?? globalThis.document;
  const h = makeH(doc);
  const nodes = [];
  for (const t of tokens) {
    if (t.type === 'br') {
      nodes.push(h('br'));
      continue;
    }
    if (t.type === 'hr') {
      nodes.push(h('hr', { class: 'md-hr' }));
      continue;
    }
    const classes = [];
    if (t.bold) classes.push('md-b');
    if (t.italic) classes.push('md-i');
    if (t.strike) classes.push('md-s');
    if (t.code) classes.push('md-code');
    if (t.heading) classes.push(`md-h${Math.min(6, Math.max(1, t.heading))}`);
    let colourStyle;
    if (t.color !== undefined) {
      if (NAMED_COLOURS.has(t.color)) classes.push(`fc-${t.color}`);
      else colourStyle = t.color;
    }
    let el;
    if (t.type === 'at') {
      classes.push('mention');
      if (ctx.viewerOpenId !== undefined && (t.id === ctx.viewerOpenId || t.id === 'all')) classes.push('mention-me');
      el = h('span', { class: classes.join(' '), title: t.id.startsWith('ou_') ? t.id : undefined }, `@${personName(ctx, t.id, t.name)}`);
    } else if (t.href !== undefined) {
      el = h('a', { class: classes.join(' ') || undefined, href: t.href, target: '_blank', rel: 'noopener noreferrer' }, t.text);
    } else if (classes.length === 0 && colourStyle === undefined) {
      nodes.push(doc.createTextNode(t.text));
      continue;
    } else {
      el = h('span', { class: classes.join(' ') || undefined }, t.text);
    }
    if (colourStyle !== undefined) el.style.color = colourStyle;
    nodes.push(el);
  }
  return nodes;
}

function textSizeClass(size) {
  return typeof size === 'string' && /^[a-z0-9_-]{1,20}$/u.test(size) ? `ts-${size}` : '';
}

function alignClass(align) {
  return align === 'center' || align === 'right' || align === 'left' ? `ta-${align}` : '';
}

/** A text object (plain_text or lark_md / markdown) as nodes. */
function textNodes(ctx, value) {
  if (!isObj(value)) return typeof value === 'string' ? [ctx.doc.createTextNode(value)] : [];
  const content = textOf(value);
  if (value.tag === 'lark_md' || value.tag === 'markdown') return renderInline(parseMarkdown(content), ctx);
  return [ctx.doc.createTextNode(content)];
}

function applyCommon(el, component) {
  const margin = boxValue(component.margin);
  if (margin !== undefined) el.style.margin = margin;
  if (typeof component.element_id === 'string') el.setAttribute('data-element-id', component.element_id);
  return el;
}

function renderElements(ctx, elements, parentClass) {
  const box = ctx.h('div', { class: parentClass });
  for (const el of Array.isArray(elements) ? elements : []) box.appendChild(renderElement(ctx, el));
  return box;
}

function renderElement(ctx, el) {
  if (!isObj(el)) return unsupported(ctx, typeof el);
  const render = RENDERERS[el.tag];
  if (render === undefined) return unsupported(ctx, String(el.tag));
  try {
    return applyCommon(render(ctx, el), el);
  } catch (error) {
    return ctx.h('div', { class: 'card-render-error', 'data-tag': String(el.tag) }, `组件 ${String(el.tag)} 显示出错：${error instanceof Error ? error.message : String(error)}`);
  }
}

function unsupported(ctx, tag) {
  return ctx.h('div', { class: 'card-unsupported', 'data-unsupported-tag': tag }, `不支持的组件：${tag}`);
}

function renderMarkdownComponent(ctx, el) {
  const classes = ['card-md', textSizeClass(el.text_size), alignClass(el.text_align)].filter(Boolean).join(' ');
  return ctx.h('div', { class: classes }, renderInline(parseMarkdown(el.content), ctx));
}

function renderDiv(ctx, el) {
  const text = isObj(el.text) ? el.text : {};
  const classes = ['card-div', textSizeClass(text.text_size), alignClass(text.text_align)];
  const colour = safeColour(text.text_color);
  if (colour !== undefined && NAMED_COLOURS.has(colour)) classes.push(`fc-${colour}`);
  const div = ctx.h('div', { class: classes.filter(Boolean).join(' ') }, textNodes(ctx, text));
  if (Number.isInteger(text.lines) && text.lines > 0) {
    div.classList.add('clamp');
    div.style.webkitLineClamp = String(text.lines);
  }
  return div;
}

function renderColumnSet(ctx, el) {
  const mode = typeof el.flex_mode === 'string' ? el.flex_mode : 'none';
  const set = ctx.h('div', { class: `card-columns flex-${mode} bg-${typeof el.background_style === 'string' ? el.background_style : 'default'}` });
  set.style.gap = spacing(el.horizontal_spacing, '8px');
  if (el.horizontal_align === 'center' || el.horizontal_align === 'right') set.style.justifyContent = el.horizontal_align === 'center' ? 'center' : 'flex-end';
  for (const col of Array.isArray(el.columns) ? el.columns : []) {
    if (!isObj(col) || col.tag !== 'column') {
      set.appendChild(unsupported(ctx, isObj(col) ? String(col.tag) : typeof col));
      continue;
    }
    set.appendChild(applyCommon(renderColumn(ctx, col, mode), col));
  }
  return set;
}

function renderColumn(ctx, col, mode) {
  const box = renderElements(ctx, col.elements, `card-column bg-${typeof col.background_style === 'string' ? col.background_style : 'default'}`);
  box.style.gap = spacing(col.vertical_spacing, '8px');
  const padding = boxValue(col.padding);
  if (padding !== undefined) box.style.padding = padding;
  const width = col.width;
  if (mode === 'bisect' || mode === 'trisect') box.classList.add('col-split');
  else if (width === 'auto') box.classList.add('col-auto');
  else if (typeof width === 'string' && PX.test(width)) {
    box.style.flex = `0 0 ${width}`;
  } else {
    const weight = Number.isInteger(col.weight) ? col.weight : 1;
    box.style.flex = `${weight} 1 0`;
  }
  const valign = { top: 'flex-start', center: 'center', bottom: 'flex-end' }[col.vertical_align];
  if (valign !== undefined) box.style.alignSelf = valign;
  return box;
}

function renderPanel(ctx, el) {
  const header = isObj(el.header) ? el.header : {};
  const panel = ctx.h('div', { class: 'card-panel' });
  if (isObj(el.border)) panel.classList.add('bordered');
  const arrow = ctx.h('span', { class: 'panel-arrow', 'aria-hidden': 'true' }, '▸');
  const titleBox = ctx.h('span', { class: 'panel-title' }, textNodes(ctx, header.title));
  const head = ctx.h('button', { type: 'button', class: 'panel-head', 'aria-expanded': 'false' }, titleBox, arrow);
  const body = renderElements(ctx, el.elements, 'panel-body');
  const set = (open) => {
    body.hidden = !open;
    arrow.textContent = open ? '▾' : '▸';
    head.setAttribute('aria-expanded', open ? 'true' : 'false');
    panel.classList.toggle('open', open);
  };
  let open = el.expanded === true;
  set(open);
  head.addEventListener('click', () => {
    open = !open;
    set(open);
  });
  panel.appendChild(head);
  panel.appendChild(body);
  return panel;
}

/** Runs `fn` (which may return a promise) with every button of the card disabled meanwhile. */
async function busy(ctx, fn) {
  if (ctx.busy) return;
  ctx.busy = true;
  ctx.root.classList.add('card-busy');
  const buttons = ctx.buttons.map((b) => [b, b.disabled]);
  for (const [b] of buttons) b.disabled = true;
  try {
    await fn();
  } catch (error) {
    ctx.report(error);
  } finally {
    ctx.busy = false;
    ctx.root.classList.remove('card-busy');
    for (const [b, was] of buttons) b.disabled = was;
  }
}

function renderButton(ctx, el) {
  const type = typeof el.type === 'string' ? el.type : 'default';
  const size = typeof el.size === 'string' ? el.size : 'medium';
  const button = ctx.h('button', { type: 'button', class: `card-btn btn-${type} btn-size-${size}` }, textOf(el.text) || '按钮');
  if (el.width === 'fill') button.classList.add('btn-fill');
  else if (typeof el.width === 'string' && PX.test(el.width)) button.style.width = el.width;
  const disabled = el.disabled === true;
  button.disabled = disabled;
  const tips = disabled ? textOf(el.disabled_tips) || textOf(el.hover_tips) : textOf(el.hover_tips);
  if (tips) button.title = tips;
  if (disabled) {
    button.setAttribute('data-disabled', 'true');
    return button;
  }
  ctx.buttons.push(button);
  const form = ctx.form;
  const behaviors = Array.isArray(el.behaviors) ? el.behaviors.filter(isObj) : [];
  const callback = behaviors.find((b) => b.type === 'callback');
  const openUrl = behaviors.find((b) => b.type === 'open_url');
  button.addEventListener('click', () => {
    if (form !== undefined && el.form_action_type === 'reset') {
      form.reset();
      return;
    }
    let formValue;
    if (form !== undefined && el.form_action_type === 'submit') {
      const result = form.collect();
      if (!result.ok) return;
      formValue = result.formValue;
    }
    if (isObj(el.confirm)) {
      const question = [textOf(el.confirm.title), textOf(el.confirm.text)].filter(Boolean).join('\n\n');
      if (!ctx.confirm(question || '确认？')) return;
    }
    if (openUrl !== undefined) {
      const url = safeHref(openUrl.default_url ?? openUrl.pc_url);
      if (url !== undefined) ctx.openUrl(url);
    }
    if (callback === undefined && formValue === undefined) return;
    const action = { value: isObj(callback?.value) ? callback.value : {} };
    if (formValue !== undefined) action.formValue = formValue;
    if (typeof el.name === 'string') action.name = el.name;
    if (form !== undefined) action.formName = form.name;
    void busy(ctx, () => ctx.onAction(action));
  });
  return button;
}

/** A field's wrapper: optional label, the control, a hint line for missing/invalid. */
function fieldBox(ctx, el, control, labelText) {
  const pos = el.label_position === 'left' ? 'label-left' : 'label-top';
  const box = ctx.h('div', { class: `card-field field-${el.tag} ${pos}` });
  if (labelText) {
    const label = ctx.h('div', { class: 'field-label' }, labelText);
    if (el.required === true) label.appendChild(ctx.h('span', { class: 'req', title: '必填' }, ' *'));
    box.appendChild(label);
  }
  box.appendChild(control);
  const hint = ctx.h('div', { class: 'field-hint' });
  hint.hidden = true;
  box.appendChild(hint);
  if (el.width === 'fill') box.classList.add('field-fill');
  else if (typeof el.width === 'string' && PX.test(el.width)) box.style.width = el.width;
  return { box, hint };
}

/** Registers a field with the enclosing form (if any) so submit can read and reset it. */
function register(ctx, el, api) {
  if (ctx.form === undefined || typeof el.name !== 'string') return;
  const descriptor = ctx.form.descriptors.get(el.name) ?? fieldDescriptor(el);
  ctx.form.fields.push({ descriptor, ...api });
}

function markMissing(box, hint, message) {
  box.classList.toggle('field-missing', message !== undefined);
  hint.hidden = message === undefined;
  hint.textContent = message ?? '';
}

function placeholderText(el, fallback) {
  return textOf(el.placeholder) || fallback;
}

function renderInput(ctx, el) {
  const d = fieldDescriptor(el);
  const multiline = el.input_type === 'multiline_text';
  const control = multiline
    ? ctx.h('textarea', { class: 'field-control', rows: Number.isInteger(el.rows) ? el.rows : 3 })
    : ctx.h('input', { class: 'field-control', type: el.input_type === 'password' ? 'password' : 'text' });
  control.placeholder = placeholderText(el, '');
  control.value = d.value;
  control.disabled = el.disabled === true;
  if (typeof el.name === 'string') control.name = el.name;
  const max = d.maxLength;
  const counter = ctx.h('div', { class: 'field-counter' });
  const count = () => {
    const n = charCount(control.value);
    counter.textContent = `${n}/${max}`;
    counter.classList.toggle('over', n > max);
  };
  const autoSize = () => {
    if (!multiline || el.auto_resize !== true) return;
    const rows = Math.min(Number.isInteger(el.max_rows) ? el.max_rows : 12, Math.max(Number.isInteger(el.rows) ? el.rows : 3, control.value.split('\n').length));
    control.rows = rows;
  };
  count();
  autoSize();
  const own = textOf(el.label).trim();
  const { box, hint } = fieldBox(ctx, el, control, own.replace(/（必填）$/u, '') || undefined);
  box.appendChild(counter);
  control.addEventListener('input', () => {
    count();
    autoSize();
    markMissing(box, hint, undefined);
  });
  register(ctx, el, {
    get: () => control.value,
    reset: () => {
      control.value = d.value;
      count();
      autoSize();
    },
    mark: (m) => markMissing(box, hint, m),
  });
  return box;
}

function optionList(el) {
  return (Array.isArray(el.options) ? el.options : []).filter(isObj).map((o) => ({ value: String(o.value ?? ''), text: textOf(o.text) || String(o.value ?? '') }));
}

function renderSelect(ctx, el) {
  const d = fieldDescriptor(el);
  const control = ctx.h('select', { class: 'field-control' });
  const none = ctx.h('option', { value: '' }, placeholderText(el, '请选择'));
  control.appendChild(none);
  for (const o of optionList(el)) control.appendChild(ctx.h('option', { value: o.value }, o.text));
  control.value = d.value;
  control.disabled = el.disabled === true;
  if (typeof el.name === 'string') control.name = el.name;
  const { box, hint } = fieldBox(ctx, el, control);
  const callback = Array.isArray(el.behaviors) ? el.behaviors.find((b) => isObj(b) && b.type === 'callback') : undefined;
  control.addEventListener('change', () => {
    markMissing(box, hint, undefined);
    // Standalone select (outside a form) with a callback: Feishu sends the chosen option at once.
    if (ctx.form === undefined && callback !== undefined && control.value !== '') {
      const action = { value: isObj(callback.value) ? callback.value : {}, option: control.value };
      if (typeof el.name === 'string') action.name = el.name;
      void busy(ctx, () => ctx.onAction(action));
    }
  });
  register(ctx, el, {
    get: () => control.value,
    reset: () => {
      control.value = d.value;
    },
    mark: (m) => markMissing(box, hint, m),
  });
  return box;
}

function renderMultiSelect(ctx, el) {
  const d = fieldDescriptor(el);
  const selected = new Set(d.value);
  const list = ctx.h('div', { class: 'field-control multi-options', role: 'group' });
  const placeholder = placeholderText(el, '');
  if (placeholder) list.setAttribute('aria-label', placeholder);
  const chips = [];
  for (const o of optionList(el)) {
    const checkbox = ctx.h('input', { type: 'checkbox' });
    checkbox.value = o.value;
    checkbox.checked = selected.has(o.value);
    checkbox.disabled = el.disabled === true;
    const chip = ctx.h('label', { class: 'chip' }, checkbox, ctx.h('span', null, o.text));
    chip.classList.toggle('on', checkbox.checked);
    chips.push([checkbox, chip]);
    list.appendChild(chip);
  }
  const { box, hint } = fieldBox(ctx, el, list);
  if (placeholder) box.insertBefore(ctx.h('div', { class: 'field-placeholder' }, placeholder), list);
  for (const [checkbox, chip] of chips) {
    checkbox.addEventListener('change', () => {
      chip.classList.toggle('on', checkbox.checked);
      markMissing(box, hint, undefined);
    });
  }
  register(ctx, el, {
    get: () => chips.filter(([c]) => c.checked).map(([c]) => c.value),
    reset: () => {
      for (const [c, chip] of chips) {
        c.checked = selected.has(c.value);
        chip.classList.toggle('on', c.checked);
      }
    },
    mark: (m) => markMissing(box, hint, m),
  });
  return box;
}

function renderPerson(ctx, el) {
  const d = fieldDescriptor(el);
  const control = ctx.h('select', { class: 'field-control' });
  control.appendChild(ctx.h('option', { value: '' }, placeholderText(el, '选择人员')));
  const ids = optionList(el).map((o) => o.value);
  if (ids.length > 0) {
    for (const id of ids) control.appendChild(ctx.h('option', { value: id }, personName(ctx, id)));
  } else {
    // Empty options: Feishu offers the chat's members; the sandbox page offers everyone it knows.
    const groups = new Map();
    for (const p of ctx.people) {
      const g = typeof p.group === 'string' && p.group ? p.group : '其他';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(p);
    }
    for (const [g, list] of groups) {
      const group = ctx.h('optgroup', { label: g });
      for (const p of list) group.appendChild(ctx.h('option', { value: p.openId }, p.title ? `${p.name}（${p.title}）` : p.name));
      control.appendChild(group);
    }
  }
  control.value = d.value;
  control.disabled = el.disabled === true;
  if (typeof el.name === 'string') control.name = el.name;
  const { box, hint } = fieldBox(ctx, el, control);
  control.addEventListener('change', () => markMissing(box, hint, undefined));
  register(ctx, el, {
    get: () => control.value,
    reset: () => {
      control.value = d.value;
    },
    mark: (m) => markMissing(box, hint, m),
  });
  return box;
}

function renderPicker(ctx, el) {
  const d = fieldDescriptor(el);
  const isDate = el.tag === 'date_picker';
  const control = ctx.h('input', { class: 'field-control', type: isDate ? 'date' : 'datetime-local' });
  const toControl = (v) => (isDate ? v : v.replace(' ', 'T'));
  control.value = toControl(d.value);
  control.disabled = el.disabled === true;
  if (typeof el.name === 'string') control.name = el.name;
  const placeholder = placeholderText(el, '');
  if (placeholder) control.title = placeholder;
  const { box, hint } = fieldBox(ctx, el, control);
  if (placeholder) box.insertBefore(ctx.h('div', { class: 'field-placeholder' }, placeholder), control);
  control.addEventListener('change', () => markMissing(box, hint, undefined));
  register(ctx, el, {
    get: () => control.value,
    reset: () => {
      control.value = toControl(d.value);
    },
    mark: (m) => markMissing(box, hint, m),
  });
  return box;
}

function renderForm(ctx, el) {
  const descriptors = new Map(formFields(el).map((d) => [d.name, d]));
  const form = { name: typeof el.name === 'string' ? el.name : '', descriptors, fields: [] };
  const outer = ctx.form;
  ctx.form = form;
  let box;
  try {
    box = renderElements(ctx, el.elements, 'card-form');
  } finally {
    ctx.form = outer;
  }
  box.style.gap = spacing(el.vertical_spacing, '8px');
  const message = ctx.h('div', { class: 'form-message', role: 'alert' });
  message.hidden = true;
  box.appendChild(message);
  form.reset = () => {
    for (const f of form.fields) {
      f.reset();
      f.mark(undefined);
    }
    message.hidden = true;
  };
  form.collect = () => {
    const snapshot = form.fields.map((f) => ({ ...f.descriptor, value: f.get() }));
    const result = collectFormValues(snapshot, { offsetMinutes: ctx.offsetMinutes });
    const problems = new Map();
    for (const m of result.missing) problems.set(m.name, '必填');
    for (const m of result.invalid) problems.set(m.name, m.reason);
    for (const f of form.fields) f.mark(problems.get(f.descriptor.name));
    const parts = [];
    if (result.missing.length > 0) parts.push(`请填写：${result.missing.map((m) => m.label).join('、')}`);
    for (const m of result.invalid) parts.push(`${m.label}${m.reason}`);
    message.hidden = parts.length === 0;
    message.textContent = parts.join('；');
    return result;
  };
  return box;
}

function chartValues(spec) {
  if (!isObj(spec)) return [];
  const data = spec.data;
  if (isObj(data) && Array.isArray(data.values)) return data.values;
  if (Array.isArray(data)) return data.flatMap((d) => (isObj(d) && Array.isArray(d.values) ? d.values : []));
  return [];
}

function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function renderChart(ctx, el) {
  const spec = isObj(el.chart_spec) ? el.chart_spec : {};
  const title = isObj(spec.title) ? (Array.isArray(spec.title.text) ? spec.title.text.join(' ') : textOf(spec.title.text ?? spec.title)) : '';
  const type = typeof spec.type === 'string' ? spec.type : '未知类型';
  const box = ctx.h('div', { class: 'card-chart' }, ctx.h('div', { class: 'chart-title' }, ctx.h('span', { class: 'chart-badge' }, '图表'), ` ${title || '（无标题）'}`, ctx.h('span', { class: 'chart-type' }, ` · ${type}`)));
  const values = chartValues(spec).filter(isObj);
  if (values.length === 0) {
    box.appendChild(ctx.h('div', { class: 'chart-empty' }, '（无数据）'));
    return box;
  }
  const keys = [...new Set(values.flatMap((v) => Object.keys(v)))].slice(0, 8);
  const shown = values.slice(0, 50);
  const table = ctx.h(
    'table',
    { class: 'chart-table' },
    ctx.h('thead', null, ctx.h('tr', null, keys.map((k) => ctx.h('th', null, k)))),
    ctx.h('tbody', null, shown.map((v) => ctx.h('tr', null, keys.map((k) => ctx.h('td', null, cellText(v[k])))))),
  );
  const drawn = drawWithVChart(ctx, spec, el.aspect_ratio);
  if (drawn) {
    box.appendChild(drawn);
    // The numbers stay available (and testable) under the drawing.
    box.appendChild(ctx.h('details', { class: 'chart-data' }, ctx.h('summary', null, '数据'), ctx.h('div', { class: 'chart-scroll' }, table)));
  } else {
    box.appendChild(ctx.h('div', { class: 'chart-scroll' }, table));
  }
  if (values.length > shown.length) box.appendChild(ctx.h('div', { class: 'chart-more' }, `共 ${values.length} 行，只显示前 ${shown.length} 行`));
  return box;
}

const ASPECT = { '1:1': 1, '2:1': 0.5, '4:3': 0.75, '16:9': 0.5625 };

/**
 * Draws the spec with VChart (the bundle the sandbox serves from the installed package, as Feishu
 * draws chart components). Returns undefined where VChart is not loaded (tests in Node) or fails.
 */
function drawWithVChart(ctx, spec, aspect) {
  const lib = typeof globalThis !== 'undefined' ? globalThis.VChart : undefined;
  const Chart = lib && (lib.VChart || lib.default);
  if (typeof Chart !== 'function' || !ctx.document || typeof ctx.document.createElement !== 'function' || typeof window === 'undefined') return undefined;
  const width = 460;
  const height = Math.round(width * (ASPECT[aspect] ?? 0.5625));
  const holder = ctx.h('div', { class: 'chart-canvas' });
  holder.style.width = `${width}px`;
  holder.style.height = `${height}px`;
  try {
    const chart = new Chart({ ...spec, animation: false }, { dom: holder, width, height, animation: false });
    chart.renderSync();
    return holder;
  } catch (error) {
    if (typeof ctx.onError === 'function') ctx.onError(error);
    return undefined;
  }
}

function renderImg(ctx, el) {
  const alt = textOf(el.alt);
  const title = textOf(el.title);
  return ctx.h('div', { class: 'card-img', title: typeof el.img_key === 'string' ? el.img_key : undefined }, `[图片] ${title || alt || ''}`.trim());
}

const RENDERERS = {
  markdown: renderMarkdownComponent,
  div: renderDiv,
  hr: (ctx) => ctx.h('hr', { class: 'card-hr' }),
  column_set: renderColumnSet,
  // A column outside a column_set is invalid JSON 2.0; draw its content anyway.
  column: (ctx, el) => renderColumn(ctx, el, 'none'),
  form: renderForm,
  collapsible_panel: renderPanel,
  button: renderButton,
  input: renderInput,
  select_static: renderSelect,
  multi_select_static: renderMultiSelect,
  select_person: renderPerson,
  date_picker: renderPicker,
  picker_datetime: renderPicker,
  chart: renderChart,
  img: renderImg,
};

function renderHeader(ctx, header) {
  const template = HEADER_TEMPLATES.includes(header.template) ? header.template : 'default';
  const box = ctx.h('div', { class: `card-header tpl-${template}` });
  const titleRow = ctx.h('div', { class: 'card-title-row' }, ctx.h('div', { class: 'card-title' }, textNodes(ctx, header.title)));
  const tags = Array.isArray(header.text_tag_list) ? header.text_tag_list.filter(isObj).slice(0, 3) : [];
  if (tags.length > 0) {
    titleRow.appendChild(
      ctx.h(
        'div',
        { class: 'card-tags' },
        tags.map((t) => ctx.h('span', { class: `text-tag tag-${typeof t.color === 'string' && /^[a-z]+$/u.test(t.color) ? t.color : 'neutral'}` }, textOf(t.text))),
      ),
    );
  }
  box.appendChild(titleRow);
  if (header.subtitle !== undefined) box.appendChild(ctx.h('div', { class: 'card-subtitle' }, textNodes(ctx, header.subtitle)));
  return box;
}

function browserOffset(localIso) {
  // The browser's UTC offset at that local time (so DST zones get the right one), minutes east.
  const d = new Date(localIso);
  return Number.isNaN(d.getTime()) ? -new Date(0).getTimezoneOffset() : -d.getTimezoneOffset();
}

/**
 * Render a card JSON 2.0 object as an element.
 *
 * @param {object} card
 * @param {{
 *   onAction?: (action: { value: object, formValue?: object, name?: string, formName?: string, option?: string }) => unknown,
 *   peopleById?: Map<string, unknown> | Record<string, unknown>,
 *   people?: { openId: string, name: string, title?: string, group?: string }[],
 *   viewerOpenId?: string,
 *   confirm?: (message: string) => boolean,
 *   openUrl?: (url: string) => void,
 *   onError?: (error: unknown) => void,
 *   offsetMinutes?: number | ((localIso: string) => number),
 *   document?: Document,
 * }} [options]
 * @returns {HTMLElement}
 */
export function renderCard(card, options = {}) {
  const doc = options.document ?? globalThis.document;
  const h = makeH(doc);
  const root = h('div', { class: 'card' });
  const ctx = {
    doc,
    h,
    root,
    peopleById: options.peopleById,
    people: Array.isArray(options.people) ? options.people : [],
    viewerOpenId: options.viewerOpenId,
    document: doc,
    onAction: options.onAction ?? (() => undefined),
    confirm: options.confirm ?? ((message) => globalThis.confirm(message)),
    openUrl: options.openUrl ?? ((url) => globalThis.open(url, '_blank', 'noopener,noreferrer')),
    report: options.onError ?? (() => undefined),
    offsetMinutes: options.offsetMinutes ?? browserOffset,
    form: undefined,
    buttons: [],
    busy: false,
  };
  if (!isObj(card)) {
    root.appendChild(unsupported(ctx, 'card'));
    return root;
  }
  const config = isObj(card.config) ? card.config : {};
  root.classList.add(`width-${config.width_mode === 'fill' || config.width_mode === 'compact' ? config.width_mode : 'default'}`);
  if (isObj(card.header)) root.appendChild(renderHeader(ctx, card.header));
  const bodyDef = isObj(card.body) ? card.body : {};
  const body = renderElements(ctx, bodyDef.elements, 'card-body');
  body.style.gap = spacing(bodyDef.vertical_spacing, '8px');
  const padding = boxValue(bodyDef.padding);
  if (padding !== undefined) body.style.padding = padding;
  root.appendChild(body);
  return root;
}
