import { describe, expect, it } from 'vitest';
import { CARD_MAX_BYTES, validateCard, type CardValidation } from '../../src/lark/card-schema.js';

type El = Record<string, unknown>;

const txt = (content: string) => ({ tag: 'plain_text', content });
const card = (elements: unknown[], extra: El = {}): El => ({ schema: '2.0', body: { elements }, ...extra });
const submit = (name = 'go'): El => ({
  tag: 'button',
  name,
  text: txt('提交'),
  form_action_type: 'submit',
  behaviors: [{ type: 'callback', value: { action: name } }],
});
const form = (elements: unknown[], name = 'f'): El => ({ tag: 'form', name, elements });
const cbButton = (value: unknown = { a: 1 }): El => ({ tag: 'button', text: txt('认领'), behaviors: [{ type: 'callback', value }] });
const columns = (...elements: unknown[]): El => ({ tag: 'column_set', columns: [{ tag: 'column', elements }] });

function errorsOf(result: CardValidation): string[] {
  return result.ok ? [] : result.errors;
}

/** The card is refused with (at least) this exact error line. */
function expectError(c: unknown, line: string): void {
  const result = validateCard(c);
  expect(result.ok).toBe(false);
  expect(errorsOf(result)).toContain(line);
}

/** The card is refused with an error starting with `prefix`. */
function expectErrorAt(c: unknown, prefix: string): void {
  const result = validateCard(c);
  expect(result.ok).toBe(false);
  expect(errorsOf(result).some((e) => e.startsWith(prefix)), errorsOf(result).join('\n')).toBe(true);
}

function expectValid(c: unknown): void {
  const result = validateCard(c);
  expect(errorsOf(result)).toEqual([]);
  expect(result.ok).toBe(true);
}

/** One valid instance of every component tag we use, each placed where it may live. */
const VALID: Record<string, { element: El; wrap: (el: El) => El }> = {
  markdown: { element: { tag: 'markdown', content: '**粗**', text_size: 'normal', text_align: 'left' }, wrap: (el) => card([el]) },
  div: { element: { tag: 'div', text: { tag: 'plain_text', content: '文本', text_size: 'normal' }, width: 'fill' }, wrap: (el) => card([el]) },
  hr: { element: { tag: 'hr', margin: '4px 0' }, wrap: (el) => card([el]) },
  column_set: {
    element: { tag: 'column_set', flex_mode: 'flow', columns: [{ tag: 'column', width: 'auto', elements: [{ tag: 'hr' }] }] },
    wrap: (el) => card([el]),
  },
  form: { element: form([{ tag: 'input', name: 'x' }, submit()]), wrap: (el) => card([el]) },
  collapsible_panel: {
    element: { tag: 'collapsible_panel', expanded: false, header: { title: { tag: 'markdown', content: '记录' } }, elements: [{ tag: 'hr' }] },
    wrap: (el) => card([el]),
  },
  button: { element: cbButton(), wrap: (el) => card([el]) },
  input: { element: { tag: 'input', name: 'i', max_length: 10, input_type: 'multiline_text', rows: 3 }, wrap: (el) => card([form([el, submit()])]) },
  select_static: {
    element: { tag: 'select_static', name: 's', initial_option: '1', options: [{ text: txt('一'), value: '1' }] },
    wrap: (el) => card([form([el, submit()])]),
  },
  multi_select_static: {
    element: { tag: 'multi_select_static', name: 'm', selected_values: ['1'], options: [{ text: txt('一'), value: '1' }] },
    wrap: (el) => card([form([el, submit()])]),
  },
  select_person: {
    element: { tag: 'select_person', name: 'p', initial_option: 'ou_a', options: [{ value: 'ou_a' }] },
    wrap: (el) => card([form([el, submit()])]),
  },
  date_picker: { element: { tag: 'date_picker', name: 'd', initial_date: '2026-11-27' }, wrap: (el) => card([form([el, submit()])]) },
  picker_datetime: {
    element: { tag: 'picker_datetime', name: 't', initial_datetime: '2026-11-27 17:30' },
    wrap: (el) => card([form([el, submit()])]),
  },
  chart: {
    element: { tag: 'chart', aspect_ratio: '16:9', chart_spec: { type: 'bar', data: { values: [] }, xField: 'x', yField: 'y' } },
    wrap: (el) => card([el]),
  },
  img: { element: { tag: 'img', img_key: 'img_v3_x', alt: txt('') }, wrap: (el) => card([el]) },
};

