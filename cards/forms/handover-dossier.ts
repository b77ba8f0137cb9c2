import { callback, callbackButton, factLines, formCard, linkLine, textBlock, timelineBlock, type Card, type FormView, type TimelineEntry } from './common.js';

/**
 * The dossier the police / cyber unit receives for a rumour hand-over (R11): the item, the
 * evidence, the verification findings and the history, with one button 已接收. Not a form.
 */
export interface HandoverDossierView extends FormView {
  handoverId: number;
  url?: string;
  /** Preformatted, e.g. 阅读1.2万 · 转发300 · 评论56. */
  spread?: string;
  findings?: string;
  evidence: string;
  timeline: TimelineEntry[];
  /** Who hands over, e.g. 县新闻办（网信办）. */
  from: string;
}

export const DOSSIER_EVIDENCE_MAX = 3000;
export const DOSSIER_FINDINGS_MAX = 1500;

export function handoverDossierCard(view: HandoverDossierView): Card {
  const info = [
    ...factLines([
      ['移交单位', view.from],
      ['传播情况', view.spread],
    ]),
    ...linkLine(view.url),
    ...textBlock('证据和线索', view.evidence, view.ref, DOSSIER_EVIDENCE_MAX),
    ...textBlock('核实情况', view.findings, view.ref, DOSSIER_FINDINGS_MAX),
    ...timelineBlock(view.timeline, view.ref),
  ];
  const ack = callbackButton('已接收', callback(view, 'handover_ack', { handover: view.handoverId }));
  return formCard({ view, heading: '涉嫌造谣传谣线索移交', colour: 'carmine', info, after: [ack] });
}
