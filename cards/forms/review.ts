import { charLength, font, inlineMd, oneLine, truncate } from '../format.js';
import { buttonRow, callback, factLines, Fields, formCard, md, submitButton, textBlock, type Card, type Element, type FormView } from './common.js';

/**
 * 审核回应稿 (R6): a leader of the lead unit (not the drafter) reads the draft and approves it or
 * returns it with a comment. The text is shown in full up to `TEXT_SHOWN_MAX` characters, else cut
 * with the explicit note; when `diff` is given, the changed lines against the previous version.
 */
export interface ReviewView extends FormView {
  draftVersion: number;
  text: string;
  /** Lines added and removed since the previous version. */
  diff?: { added: string[]; removed: string[] };
  drafter: string;
  /** Already formatted local time. */
  submittedAt: string;
  defaults?: { comment?: string };
}

/** Each diff line is cut to this many characters, and the block stops after this many in all. */
export const DIFF_LINE_MAX = 200;
export const DIFF_TOTAL_MAX = 3000;

export function diffBlock(diff: { added: string[]; removed: string[] }): Element[] {
  const changes = [
    ...diff.removed.map((l) => ['red', '－', l] as const),
    ...diff.added.map((l) => ['green', '＋', l] as const),
  ].filter(([, , l]) => l.trim() !== '');
  const lines = ['**与上一版相比**'];
  if (changes.length === 0) lines.push(font('grey', '文字无变化'));
  let used = 0;
  let shown = 0;
  for (const [colour, sign, line] of changes) {
    const text = truncate(oneLine(line), DIFF_LINE_MAX).text;
    const n = charLength(text);
    if (used + n > DIFF_TOTAL_MAX) break;
    used += n;
    shown += 1;
    lines.push(font(colour, `${sign} ${inlineMd(text)}`));
  }
  if (shown < changes.length) lines.push(font('grey', `另有 ${changes.length - shown} 行变化未显示`));
  return [md(lines.join('\n'))];
}

export function reviewCard(view: ReviewView): Card {
  const f = new Fields();
  const info = [
    ...factLines([
      ['起草人', view.drafter],
      ['提交时间', view.submittedAt],
    ]),
    ...textBlock(`回应稿（第 ${view.draftVersion} 版）`, view.text, view.ref),
    ...(view.diff === undefined ? [] : diffBlock(view.diff)),
  ];
  const value = { draft: view.draftVersion };
  const elements = [
    ...f.input('comment', '审核意见', {
      multiline: true,
      placeholder: '退回修改时请填写修改意见（通过时可不填）',
      value: view.defaults?.comment,
    }),
    buttonRow([
      submitButton('approve_draft', '审核通过', callback(view, 'approve_draft', value), 'primary'),
      submitButton('return_draft', '退回修改', callback(view, 'return_draft', value), 'danger'),
    ]),
  ];
  return formCard({ view, heading: '审核回应稿', info, form: { name: 'review', elements, notes: f.notes } });
}