describe('validateCard: valid cards', () => {
  it.each(Object.keys(VALID))('accepts a valid %s', (tag) => {
    const { element, wrap } = VALID[tag]!;
    expectValid(wrap(element));
  });

  it('accepts a full card and reports its UTF-8 size and the number of tagged objects', () => {
    const c = card(
      [
        { tag: 'markdown', content: '<at id=ou_1></at> 你好' },
        columns(cbButton({ action: 'claim' })),
        form([{ tag: 'input', name: 'reason', required: true, label: txt('原因') }, columns(submit())], 'claim_form'),
      ],
      {
        config: { update_multi: true, width_mode: 'fill', summary: { content: '预览' } },
        card_link: { url: 'https://example.com' },
        header: {
          title: txt('标题'),
          subtitle: txt('副标题'),
          template: 'carmine',
          text_tag_list: [{ tag: 'text_tag', text: txt('重大'), color: 'orange' }],
          padding: '12px',
        },
      },
    );
    // header: title, subtitle, text_tag + its text (4); markdown (1); column_set, column, button,
    // button text (4); form, input, input label, column_set, column, button, button text (7).
    const result = validateCard(c);
    expect(result).toEqual({ ok: true, bytes: Buffer.byteLength(JSON.stringify(c), 'utf8'), components: 16 });
  });
});

describe('validateCard: card structure', () => {
  it('refuses something that is not an object', () => {
    expect(validateCard('x')).toEqual({ ok: false, errors: ['card: must be a JSON object'] });
    expect(validateCard([])).toEqual({ ok: false, errors: ['card: must be a JSON object'] });
  });

  it('requires schema "2.0"', () => {
    expectError({ body: { elements: [] } }, 'schema: must be "2.0" (got undefined)');
    expectError({ schema: '1.0', body: { elements: [] } }, 'schema: must be "2.0" (got "1.0")');
  });

  it('requires body.elements to be an array', () => {
    expectError({ schema: '2.0' }, 'body: is required and must be an object with an elements array');
    expectError({ schema: '2.0', body: {} }, 'body.elements: is required and must be an array');
    expectError({ schema: '2.0', body: { elements: {} } }, 'body.elements: is required and must be an array');
  });

  it('refuses top-level keys outside schema, config, card_link, header, body', () => {
    expectError({ ...card([]), elements: [] }, 'card.elements: unknown property for a card');
    expectError({ ...card([]), i18n_elements: {} }, 'card.i18n_elements: unknown property for a card');
    expectError({ ...card([]), fallback: {} }, 'card.fallback: unknown property for a card');
  });

  it('refuses unknown body and config properties, and update_multi other than true', () => {
    expectError({ schema: '2.0', body: { elements: [], wide: true } }, 'body.wide: unknown property for the body');
    expectError(card([], { config: { wide_screen_mode: true } }), 'config.wide_screen_mode: unknown property for config');
    expectError(card([], { config: { update_multi: false } }), 'config.update_multi: card JSON 2.0 only supports true (shared cards)');
  });

  it('checks card_link', () => {
    expectError(card([], { card_link: { pc_url: 'https://a' } }), 'card_link: needs url, or all of pc_url, ios_url and android_url');
    expectValid(card([], { card_link: { pc_url: 'https://a', ios_url: 'https://a', android_url: 'https://a' } }));
  });
});

