import { Buffer } from 'node:buffer';

/**
 * Checks a card against the Feishu/Lark card JSON 2.0 rules, refusing what Lark refuses: the
 * builders' tests use it, the outbox can check a card before sending it, and the sandbox stand-in
 * uses it to answer an invalid card with an error as Lark would.
 *
 * Sources: open.feishu.cn "卡片 JSON 2.0 结构", the JSON 2.0 component pages (markdown, div, hr,
 * column_set, form, collapsible_panel, button, input, select_static, multi_select_static,
 * select_person, date_picker, picker_datetime, chart, img) and the 2.0 breaking-changes notes; see
 * `.scratch/lark-facts.md` §6.
 *
 * Deliberately stricter than Lark in a few places (our cards must not depend on leniency):
 * - only the component tags listed in `COMPONENTS` are accepted (Lark has more, e.g. `table`);
 * - legacy properties kept for 1.0 compatibility (`value` / `action_type` on interactive components,
 *   `mode` / `custom_width` / `compact_width` on img, `fields` on div) are refused;
 * - a button outside a form must have `behaviors`;
 * - the 200 limit counts every object that carries a `tag` (components, columns, and text elements
 *   such as `plain_text`), because the doc says "200 个元素（如 tag 为 plain_text 的文本元素）或组件";
 * - container depth counts `column_set` (with its columns), `form` and `collapsible_panel` as one
 *   level each; more than 5 is refused.
 */

export const CARD_MAX_BYTES = 30 * 1024;
export const CARD_MAX_COMPONENTS = 200;
export const CARD_MAX_DEPTH = 5;

export type CardValidation = { ok: true; bytes: number; components: number } | { ok: false; errors: string[] };

type Obj = Record<string, unknown>;

const TOP_KEYS = ['schema', 'config', 'card_link', 'header', 'body'];
const CONFIG_KEYS = [
  'streaming_mode',
  'streaming_config',
  'summary',
  'locales',
  'enable_forward',
  'update_multi',
  'width_mode',
  'use_custom_translation',
  'enable_forward_interaction',
  'style',
];
const CARD_LINK_KEYS = ['url', 'pc_url', 'ios_url', 'android_url'];
const HEADER_KEYS = ['title', 'subtitle', 'template', 'text_tag_list', 'i18n_text_tag_list', 'icon', 'padding'];
export const HEADER_TEMPLATES = [
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
] as const;
const TEXT_TAG_COLOURS = [
  'neutral',
  'blue',
  'turquoise',
  'lime',
  'orange',
  'violet',
  'indigo',
  'wathet',
  'green',
  'yellow',
  'red',
  'purple',
  'carmine',
];
const LAYOUT = ['direction', 'padding', 'horizontal_spacing', 'horizontal_align', 'vertical_spacing', 'vertical_align'];
const BODY_KEYS = [...LAYOUT, 'elements'];
const COMMON = ['tag', 'element_id', 'margin'];
const ICON_KEYS = ['tag', 'token', 'color', 'img_key', 'size'];

const BUTTON_TYPES = [
  'default',
  'primary',
  'danger',
  'text',
  'primary_text',
  'danger_text',
  'primary_filled',
  'danger_filled',
  'laser',
];
const BUTTON_SIZES = ['tiny', 'small', 'medium', 'large'];
const FLEX_MODES = ['none', 'stretch', 'flow', 'bisect', 'trisect'];
const INPUT_TYPES = ['text', 'multiline_text', 'password'];
const SELECT_TYPES = ['default', 'text'];
const ASPECT_RATIOS = ['1:1', '2:1', '4:3', '16:9'];
const COLOR_THEMES = ['brand', 'rainbow', 'complementary', 'converse', 'primary'];
const LABEL_POSITIONS = ['top', 'left'];
const FORM_ACTION_TYPES = ['submit', 'reset'];

