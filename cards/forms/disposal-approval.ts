import { buttonRow, callback, Fields, formCard, submitButton, textBlock, type Card, type FormView } from './common.js';

/**
 * 报审 (R10): the consultation's disposal opinion and agreed wording go to the county leader, who
 * agrees or not (with an optional comment) before the disposal is carried out.
 */
export interface DisposalApprovalView extends FormView {
  consultationId: number;
  disposal: string;
  wording: string;
  nature?: string;
  risks?: string;
  defaults?: { comment?: string };
}

const SHOWN = 1500;

export function disposalApprovalCard(view: DisposalApprovalView): Card {
  const f = new Fields();
  const info = [
    ...textBlock('舆情性质', view.nature, view.ref, SHOWN),
    ...textBlock('风险研判', view.risks, view.ref, SHOWN),
    ...textBlock('处置意见', view.disposal, view.ref, SHOWN),
    ...textBlock('统一口径', view.wording, view.ref, SHOWN),
  ];
  const value = (agree: boolean) => callback(view, 'approve_disposal', { consultation: view.consultationId, agree });
  const elements = [
    ...f.input('comment', '审批意见', { multiline: true, placeholder: '不同意时请写明理由（同意时可不填）', value: view.defaults?.comment }),
    buttonRow([
      submitButton('disposal_agree', '同意', value(true), 'primary'),
      submitButton('disposal_disagree', '不同意', value(false), 'danger'),
    ]),
  ];
  return formCard({ view, heading: '处置意见报审', info, form: { name: 'disposal', elements, notes: f.notes } });
}