describe('validateCard: header', () => {
  const withHeader = (header: unknown) => card([], { header });

  it('allows only the documented header keys', () => {
    expectError(withHeader({ title: txt('t'), color: 'red' }), 'header.color: unknown property for the header');
    expectValid(withHeader({ title: txt('t'), icon: { tag: 'standard_icon', token: 'x' }, padding: '8px' }));
  });

  it('requires a title with a valid text tag', () => {
    expectError(withHeader({ template: 'blue' }), 'header.title: is required');
    expectErrorAt(withHeader({ title: { tag: 'markdown', content: 't' } }), 'header.title.tag: must be one of plain_text|lark_md');
  });

  it('accepts every documented template colour and nothing else', () => {
    for (const template of ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']) {
      expectValid(withHeader({ title: txt('t'), template }));
    }
    expectErrorAt(withHeader({ title: txt('t'), template: 'pink' }), 'header.template: must be one of blue|');
  });

  it('checks text tags', () => {
    expectErrorAt(withHeader({ title: txt('t'), text_tag_list: [{ tag: 'text_tag', text: txt('x'), color: 'black' }] }), 'header.text_tag_list[0].color: must be one of neutral|');
    expectError(withHeader({ title: txt('t'), text_tag_list: [{ tag: 'tag', text: txt('x') }] }), 'header.text_tag_list[0].tag: must be "text_tag"');
  });
});

describe('validateCard: component property whitelists (unknown properties are errors in 2.0)', () => {
  it.each(Object.keys(VALID))('refuses an unknown property on %s', (tag) => {
    const { element, wrap } = VALID[tag]!;
    const c = wrap({ ...element, bogus: 1 });
    const result = validateCard(c);
    expect(result.ok).toBe(false);
    expect(errorsOf(result).some((e) => e.endsWith(`.bogus: unknown property for ${tag}`)), errorsOf(result).join('\n')).toBe(true);
  });

  it('refuses an unknown property on a column', () => {
    expectError(card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [], flex: 1 }] }]), 'body.elements[0].columns[0].flex: unknown property for column');
  });

  it('refuses legacy 1.0 properties that 2.0 builders must not use', () => {
    expectError(card([{ ...cbButton(), value: { a: 1 } }]), 'body.elements[0].value: unknown property for button');
    expectError(card([{ tag: 'img', img_key: 'k', alt: txt(''), mode: 'large' }]), 'body.elements[0].mode: unknown property for img');
    expectError(card([{ tag: 'markdown', content: 'x', href: {} }]), 'body.elements[0].href: unknown property for markdown');
  });
});

describe('validateCard: tags', () => {
  it('refuses the removed action and note tags', () => {
    expectErrorAt(card([{ tag: 'action', actions: [cbButton()] }]), 'body.elements[0].tag: the "action" tag was removed in card JSON 2.0');
    expectErrorAt(card([{ tag: 'note', elements: [] }]), 'body.elements[0].tag: the "note" tag was removed in card JSON 2.0');
  });

  it('refuses unknown tags, tagless elements and stray columns', () => {
    expectError(card([{ tag: 'table', rows: [] }]), 'body.elements[0].tag: unknown or unsupported component tag "table"');
    expectError(card([{ content: 'x' }]), 'body.elements[0].tag: must be a string');
    expectError(card([{ tag: 'column', elements: [] }]), 'body.elements[0].tag: a column may only appear in a column_set\'s columns');
    expectError(card([{ tag: 'column_set', columns: [{ tag: 'markdown', content: 'x' }] }]), 'body.elements[0].columns[0]: must be an object with tag "column"');
  });
});