/** Allowed properties per component tag (JSON 2.0 pages; legacy 1.0 properties left out on purpose). */
const COMPONENTS: Record<string, readonly string[]> = {
  markdown: [...COMMON, 'content', 'text_size', 'text_align', 'icon'],
  div: [...COMMON, 'width', 'text', 'icon'],
  hr: COMMON,
  column_set: [...COMMON, 'horizontal_spacing', 'horizontal_align', 'flex_mode', 'background_style', 'action', 'columns'],
  column: [
    ...COMMON,
    'background_style',
    'width',
    'weight',
    'horizontal_spacing',
    'horizontal_align',
    'vertical_align',
    'vertical_spacing',
    'direction',
    'padding',
    'action',
    'elements',
  ],
  form: [...COMMON, ...LAYOUT, 'name', 'elements'],
  collapsible_panel: [...COMMON, ...LAYOUT, 'expanded', 'background_color', 'header', 'border', 'elements'],
  button: [
    ...COMMON,
    'type',
    'size',
    'width',
    'text',
    'icon',
    'hover_tips',
    'disabled',
    'disabled_tips',
    'confirm',
    'behaviors',
    'name',
    'form_action_type',
  ],
  input: [
    ...COMMON,
    'name',
    'required',
    'disabled',
    'disabled_tips',
    'placeholder',
    'default_value',
    'width',
    'behaviors',
    'max_length',
    'input_type',
    'show_icon',
    'rows',
    'auto_resize',
    'max_rows',
    'label',
    'label_position',
    'confirm',
  ],
  select_static: [
    ...COMMON,
    'type',
    'name',
    'required',
    'disabled',
    'initial_option',
    'initial_index',
    'placeholder',
    'width',
    'behaviors',
    'options',
    'confirm',
  ],
  multi_select_static: [
    ...COMMON,
    'type',
    'name',
    'required',
    'disabled',
    'placeholder',
    'width',
    'behaviors',
    'selected_values',
    'options',
    'confirm',
  ],
  select_person: [
    ...COMMON,
    'type',
    'name',
    'required',
    'disabled',
    'initial_option',
    'placeholder',
    'width',
    'behaviors',
    'options',
    'confirm',
  ],
  date_picker: [...COMMON, 'name', 'required', 'disabled', 'width', 'behaviors', 'initial_date', 'placeholder', 'confirm'],
  picker_datetime: [
    ...COMMON,
    'name',
    'required',
    'disabled',
    'width',
    'behaviors',
    'initial_datetime',
    'placeholder',
    'confirm',
  ],
  chart: [...COMMON, 'aspect_ratio', 'color_theme', 'chart_spec', 'preview', 'height'],
  img: [...COMMON, 'img_key', 'alt', 'title', 'corner_radius', 'scale_type', 'size', 'transparent', 'preview'],
};

/** Tags removed in 2.0 (error 200861). */
const REMOVED_TAGS: Record<string, string> = {
  action: 'the "action" tag was removed in card JSON 2.0; put buttons directly in elements or a column_set',
  note: 'the "note" tag was removed in card JSON 2.0; use a markdown component with text_size "notation"',
};

/** Interactive components: inside a form each needs a card-unique `name`. */
const INTERACTIVE = new Set([
  'button',
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'date_picker',
  'picker_datetime',
]);
/** Components whose `required` only works inside a form. */
const FORM_FIELDS = new Set(['input', 'select_static', 'multi_select_static', 'select_person', 'date_picker', 'picker_datetime']);
const CONTAINERS = new Set(['column_set', 'form', 'collapsible_panel']);

const ELEMENT_ID = /^[A-Za-z][A-Za-z0-9_]{0,19}$/u;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}

interface Where {
  /** Inside a form (at any depth). */
  inForm: boolean;
  /** Number of containers around this element. */
  depth: number;
  /** The element sits directly in body.elements. */
  atRoot: boolean;
}

class Checker {
  readonly errors: string[] = [];
  tagged = 0;
  private readonly names = new Map<string, string>();
  private readonly elementIds = new Map<string, string>();

  err(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  keys(path: string, obj: Obj, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.err(`${path}.${key}`, `unknown property for ${what}`);
    }
  }

