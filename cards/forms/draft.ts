import { charLength, escapeMd, font, truncate } from '../format.js';
import { callback, colourLines, Fields, formCard, INPUT_MAX, md, submitButton, type Card, type Element, type FormView } from './common.js';

/**
 * 起草回应 (R6): the draft wording in five inputs of ≤ 1000 characters each (Lark's input limit),
 * so drafts up to 5,000 characters fit; longer ones go by message (`/yq draft REF` + the text).
 * The parts are joined with a line break by `joinDraftParts`; `splitDraft` is its inverse for
 * pre-filling (exact when the text is cut at line breaks, which it prefers).
 */
export interface DraftFormView extends FormView {
  /** Pre-filled parts (e.g. the previous version, from `splitDraft`). */
  parts?: string[];
  /** The version `parts` come from (the one being revised). */
  version?: number;
  /** The leader's comment when the previous version was returned. */
  returnComment?: string;
  defaults?: { note?: string };
}

export const DRAFT_FIELDS = ['text_1', 'text_2', 'text_3', 'text_4', 'text_5'] as const;
export const DRAFT_PART_MAX = INPUT_MAX;
export const DRAFT_MAX_CHARS = DRAFT_FIELDS.length * DRAFT_PART_MAX;
/** A return comment longer than this is cut (it comes from a 1000-character input). */
const RETURN_COMMENT_MAX = 1000;

/** The draft text from a submitted form value: non-blank parts in order, joined with a line break. */
export function joinDraftParts(formValue: Record<string, unknown>): string {
  return DRAFT_FIELDS.map((name) => formValue[name])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .map((v) => v.trimEnd())
    .join('\n');
}

/**
 * Cut a text into parts of at most `max` characters: at the last line break in the second half of
 * the window (the break itself is dropped, `joinDraftParts` puts it back), else after the last
 * sentence end there, else hard. May return more parts than the form has.
 */
export function splitDraft(text: string, max = DRAFT_PART_MAX): string[] {
  const points = Array.from(text);
  const parts: string[] = [];
  let i = 0;
  while (points.length - i > max) {
    const window = points.slice(i, i + max);
    const br = window.lastIndexOf('\n');
    if (br >= max / 2) {
      parts.push(window.slice(0, br).join(''));
      i += br + 1;
      continue;
    }
    const end = Math.max(...['。', '！', '？', '；', '!', '?', ';'].map((c) => window.lastIndexOf(c)));
    const cut = end >= max / 2 ? end + 1 : max;
    parts.push(window.slice(0, cut).join(''));
    i += cut;
  }
  parts.push(points.slice(i).join(''));
  return parts;
}

export function draftFormCard(view: DraftFormView): Card {
  const f = new Fields();
  let parts = view.parts ?? [];
  if (parts.length > DRAFT_FIELDS.length || parts.some((p) => charLength(p) > DRAFT_PART_MAX)) {
    parts = splitDraft(parts.join('\n'));
  }
  if (parts.length > DRAFT_FIELDS.length) {
    f.notes.push(`原稿超过 ${DRAFT_MAX_CHARS} 字，只预填了前 ${DRAFT_FIELDS.length} 栏，请改用消息提交全文。`);
    parts = parts.slice(0, DRAFT_FIELDS.length);
  }

  const top: Element[] = [];
  if (view.returnComment !== undefined && view.returnComment.trim() !== '') {
    const which = view.version === undefined ? '上一版' : `第 ${view.version} 版`;
    const comment = truncate(view.returnComment, RETURN_COMMENT_MAX).text;
    top.push(md(`${font('orange', `**${which}已被退回，退回意见：**`)}\n${colourLines('orange', comment)}`));
  }
  const info: Element[] = [];
  if (view.version !== undefined) {
    info.push(md(view.parts !== undefined && view.parts.length > 0 ? `下方已预填第 ${view.version} 版，修改后提交审核。` : `上一版为第 ${view.version} 版。`));
  }
  const hint = `回应稿可分栏填写，每栏不超过 ${DRAFT_PART_MAX} 字，共 ${DRAFT_MAX_CHARS} 字以内；更长的回应稿请直接发消息：/yq draft ${view.ref}，换行后接全文。`;
  info.push(md(font('grey', escapeMd(hint)), { text_size: 'notation' }));

  const elements = [
    ...DRAFT_FIELDS.flatMap((name, i) =>
      f.input(name, i === 0 ? '回应稿' : `回应稿（续${i + 1}）`, {
        required: i === 0,
        multiline: true,
        maxLength: DRAFT_PART_MAX,
        placeholder: i === 0 ? '回应稿正文' : '正文较长时接着填写（可不填）',
        value: parts[i],
      }),
    ),
    ...f.input('note', '修改说明', { placeholder: '本版改了什么（可不填）', maxLength: 200, value: view.defaults?.note }),
    submitButton('draft_submit', '提交审核', callback(view, 'draft_submit')),
  ];
  return formCard({ view, heading: '起草回应', top, info, form: { name: 'draft', elements, notes: f.notes } });
}