describe('validateCard: required properties', () => {
  it('requires markdown content to be a string', () => {
    expectError(card([{ tag: 'markdown' }]), 'body.elements[0].content: must be a string (got undefined)');
    expectError(card([{ tag: 'markdown', content: 3 }]), 'body.elements[0].content: must be a string (got number)');
  });

  it('requires button text, at most 100 characters', () => {
    expectError(card([{ tag: 'button', behaviors: [{ type: 'callback', value: {} }] }]), 'body.elements[0].text: is required for a button');
    expectError(card([{ ...cbButton(), text: txt('字'.repeat(101)) }]), 'body.elements[0].text.content: must be at most 100 characters');
    expectValid(card([{ ...cbButton(), text: txt('字'.repeat(100)) }]));
  });

  it('requires a form name and names on the interactive components inside a form', () => {
    expectError(card([{ tag: 'form', elements: [submit()] }]), 'body.elements[0].name: is required for a form');
    expectError(card([form([{ tag: 'input' }, submit()])]), 'body.elements[0].elements[0].name: is required for a input inside a form');
    expectError(card([form([{ ...submit(), name: undefined }])]), 'body.elements[0].elements[0].name: is required for a button inside a form');
  });

  it('requires img_key and alt on img, chart_spec on chart, header on collapsible_panel', () => {
    expectError(card([{ tag: 'img', alt: txt('') }]), 'body.elements[0].img_key: is required and must be a string');
    expectError(card([{ tag: 'img', img_key: 'k' }]), 'body.elements[0].alt: is required (may have empty content)');
    expectError(card([{ tag: 'chart' }]), 'body.elements[0].chart_spec: is required and must be an object');
    expectError(card([{ tag: 'collapsible_panel', elements: [] }]), 'body.elements[0].header: is required and must be an object');
  });

  it('requires a placeholder on picker_datetime without initial_datetime, and checks date formats', () => {
    expectError(card([form([{ tag: 'picker_datetime', name: 't' }, submit()])]), 'body.elements[0].elements[0].placeholder: is required when initial_datetime is not set');
    expectValid(card([form([{ tag: 'picker_datetime', name: 't', placeholder: txt('请选择') }, submit()])]));
    expectError(card([form([{ tag: 'picker_datetime', name: 't', initial_datetime: '2026-11-27T17:30' }, submit()])]), 'body.elements[0].elements[0].initial_datetime: must be yyyy-MM-dd HH:mm');
    expectError(card([form([{ tag: 'date_picker', name: 'd', initial_date: '27/11/2026' }, submit()])]), 'body.elements[0].elements[0].initial_date: must be yyyy-MM-dd');
  });
});

describe('validateCard: forms', () => {
  it('allows a form only at the root of body.elements', () => {
    const nested = form([submit()], 'inner');
    expectError(card([columns(nested)]), 'body.elements[0].columns[0].elements[0]: a form may only appear directly in body.elements (not nested in another component)');
    expectErrorAt(
      card([{ tag: 'collapsible_panel', header: { title: txt('x') }, elements: [nested] }]),
      'body.elements[0].elements[0]: a form may only appear directly in body.elements',
    );
    expectErrorAt(card([form([nested, submit('outer_go')], 'outer')]), 'body.elements[0].elements[0]: a form may only appear directly in body.elements');
  });

  it('needs a submit button, found at any depth', () => {
    expectError(card([form([{ tag: 'input', name: 'x' }])]), 'body.elements[0].elements: a form needs a button with form_action_type "submit"');
    expectError(
      card([form([{ ...submit(), form_action_type: 'reset' }])]),
      'body.elements[0].elements: a form needs a button with form_action_type "submit"',
    );
    expectValid(card([form([{ tag: 'input', name: 'x' }, columns(submit())])]));
  });

  it('requires form_action_type on buttons inside a form and refuses it outside', () => {
    expectError(card([form([submit(), { tag: 'button', name: 'b2', text: txt('x') }])]), 'body.elements[0].elements[1].form_action_type: is required for a button inside a form');
    expectError(card([{ ...cbButton(), form_action_type: 'submit' }]), 'body.elements[0].form_action_type: is only valid for a button inside a form');
    expectErrorAt(card([form([{ ...submit(), form_action_type: 'send' }])]), 'body.elements[0].elements[0].form_action_type: must be one of submit|reset');
  });

  it('keeps names unique within the card', () => {
    expectError(
      card([form([{ tag: 'input', name: 'x' }, { tag: 'input', name: 'x' }, submit()])]),
      'body.elements[0].elements[1].name: name "x" is already used at body.elements[0].elements[0].name; names must be unique within a card',
    );
    expectErrorAt(card([form([{ tag: 'input', name: 'f' }, submit()], 'f')]), 'body.elements[0].elements[0].name: name "f" is already used');
    expectErrorAt(card([form([submit('a')], 'f1'), form([submit('a')], 'f2')]), 'body.elements[1].elements[0].name: name "a" is already used');
  });

  it('refuses required outside a form, multi_select_static outside a form, and charts inside one', () => {
    expectError(card([{ tag: 'input', name: 'x', required: true }]), 'body.elements[0].required: is only valid inside a form');
    expectError(
      card([{ tag: 'multi_select_static', options: [{ text: txt('一'), value: '1' }] }]),
      'body.elements[0]: a multi_select_static may only be used inside a form',
    );
    expectError(card([form([{ tag: 'chart', chart_spec: {} }, submit()])]), 'body.elements[0].elements[0]: a chart may not be placed inside a form');
  });
});