  oneOf(path: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.err(path, `must be one of ${allowed.join('|')} (got ${describe(value)})`);
    }
  }

  str(path: string, value: unknown): value is string {
    if (typeof value === 'string') return true;
    this.err(path, `must be a string (got ${describe(value)})`);
    return false;
  }

  bool(path: string, value: unknown): void {
    if (typeof value !== 'boolean') this.err(path, `must be a boolean (got ${describe(value)})`);
  }

  /** Text object `{tag, content}`; `tags` lists the allowed text tags. */
  text(path: string, value: unknown, tags: readonly string[], maxChars?: number, extraKeys: readonly string[] = []): void {
    if (!isObj(value)) {
      this.err(path, 'must be an object');
      return;
    }
    this.countTag(value);
    this.keys(path, value, ['tag', 'content', 'i18n_content', ...extraKeys], 'a text object');
    this.oneOf(`${path}.tag`, value.tag, tags);
    if (this.str(`${path}.content`, value.content) && maxChars !== undefined && [...value.content].length > maxChars) {
      this.err(`${path}.content`, `must be at most ${maxChars} characters`);
    }
  }

  countTag(obj: Obj): void {
    if ('tag' in obj) this.tagged += 1;
  }

  elementId(path: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !ELEMENT_ID.test(value)) {
      this.err(path, 'element_id must start with a letter, use only letters, digits and _, and be at most 20 characters');
      return;
    }
    const first = this.elementIds.get(value);
    if (first !== undefined) this.err(path, `element_id "${value}" is already used at ${first}`);
    else this.elementIds.set(value, path);
  }

  name(path: string, value: unknown): void {
    if (!this.str(path, value)) return;
    if (value.length === 0) {
      this.err(path, 'must not be empty');
      return;
    }
    const first = this.names.get(value);
    if (first !== undefined) this.err(path, `name "${value}" is already used at ${first}; names must be unique within a card`);
    else this.names.set(value, path);
  }

  icon(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.err(path, 'must be an object');
      return;
    }
    this.keys(path, value, ICON_KEYS, 'an icon');
    this.oneOf(`${path}.tag`, value.tag, ['standard_icon', 'custom_icon']);
  }

  confirm(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.err(path, 'must be an object');
      return;
    }
    this.keys(path, value, ['title', 'text'], 'confirm');
    this.text(`${path}.title`, value.title, ['plain_text']);
    this.text(`${path}.text`, value.text, ['plain_text']);
  }

  behaviors(path: string, value: unknown, allowOpenUrl: boolean): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.err(path, 'must be a non-empty array');
      return;
    }
    value.forEach((item: unknown, i) => {
      const p = `${path}[${i}]`;
      if (!isObj(item)) {
        this.err(p, 'must be an object');
        return;
      }
      if (item.type === 'callback') {
        this.keys(p, item, ['type', 'value'], 'a callback behavior');
        if (!isObj(item.value)) this.err(`${p}.value`, 'must be an object');
      } else if (item.type === 'open_url' && allowOpenUrl) {
        this.keys(p, item, ['type', 'default_url', 'pc_url', 'ios_url', 'android_url'], 'an open_url behavior');
        for (const key of ['default_url', 'pc_url', 'ios_url', 'android_url']) {
          if (item[key] !== undefined) this.str(`${p}.${key}`, item[key]);
        }
        const all = ['pc_url', 'ios_url', 'android_url'].every((k) => typeof item[k] === 'string');
        if (typeof item.default_url !== 'string' && !all) {
          this.err(p, 'open_url needs default_url, or all of pc_url, ios_url and android_url');
        }
      } else {
        this.err(`${p}.type`, `must be ${allowOpenUrl ? 'callback or open_url' : 'callback'} (got ${describe(item.type)})`);
      }
    });
  }

  options(path: string, value: unknown, person: boolean): string[] {
    if (!Array.isArray(value)) {
      this.err(path, 'must be an array');
      return [];
    }
    const values: string[] = [];
    value.forEach((option: unknown, i) => {
      const p = `${path}[${i}]`;
      if (!isObj(option)) {
        this.err(p, 'must be an object');
        return;
      }
      if (person) {
        this.keys(p, option, ['value'], 'a person option');
      } else {
        this.keys(p, option, ['text', 'icon', 'value'], 'an option');
        this.text(`${p}.text`, option.text, ['plain_text']);
        if (option.icon !== undefined) this.icon(`${p}.icon`, option.icon);
      }
      if (!this.str(`${p}.value`, option.value)) return;
      if (values.includes(option.value)) this.err(`${p}.value`, `duplicate option value "${option.value}"`);
      values.push(option.value);
    });
    return values;
  }

  elements(path: string, value: unknown, where: Where): void {
    if (!Array.isArray(value)) {
      this.err(path, 'must be an array');
      return;
    }
    value.forEach((el: unknown, i) => this.component(`${path}[${i}]`, el, where));
  }

  component(path: string, el: unknown, where: Where): void {
    if (!isObj(el)) {
      this.err(path, 'must be an object');
      return;
    }
    const tag = el.tag;
    if (typeof tag !== 'string') {
      this.err(`${path}.tag`, 'must be a string');
      return;
    }
    const removed = REMOVED_TAGS[tag];
    if (removed !== undefined) {
      this.err(`${path}.tag`, removed);
      return;
    }
    if (tag === 'column') {
      this.err(`${path}.tag`, 'a column may only appear in a column_set\'s columns');
      return;
    }
    const allowed = COMPONENTS[tag];
    if (allowed === undefined) {
      this.err(`${path}.tag`, `unknown or unsupported component tag "${tag}"`);
      return;
    }
    this.countTag(el);
    this.keys(path, el, allowed, tag);
    this.elementId(`${path}.element_id`, el.element_id);
    if (el.margin !== undefined) this.str(`${path}.margin`, el.margin);

    const depth = CONTAINERS.has(tag) ? where.depth + 1 : where.depth;
    if (depth > CARD_MAX_DEPTH) this.err(path, `containers are nested more than ${CARD_MAX_DEPTH} levels deep`);
    const inner: Where = { inForm: where.inForm || tag === 'form', depth, atRoot: false };

    if (INTERACTIVE.has(tag)) {
      if (where.inForm && el.name === undefined) this.err(`${path}.name`, `is required for a ${tag} inside a form`);
      if (el.name !== undefined) this.name(`${path}.name`, el.name);
    }
    if (FORM_FIELDS.has(tag)) {
      if (el.required !== undefined) {
        this.bool(`${path}.required`, el.required);
        if (!where.inForm) this.err(`${path}.required`, 'is only valid inside a form');
      }
      if (el.disabled !== undefined) this.bool(`${path}.disabled`, el.disabled);
      if (el.placeholder !== undefined) this.text(`${path}.placeholder`, el.placeholder, ['plain_text'], 100);
      if (el.disabled_tips !== undefined) this.text(`${path}.disabled_tips`, el.disabled_tips, ['plain_text']);
      if (el.behaviors !== undefined) this.behaviors(`${path}.behaviors`, el.behaviors, false);
      if (el.confirm !== undefined) this.confirm(`${path}.confirm`, el.confirm);
    }

    switch (tag) {
      case 'markdown':
        this.str(`${path}.content`, el.content);
        if (el.icon !== undefined) this.icon(`${path}.icon`, el.icon);
        break;
      case 'div':
        if (el.text === undefined) this.err(`${path}.text`, 'is required');
        else this.text(`${path}.text`, el.text, ['plain_text', 'lark_md'], undefined, ['text_size', 'text_color', 'text_align', 'lines']);
        if (el.icon !== undefined) this.icon(`${path}.icon`, el.icon);
        break;
      case 'hr':
        break;
      case 'column_set':
        this.columnSet(path, el, inner);
        break;
      case 'form':
        if (!where.atRoot) this.err(path, 'a form may only appear directly in body.elements (not nested in another component)');
        if (el.name === undefined) this.err(`${path}.name`, 'is required for a form');
        else this.name(`${path}.name`, el.name);
        this.elements(`${path}.elements`, el.elements, inner);
        if (Array.isArray(el.elements) && !hasSubmit(el.elements)) {
          this.err(`${path}.elements`, 'a form needs a button with form_action_type "submit"');
        }
        break;
      case 'collapsible_panel':
        this.panelHeader(`${path}.header`, el.header);
        if (el.expanded !== undefined) this.bool(`${path}.expanded`, el.expanded);
        if (el.border !== undefined) {
          if (isObj(el.border)) this.keys(`${path}.border`, el.border, ['color', 'corner_radius'], 'a border');
          else this.err(`${path}.border`, 'must be an object');
        }
        if (el.elements !== undefined) this.elements(`${path}.elements`, el.elements, inner);
        break;
      case 'button':
        this.button(path, el, where);
        break;
      case 'input':
        this.input(path, el);
        break;
      case 'select_static':
        if (el.type !== undefined) this.oneOf(`${path}.type`, el.type, SELECT_TYPES);
        if (el.options === undefined) this.err(`${path}.options`, 'is required');
        else this.options(`${path}.options`, el.options, false);
        if (el.initial_option !== undefined) this.str(`${path}.initial_option`, el.initial_option);
        if (el.initial_index !== undefined && !Number.isInteger(el.initial_index)) {
          this.err(`${path}.initial_index`, 'must be an integer');
        }
        break;
      case 'multi_select_static': {
        if (!where.inForm) this.err(path, 'a multi_select_static may only be used inside a form');
        if (el.type !== undefined) this.oneOf(`${path}.type`, el.type, SELECT_TYPES);
        const values = el.options === undefined ? [] : this.options(`${path}.options`, el.options, false);
        if (el.options === undefined) this.err(`${path}.options`, 'is required');
        if (el.selected_values !== undefined) {
          if (!Array.isArray(el.selected_values)) this.err(`${path}.selected_values`, 'must be an array');
          else
            el.selected_values.forEach((v: unknown, i) => {
              if (typeof v !== 'string' || !values.includes(v)) {
                this.err(`${path}.selected_values[${i}]`, 'must be the value of one of the options');
              }
            });
        }
        break;
      }
      case 'select_person': {
        if (el.type !== undefined) this.oneOf(`${path}.type`, el.type, SELECT_TYPES);
        const values = el.options === undefined ? [] : this.options(`${path}.options`, el.options, true);
        if (el.initial_option !== undefined && this.str(`${path}.initial_option`, el.initial_option) && !values.includes(el.initial_option)) {
          this.err(`${path}.initial_option`, 'must be one of the options');
        }
        break;
      }
      case 'date_picker':
        if (el.initial_date !== undefined && (typeof el.initial_date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/u.test(el.initial_date))) {
          this.err(`${path}.initial_date`, 'must be yyyy-MM-dd');
        }
        break;
      case 'picker_datetime':
        if (el.initial_datetime === undefined) {
          if (el.placeholder === undefined) this.err(`${path}.placeholder`, 'is required when initial_datetime is not set');
        } else if (typeof el.initial_datetime !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/u.test(el.initial_datetime)) {
          this.err(`${path}.initial_datetime`, 'must be yyyy-MM-dd HH:mm');
        }
        break;
      case 'chart':
        if (where.inForm) this.err(path, 'a chart may not be placed inside a form');
        if (!isObj(el.chart_spec)) this.err(`${path}.chart_spec`, 'is required and must be an object');
        if (el.aspect_ratio !== undefined) this.oneOf(`${path}.aspect_ratio`, el.aspect_ratio, ASPECT_RATIOS);
        if (el.color_theme !== undefined) this.oneOf(`${path}.color_theme`, el.color_theme, COLOR_THEMES);
        if (el.preview !== undefined) this.bool(`${path}.preview`, el.preview);
        break;
      case 'img':
        if (typeof el.img_key !== 'string' || el.img_key.length === 0) this.err(`${path}.img_key`, 'is required and must be a string');
        if (el.alt === undefined) this.err(`${path}.alt`, 'is required (may have empty content)');
        else this.text(`${path}.alt`, el.alt, ['plain_text']);
        if (el.title !== undefined) this.text(`${path}.title`, el.title, ['plain_text']);
        break;
    }
  }

  columnSet(path: string, el: Obj, inner: Where): void {
    if (el.flex_mode !== undefined) this.oneOf(`${path}.flex_mode`, el.flex_mode, FLEX_MODES);
    if (!Array.isArray(el.columns)) {
      this.err(`${path}.columns`, 'is required and must be an array');
      return;
    }
    el.columns.forEach((col: unknown, i) => {
      const p = `${path}.columns[${i}]`;
      if (!isObj(col) || col.tag !== 'column') {
        this.err(p, 'must be an object with tag "column"');
        return;
      }
      this.countTag(col);
      this.keys(p, col, COMPONENTS.column ?? [], 'column');
      this.elementId(`${p}.element_id`, col.element_id);
      if (col.weight !== undefined && (!Number.isInteger(col.weight) || (col.weight as number) < 1 || (col.weight as number) > 5)) {
        this.err(`${p}.weight`, 'must be an integer from 1 to 5');
      }
      if (col.elements !== undefined) this.elements(`${p}.elements`, col.elements, inner);
    });
  }

  panelHeader(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.err(path, 'is required and must be an object');
      return;
    }
    this.keys(
      path,
      value,
      ['title', 'background_color', 'vertical_align', 'padding', 'position', 'width', 'icon', 'icon_position', 'icon_expanded_angle'],
      'a collapsible_panel header',
    );
    if (value.title !== undefined) this.text(`${path}.title`, value.title, ['plain_text', 'markdown']);
    if (value.icon !== undefined) this.icon(`${path}.icon`, value.icon);
  }

  button(path: string, el: Obj, where: Where): void {
    if (el.text === undefined) this.err(`${path}.text`, 'is required for a button');
    else this.text(`${path}.text`, el.text, ['plain_text'], 100);
    if (el.type !== undefined) this.oneOf(`${path}.type`, el.type, BUTTON_TYPES);
    if (el.size !== undefined) this.oneOf(`${path}.size`, el.size, BUTTON_SIZES);
    if (el.disabled !== undefined) this.bool(`${path}.disabled`, el.disabled);
    if (el.icon !== undefined) this.icon(`${path}.icon`, el.icon);
    if (el.hover_tips !== undefined) this.text(`${path}.hover_tips`, el.hover_tips, ['plain_text']);
    if (el.disabled_tips !== undefined) this.text(`${path}.disabled_tips`, el.disabled_tips, ['plain_text']);
    if (el.confirm !== undefined) this.confirm(`${path}.confirm`, el.confirm);
    if (where.inForm) {
      if (el.form_action_type === undefined) this.err(`${path}.form_action_type`, 'is required for a button inside a form');
      else this.oneOf(`${path}.form_action_type`, el.form_action_type, FORM_ACTION_TYPES);
      if (el.behaviors !== undefined) this.behaviors(`${path}.behaviors`, el.behaviors, true);
    } else {
      if (el.form_action_type !== undefined) this.err(`${path}.form_action_type`, 'is only valid for a button inside a form');
      if (el.behaviors === undefined) this.err(`${path}.behaviors`, 'is required for a button outside a form');
      else this.behaviors(`${path}.behaviors`, el.behaviors, true);
    }
  }

  input(path: string, el: Obj): void {
    if (el.max_length !== undefined) {
      const n = el.max_length;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000) {
        this.err(`${path}.max_length`, 'must be an integer from 1 to 1000');
      }
    }
    if (el.input_type !== undefined) this.oneOf(`${path}.input_type`, el.input_type, INPUT_TYPES);
    if (el.label_position !== undefined) this.oneOf(`${path}.label_position`, el.label_position, LABEL_POSITIONS);
    if (el.label !== undefined) this.text(`${path}.label`, el.label, ['plain_text']);
    if (el.default_value !== undefined && this.str(`${path}.default_value`, el.default_value)) {
      const max = typeof el.max_length === 'number' ? el.max_length : 1000;
      if ([...el.default_value].length > max) this.err(`${path}.default_value`, `is longer than max_length (${max})`);
    }
    for (const key of ['rows', 'max_rows']) {
      const n = el[key];
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) this.err(`${path}.${key}`, 'must be a positive integer');
    }
  }

  header(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.err(path, 'must be an object');
      return;
    }
    this.keys(path, value, HEADER_KEYS, 'the header');
    if (value.title === undefined) this.err(`${path}.title`, 'is required');
    else this.text(`${path}.title`, value.title, ['plain_text', 'lark_md']);
    if (value.subtitle !== undefined) this.text(`${path}.subtitle`, value.subtitle, ['plain_text', 'lark_md']);
    if (value.template !== undefined) this.oneOf(`${path}.template`, value.template, HEADER_TEMPLATES);
    if (value.icon !== undefined) this.icon(`${path}.icon`, value.icon);
    if (value.padding !== undefined) this.str(`${path}.padding`, value.padding);
    if (value.text_tag_list !== undefined) {
      if (!Array.isArray(value.text_tag_list)) this.err(`${path}.text_tag_list`, 'must be an array');
      else
        value.text_tag_list.forEach((t: unknown, i) => {
          const p = `${path}.text_tag_list[${i}]`;
          if (!isObj(t)) {
            this.err(p, 'must be an object');
            return;
          }
          this.countTag(t);
          this.keys(p, t, ['tag', 'element_id', 'text', 'color'], 'a text_tag');
          if (t.tag !== 'text_tag') this.err(`${p}.tag`, 'must be "text_tag"');
          this.elementId(`${p}.element_id`, t.element_id);
          if (t.text !== undefined) this.text(`${p}.text`, t.text, ['plain_text']);
          if (t.color !== undefined) this.oneOf(`${p}.color`, t.color, TEXT_TAG_COLOURS);
        });
    }
  }

  config(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.err(path, 'must be an object');
      return;
    }
    this.keys(path, value, CONFIG_KEYS, 'config');
    if (value.update_multi !== undefined && value.update_multi !== true) {
      this.err(`${path}.update_multi`, 'card JSON 2.0 only supports true (shared cards)');
    }
    if (value.width_mode !== undefined) this.oneOf(`${path}.width_mode`, value.width_mode, ['default', 'compact', 'fill']);
    for (const key of ['streaming_mode', 'enable_forward', 'use_custom_translation', 'enable_forward_interaction']) {
      if (value[key] !== undefined) this.bool(`${path}.${key}`, value[key]);
    }
    if (value.summary !== undefined) {
      if (!isObj(value.summary)) this.err(`${path}.summary`, 'must be an object');
      else {
        this.keys(`${path}.summary`, value.summary, ['content', 'i18n_content'], 'config.summary');
        if (value.summary.content !== undefined) this.str(`${path}.summary.content`, value.summary.content);
      }
    }
  }

  cardLink(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.err(path, 'must be an object');
      return;
    }
    this.keys(path, value, CARD_LINK_KEYS, 'card_link');
    for (const key of CARD_LINK_KEYS) if (value[key] !== undefined) this.str(`${path}.${key}`, value[key]);
    const all = ['pc_url', 'ios_url', 'android_url'].every((k) => typeof value[k] === 'string');
    if (typeof value.url !== 'string' && !all) this.err(path, 'needs url, or all of pc_url, ios_url and android_url');
  }
}

