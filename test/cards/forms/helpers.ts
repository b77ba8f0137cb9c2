import { expect, it } from 'vitest';
import type { Card, FormView } from '../../../cards/forms/common.js';
import { CARD_MAX_COMPONENTS, validateCard } from '../../../src/lark/card-schema.js';

export type Node = Record<string, unknown>;

export const BASE: FormView = { itemId: 4242, ref: 'YQ-20261127-007', title: '某小区停水三天无人管' };
/** User text that would mention everyone, bold, link and head if it were not escaped. */
export const EVIL = '<at id=all></at> **粗体** [链接](https://evil.example)\n# 标题';

export function tagged(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value)) value.forEach((v) => tagged(v, out));
  else if (typeof value === 'object' && value !== null) {
    const node = value as Node;
    if (typeof node.tag === 'string') out.push(node);
    Object.values(node).forEach((v) => tagged(v, out));
  }
  return out;
}

export const elements = (card: Card): Node[] => (card.body as { elements: Node[] }).elements;
export const forms = (card: Card): Node[] => tagged(card).filter((n) => n.tag === 'form');

/** Named components (fields and buttons) by name; fails on a duplicate name. */
export function named(card: Card): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const node of tagged(card)) {
    if (typeof node.name !== 'string' || node.tag === 'form') continue;
    expect(map.has(node.name), `duplicate name ${node.name}`).toBe(false);
    map.set(node.name, node);
  }
  return map;
}

/** Names of the form's fields (not buttons), in order. */
export const fieldNames = (card: Card): string[] => [...named(card).values()].filter((n) => n.tag !== 'button').map((n) => n.name as string);

export function field(card: Card, name: string): Node {
  const node = named(card).get(name);
  expect(node, `field ${name}`).toBeDefined();
  return node!;
}

export const requiredFields = (card: Card): string[] => [...named(card).values()].filter((n) => n.required === true).map((n) => n.name as string);

export const optionPairs = (node: Node): [string, string][] =>
  (node.options as { value: string; text: { content: string } }[]).map((o) => [o.value, o.text.content]);

export const text = (value: unknown): string => (value as { content: string }).content;

export const markdown = (card: Card): string =>
  tagged(card)
    .filter((n) => n.tag === 'markdown')
    .map((n) => n.content as string)
    .join('\n');

export const buttons = (card: Card): Node[] => tagged(card).filter((n) => n.tag === 'button');

export function callbackOf(card: Card, name: string): unknown {
  const b = field(card, name);
  expect(b.tag).toBe('button');
  expect(b.form_action_type).toBe('submit');
  const behaviors = b.behaviors as { type: string; value: unknown }[];
  expect(behaviors).toHaveLength(1);
  expect(behaviors[0]!.type).toBe('callback');
  return behaviors[0]!.value;
}

export function expectValid(card: Card): void {
  const result = validateCard(card);
  expect(result.ok ? [] : result.errors).toEqual([]);
  expect(result.ok && result.components).toBeLessThanOrEqual(CARD_MAX_COMPONENTS);
}

/** EVIL shows only inert: no tag, link or heading survives anywhere in the card's markdown. */
export function expectInert(card: Card): void {
  const all = markdown(card);
  expect(all).toContain('＜at id=all＞');
  expect(all).not.toMatch(/<at\b/u);
  expect(all).not.toContain('[链接](');
  expect(all).not.toContain('**粗体**');
  expect(all).not.toMatch(/^# 标题/mu);
  expectValid(card);
}

export interface Basics {
  make: (view: FormView) => Card;
  heading: string;
  colour: string;
  /** The form's name, or undefined for a card without a form. */
  form?: string;
  /** Names of the submit buttons (form cards). */
  submits: string[];
  /** The card has no buttons at all (a dossier to read). */
  noButtons?: boolean;
}

/** The tests every form card shares: validity, form, header, context line, error, escaping, item id. */
export function formBasics(b: Basics): void {
  it('is a valid card', () => expectValid(b.make(BASE)));

  if (b.form !== undefined) {
    it(`holds one form named ${b.form}, directly in the body, with its submit buttons inside`, () => {
      const card = b.make(BASE);
      const all = forms(card);
      expect(all).toHaveLength(1);
      expect(all[0]!.name).toBe(b.form);
      expect(elements(card)).toContain(all[0]);
      const inside = buttons(all[0]!).map((n) => n.name);
      expect(inside).toEqual(b.submits);
      for (const n of buttons(card)) expect(n.form_action_type).toBe('submit');
    });
  } else {
    it('holds no form', () => expect(forms(b.make(BASE))).toEqual([]));
  }

  it(`has a ${b.colour} header naming the card and the item ref`, () => {
    const header = b.make(BASE).header as Node;
    expect(text(header.title)).toBe(`${b.heading} · ${BASE.ref}`);
    expect(header.template).toBe(b.colour);
  });

  it('shows the item ref and title in a context line before any input', () => {
    const card = b.make(BASE);
    const els = elements(card);
    const i = els.findIndex((e) => e.tag === 'markdown' && String(e.content).includes(BASE.ref) && String(e.content).includes(BASE.title));
    expect(i).toBeGreaterThanOrEqual(0);
    const f = els.findIndex((e) => e.tag === 'form');
    if (f >= 0) expect(i).toBeLessThan(f);
  });

  it('shows an error in red at the top, line by line, escaped', () => {
    const card = b.make({ ...BASE, error: '提交失败\n<at id=all></at> 请重试' });
    expect(elements(card)[0]).toEqual({
      tag: 'markdown',
      content: "<font color='red'>提交失败</font>\n<font color='red'>＜at id=all＞＜/at＞ 请重试</font>",
    });
    expectValid(card);
  });

  it('shows no red line without an error (or with a blank one)', () => {
    for (const error of [undefined, '  ']) {
      const card = b.make({ ...BASE, ...(error === undefined ? {} : { error }) });
      expect(markdown(card)).not.toContain("color='red'>提交失败");
      expect(String(elements(card)[0]!.content ?? '')).not.toMatch(/^<font color='red'>/u);
    }
  });

  it('escapes the title and the error (no @all, links or headings)', () => {
    const card = b.make({ ...BASE, title: EVIL, error: EVIL });
    expectInert(card);
    expect(text((card.header as Node).title)).toBe(`${b.heading} · ${BASE.ref}`);
  });

  if (b.noButtons) {
    it('has no buttons', () => expect(buttons(b.make(BASE))).toEqual([]));
    return;
  }
  it('puts the item id into every callback value', () => {
    const values = buttons(b.make(BASE)).map((n) => (n.behaviors as { value: Node }[])[0]!.value);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) {
      expect(v.item).toBe(BASE.itemId);
      expect(typeof v.action).toBe('string');
    }
  });
}