describe('validateCard: buttons and behaviors', () => {
  it('requires behaviors on a button outside a form', () => {
    expectError(card([{ tag: 'button', text: txt('x') }]), 'body.elements[0].behaviors: is required for a button outside a form');
    expectError(card([{ tag: 'button', text: txt('x'), behaviors: [] }]), 'body.elements[0].behaviors: must be a non-empty array');
  });

  it('requires an object callback value, reported with its JSON path', () => {
    const c = card([{ tag: 'markdown', content: 'a' }, { tag: 'hr' }, { tag: 'markdown', content: 'b' }, cbButton('claim')]);
    expect(validateCard(c)).toEqual({ ok: false, errors: ['body.elements[3].behaviors[0].value: must be an object'] });
    expectError(card([cbButton(['claim'])]), 'body.elements[0].behaviors[0].value: must be an object');
    expectError(card([cbButton(null)]), 'body.elements[0].behaviors[0].value: must be an object');
  });

  it('accepts open_url with default_url and refuses other behavior types', () => {
    expectValid(card([{ tag: 'button', text: txt('原文'), behaviors: [{ type: 'open_url', default_url: 'https://a' }] }]));
    expectError(
      card([{ tag: 'button', text: txt('原文'), behaviors: [{ type: 'open_url' }] }]),
      'body.elements[0].behaviors[0]: open_url needs default_url, or all of pc_url, ios_url and android_url',
    );
    expectError(
      card([{ tag: 'button', text: txt('x'), behaviors: [{ type: 'form_submit', value: {} }] }]),
      'body.elements[0].behaviors[0].type: must be callback or open_url (got "form_submit")',
    );
    expectError(
      card([{ tag: 'button', text: txt('x'), behaviors: [{ type: 'callback', value: {}, extra: 1 }] }]),
      'body.elements[0].behaviors[0].extra: unknown property for a callback behavior',
    );
  });

  it('checks button type and confirm', () => {
    expectErrorAt(card([{ ...cbButton(), type: 'primary_big' }]), 'body.elements[0].type: must be one of default|primary|');
    expectError(card([{ ...cbButton(), confirm: { title: txt('确认？') } }]), 'body.elements[0].confirm.text: must be an object');
    expectValid(card([{ ...cbButton(), type: 'danger', confirm: { title: txt('确认？'), text: txt('不可撤销') } }]));
  });
});

describe('validateCard: inputs and selects', () => {
  const inForm = (el: El) => card([form([el, submit()])]);

  it('keeps input max_length within 1–1000', () => {
    expectValid(inForm({ tag: 'input', name: 'i', max_length: 1 }));
    expectValid(inForm({ tag: 'input', name: 'i', max_length: 1000 }));
    for (const bad of [0, 1001, 1.5, '10']) {
      expectError(inForm({ tag: 'input', name: 'i', max_length: bad }), 'body.elements[0].elements[0].max_length: must be an integer from 1 to 1000');
    }
  });

  it('refuses a default_value longer than max_length and placeholders over 100 characters', () => {
    expectError(inForm({ tag: 'input', name: 'i', max_length: 3, default_value: '1234' }), 'body.elements[0].elements[0].default_value: is longer than max_length (3)');
    expectError(inForm({ tag: 'input', name: 'i', placeholder: txt('字'.repeat(101)) }), 'body.elements[0].elements[0].placeholder.content: must be at most 100 characters');
  });

  it('refuses duplicate option values and selections that are not options', () => {
    expectError(
      inForm({ tag: 'select_static', name: 's', options: [{ text: txt('一'), value: '1' }, { text: txt('二'), value: '1' }] }),
      'body.elements[0].elements[0].options[1].value: duplicate option value "1"',
    );
    expectError(
      inForm({ tag: 'multi_select_static', name: 'm', selected_values: ['2'], options: [{ text: txt('一'), value: '1' }] }),
      'body.elements[0].elements[0].selected_values[0]: must be the value of one of the options',
    );
    expectError(inForm({ tag: 'select_person', name: 'p', initial_option: 'ou_b', options: [{ value: 'ou_a' }] }), 'body.elements[0].elements[0].initial_option: must be one of the options');
    expectError(inForm({ tag: 'select_static', name: 's' }), 'body.elements[0].elements[0].options: is required');
  });
});

