/**
 * Small, pure helpers shared by the card builders: plain-text objects, truncation that says so,
 * and escaping of user-supplied text before it goes into a `markdown` component.
 *
 * Escaping policy (user text must never format, link or mention anything):
 * - `<`, `>` and `&` become their full-width forms (＜ ＞ ＆). No ASCII `<` survives, so no
 *   `<at id=all>`, `<font>`, `<a>` or `<link>` tag can be formed — whatever the renderer does with
 *   backslashes or HTML entities (an entity such as `&lt;` could be decoded back into a tag by a
 *   renderer that decodes before parsing; full-width characters cannot).
 * - The remaining CommonMark punctuation that Lark's markdown acts on (`\ ` * _ ~ [ ] | #`) is
 *   backslash-escaped (links and images need `[`), and so are line-start list and rule markers.
 * - Whitespace is kept as typed (multi-line summaries stay multi-line) unless `oneLine` is used.
 */

import { Buffer } from 'node:buffer';

/** Lark's plain_text object. */
export function plainText(content: string): { tag: 'plain_text'; content: string } {
  return { tag: 'plain_text', content };
}

/** Number of Unicode code points (what a reader counts as characters). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export { truncate, type Truncated } from '../src/domain/text.js';

/** Collapse all whitespace (newlines, tabs, runs of spaces) into single spaces and trim. */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** The explicit note shown under a text that was cut. */
export function truncationNote(ref: string): string {
  return `内容较长，已截断，完整内容请发送 /yq show ${ref}`;
}

const FULL_WIDTH: Record<string, string> = { '<': '＜', '>': '＞', '&': '＆' };

/**
 * Make user text inert inside a Lark `markdown` component (see the policy at the top of the file).
 */
export function escapeMd(text: string): string {
  const inline = text
    .replace(/[<>&]/gu, (c) => FULL_WIDTH[c] ?? c)
    .replace(/[\\`*_~[\]|#]/gu, (c) => `\\${c}`);
  // Line-start constructs: bullet lists (- + =), ordered lists (1. 1)), setext/thematic rules.
  return inline
    .split('\n')
    .map((line) => line.replace(/^(\s*)([-+=])/u, '$1\\$2').replace(/^(\s*\d+)([.)])/u, '$1\\$2'))
    .join('\n');
}

/** `escapeMd(oneLine(text))`: for values that sit inside a single line of a card. */
export function inlineMd(text: string): string {
  return escapeMd(oneLine(text));
}

export type FontColour = 'red' | 'orange' | 'green' | 'grey' | 'blue';

/** Colour already-escaped markdown. */
export function font(colour: FontColour, escaped: string): string {
  return `<font color='${colour}'>${escaped}</font>`;
}

const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/u;

/** Whether `id` looks like a Lark open_id (never `all`, never anything with spaces or brackets). */
export function isOpenId(id: string): boolean {
  return OPEN_ID.test(id);
}

/**
 * `<at id=ou_…></at>` for each valid, distinct open_id, space-separated; anything that is not an
 * open_id (in particular `all`) is dropped, so a card can never @ everyone.
 */
export function mentions(openIds: readonly string[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const id of openIds) {
    if (!isOpenId(id) || seen.has(id)) continue;
    seen.add(id);
    parts.push(`<at id=${id}></at>`);
  }
  return parts.join(' ');
}

/**
 * An http(s) URL made safe for a markdown link target, or undefined when `raw` is not one.
 * Characters that would end the link or open a tag are percent-encoded.
 */
export function safeLinkUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.href.replace(/[()<>"' \\]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Size of the card as Lark counts it: UTF-8 bytes of its JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
