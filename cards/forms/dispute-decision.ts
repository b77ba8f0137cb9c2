import { buttonRow, callback, factLines, Fields, formCard, submitButton, textBlock, unitOptions, type Card, type FormView, type UnitOption } from './common.js';

/**
 * 改派申请 for the news office (R4): who disputes, why, which unit they suggest; the news office
 * either reassigns (`unit` chosen, pre-selected with the suggestion) or keeps the original unit.
 * `unit` is not form-required, because 维持原单位 needs no unit; the workflow refuses 改派 without one.
 */
export interface DisputeDecisionView extends FormView {
  fromUnit: string;
  reason: string;
  suggested?: UnitOption;
  units: UnitOption[];
  disputeId: number;
  /** Re-shown values after a refused submission; `unit` wins over `suggested`. */
  defaults?: { unit?: string; note?: string };
}

export function disputeDecisionCard(view: DisputeDecisionView): Card {
  const f = new Fields();
  const options = unitOptions(view.units);
  const info = [
    ...factLines([
      ['申请单位', view.fromUnit],
      ['建议改派给', view.suggested?.name ?? '未建议'],
    ]),
    ...textBlock('改派理由', view.reason, view.ref),
  ];
  const suggested = view.suggested !== undefined && options.some((o) => o.value === view.suggested?.code) ? view.suggested.code : undefined;
  const value = { dispute: view.disputeId };
  const elements = [
    ...f.select('unit', '改派给', options, { placeholder: '改派时请选择单位', value: view.defaults?.unit ?? suggested }),
    ...f.input('note', '处理意见', { multiline: true, placeholder: '可填写改派或维持原单位的理由', value: view.defaults?.note }),
    buttonRow([
      submitButton('dispute_reassign', '改派', callback(view, 'dispute_reassign', value)),
      submitButton('dispute_insist', '维持原单位', callback(view, 'dispute_insist', value), 'default'),
    ]),
  ];
  return formCard({ view, heading: '改派申请', colour: 'orange', info, form: { name: 'dispute_decision', elements, notes: f.notes } });
}