describe('validateCard: limits', () => {
  it('allows 200 tagged objects and refuses 201', () => {
    const hrs = (n: number) => Array.from({ length: n }, () => ({ tag: 'hr' }));
    expect(validateCard(card(hrs(200)))).toMatchObject({ ok: true, components: 200 });
    expectError(card(hrs(201)), 'card: has 201 components and text elements; Lark allows at most 200');
  });

  it('counts text elements (plain_text) towards the 200 limit', () => {
    // column_set + 67 × (column + button + its plain_text) = 202, although only 135 components.
    const c = card([{ tag: 'column_set', columns: Array.from({ length: 67 }, () => ({ tag: 'column', elements: [cbButton()] })) }]);
    expectError(c, 'card: has 202 components and text elements; Lark allows at most 200');
  });

  it('allows exactly 30 KB of UTF-8 JSON and refuses one byte more', () => {
    const base = JSON.stringify(card([{ tag: 'markdown', content: '' }]));
    const exact = card([{ tag: 'markdown', content: 'a'.repeat(CARD_MAX_BYTES - Buffer.byteLength(base)) }]);
    expect(validateCard(exact)).toMatchObject({ ok: true, bytes: CARD_MAX_BYTES });
    const over = card([{ tag: 'markdown', content: 'a'.repeat(CARD_MAX_BYTES - Buffer.byteLength(base) + 1) }]);
    expectError(over, `card: is ${CARD_MAX_BYTES + 1} bytes of UTF-8 JSON; Lark allows at most ${CARD_MAX_BYTES}`);
  });

  it('measures size in UTF-8 bytes, not characters', () => {
    // 10,300 Chinese characters are ~30.9 KB in UTF-8 although only ~10 K characters.
    expectErrorAt(card([{ tag: 'markdown', content: '舆'.repeat(10_300) }]), 'card: is ');
  });

  it('allows containers nested 5 levels and refuses 6', () => {
    const nest = (levels: number): El => (levels === 1 ? columns({ tag: 'hr' }) : columns(nest(levels - 1)));
    expectValid(card([nest(5)]));
    expectErrorAt(card([nest(6)]), 'body.elements[0].columns[0].elements[0].columns[0].elements[0].columns[0].elements[0].columns[0].elements[0].columns[0].elements[0]: containers are nested more than 5 levels deep');
    const panel = (inner: El): El => ({ tag: 'collapsible_panel', header: { title: txt('x') }, elements: [inner] });
    expectValid(card([form([panel(columns(columns(columns(submit()))))])]));
    expectError(
      card([form([panel(columns(columns(columns(columns(submit())))))])]),
      'body.elements[0].elements[0].elements[0].columns[0].elements[0].columns[0].elements[0].columns[0].elements[0]: containers are nested more than 5 levels deep',
    );
  });
});

describe('validateCard: element_id', () => {
  it('accepts letters, digits and _ starting with a letter, up to 20 characters', () => {
    expectValid(card([{ tag: 'hr', element_id: 'a'.repeat(20) }, { tag: 'hr', element_id: 'x_1' }]));
  });

  it.each(['1abc', 'a-b', 'a'.repeat(21), '', '_a'])('refuses element_id %j', (id) => {
    expectErrorAt(card([{ tag: 'hr', element_id: id }]), 'body.elements[0].element_id: element_id must start with a letter');
  });

  it('refuses a duplicate element_id, also across header and body', () => {
    expectError(card([{ tag: 'hr', element_id: 'x' }, { tag: 'hr', element_id: 'x' }]), 'body.elements[1].element_id: element_id "x" is already used at body.elements[0].element_id');
    expectErrorAt(
      card([{ tag: 'hr', element_id: 'x' }], { header: { title: txt('t'), text_tag_list: [{ tag: 'text_tag', element_id: 'x', text: txt('a') }] } }),
      'body.elements[0].element_id: element_id "x" is already used',
    );
  });
});
