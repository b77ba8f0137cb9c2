// Types for cards.js (plain browser JavaScript, no build step), so TypeScript tests can import it.

export interface Style {
  bold?: true;
  italic?: true;
  strike?: true;
  code?: true;
  color?: string;
  href?: string;
  heading?: number;
}
export type TextToken = { type: 'text'; text: string } & Style;
export type AtToken = { type: 'at'; id: string; name?: string } & Style;
export type Token = TextToken | AtToken | { type: 'br' } | { type: 'hr' };

export const COMPONENT_TAGS: readonly string[];
export const SUPPORTED_TAGS: readonly string[];
export const HEADER_TEMPLATES: readonly string[];
export const FIELD_TAGS: readonly string[];

export function parseMarkdown(text: string): Token[];
export function parseTextMessage(text: string): (TextToken | AtToken)[];
export function safeColour(raw: unknown): string | undefined;
export function safeHref(raw: unknown): string | undefined;
export function findUnsupportedTags(card: unknown): string[];
export function textOf(value: unknown): string;

export type FieldValue = string | string[];
export interface FieldDescriptor {
  tag: string;
  name: string;
  required: boolean;
  label: string;
  maxLength?: number;
  value: FieldValue;
}
export function fieldDescriptor(component: Record<string, unknown>, fallbackLabel?: string): FieldDescriptor;
export function formFields(form: Record<string, unknown>): FieldDescriptor[];

export type OffsetMinutes = number | ((localIso: string) => number);
export function formatOffset(minutes: number): string;
export function formatDateValue(value: string, offsetMinutes?: OffsetMinutes): string | undefined;
export function formatDateTimeValue(value: string, offsetMinutes?: OffsetMinutes): string | undefined;

export interface FormResult {
  ok: boolean;
  formValue: Record<string, FieldValue>;
  missing: { name: string; label: string }[];
  invalid: { name: string; label: string; reason: string }[];
}
export function collectFormValues(
  fields: { tag: string; name: string; value: unknown; required?: boolean; label?: string; maxLength?: number }[],
  options?: { offsetMinutes?: OffsetMinutes },
): FormResult;

export interface CardAction {
  value: Record<string, unknown>;
  formValue?: Record<string, FieldValue>;
  name?: string;
  formName?: string;
  option?: string;
}
export interface RenderOptions {
  onAction?: (action: CardAction) => unknown;
  peopleById?: Map<string, unknown> | Record<string, unknown>;
  people?: { openId: string; name: string; title?: string; group?: string }[];
  viewerOpenId?: string;
  confirm?: (message: string) => boolean;
  openUrl?: (url: string) => void;
  onError?: (error: unknown) => void;
  offsetMinutes?: OffsetMinutes;
  /** Defaults to the global `document`; tests pass a small stand-in. */
  document?: unknown;
}
// `unknown` rather than DOM types: the project's tsconfig has no "dom" lib.
export function renderCard(card: unknown, options?: RenderOptions): unknown;
export function renderInline(tokens: readonly Token[], ctx?: Omit<RenderOptions, 'onAction'>): unknown[];