/** Whether some button in `elements` (at any depth) submits the form. */
function hasSubmit(elements: readonly unknown[]): boolean {
  return elements.some((el) => {
    if (!isObj(el)) return false;
    if (el.tag === 'button' && el.form_action_type === 'submit') return true;
    const children: unknown[] = [];
    if (Array.isArray(el.elements)) children.push(...(el.elements as unknown[]));
    if (Array.isArray(el.columns)) {
      for (const col of el.columns as unknown[]) {
        if (isObj(col) && Array.isArray(col.elements)) children.push(...(col.elements as unknown[]));
      }
    }
    return hasSubmit(children);
  });
}

/**
 * Validate a card as Lark would before accepting it. Errors are English, one per problem, each
 * starting with the JSON path, e.g. `body.elements[3].behaviors[0].value: must be an object`.
 *
 * ```ts
 * const result = validateCard(itemCard(view));
 * if (!result.ok) throw new Error(result.errors.join('\n'));
 * ```
 */
export function validateCard(card: unknown): CardValidation {
  const c = new Checker();
  if (!isObj(card)) return { ok: false, errors: ['card: must be a JSON object'] };

  c.keys('card', card, TOP_KEYS, 'a card');
  if (card.schema !== '2.0') c.err('schema', `must be "2.0" (got ${describe(card.schema)})`);
  if (card.config !== undefined) c.config('config', card.config);
  if (card.card_link !== undefined) c.cardLink('card_link', card.card_link);
  if (card.header !== undefined) c.header('header', card.header);

  const body = card.body;
  if (!isObj(body)) {
    c.err('body', 'is required and must be an object with an elements array');
  } else {
    c.keys('body', body, BODY_KEYS, 'the body');
    if (!Array.isArray(body.elements)) c.err('body.elements', 'is required and must be an array');
    else body.elements.forEach((el: unknown, i) => c.component(`body.elements[${i}]`, el, { inForm: false, depth: 0, atRoot: true }));
  }

  if (c.tagged > CARD_MAX_COMPONENTS) {
    c.err('card', `has ${c.tagged} components and text elements; Lark allows at most ${CARD_MAX_COMPONENTS}`);
  }
  let bytes = 0;
  try {
    bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  } catch {
    c.err('card', 'cannot be serialised to JSON');
  }
  if (bytes > CARD_MAX_BYTES) c.err('card', `is ${bytes} bytes of UTF-8 JSON; Lark allows at most ${CARD_MAX_BYTES}`);

  return c.errors.length > 0 ? { ok: false, errors: c.errors } : { ok: true, bytes, components: c.tagged };
}
