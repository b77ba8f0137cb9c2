import { escapeMd, font, oneLine, plainText, truncate } from '../format.js';

/**
 * What a submitted form turns into (e.g. 已提交核实 / 核实结论：属实): a header, escaped lines, no
 * inputs, so the form cannot be submitted twice from the same card.
 */
export interface ReceiptView {
  title: string;
  /** Plain text (escaped here); a line may contain line breaks. */
  lines: string[];
  /** Default green. */
  colour?: 'green' | 'blue' | 'orange' | 'red' | 'grey';
  ref: string;
}

export const RECEIPT_LINES_MAX = 20;
export const RECEIPT_LINE_MAX = 500;

export function receiptCard(view: ReceiptView): Record<string, unknown> {
  const title = truncate(oneLine(view.title), 60).text || '已提交';
  const given = view.lines.filter((l) => l.trim() !== '');
  const lines = given.slice(0, RECEIPT_LINES_MAX).map((l) => escapeMd(truncate(l.trim(), RECEIPT_LINE_MAX).text));
  if (given.length > RECEIPT_LINES_MAX) lines.push(font('grey', `另有 ${given.length - RECEIPT_LINES_MAX} 行未显示`));
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `${title} ${oneLine(view.ref)}` } },
    header: { title: plainText(title), subtitle: plainText(oneLine(view.ref)), template: view.colour ?? 'green' },
    body: { elements: [{ tag: 'markdown', content: lines.length > 0 ? lines.join('\n') : font('grey', '已提交') }] },
  };
}
