import { callback, Fields, formCard, submitButton, unitOptions, type Card, type FormView, type UnitOption } from './common.js';

/**
 * 申请改派 (R4): the lead unit says the item is not theirs, with a reason and an optional suggested
 * unit. Form `dispute`: `reason` (required), `suggested` (a unit code, optional).
 */
export interface DisputeFormView extends FormView {
  /** Units the item could go to (the caller leaves out the disputing unit). */
  units: UnitOption[];
  /** Re-shown values after a refused submission. */
  defaults?: { reason?: string; suggested?: string };
}

export function disputeFormCard(view: DisputeFormView): Card {
  const f = new Fields();
  const elements = [
    ...f.input('reason', '改派理由', {
      required: true,
      multiline: true,
      placeholder: '请说明本事项不属于本单位职责的理由',
      value: view.defaults?.reason,
    }),
    ...f.select('suggested', '建议改派给', unitOptions(view.units), {
      placeholder: '建议改派给（可不选）',
      value: view.defaults?.suggested,
    }),
    submitButton('dispute_submit', '提交改派申请', callback(view, 'dispute_submit')),
  ];
  return formCard({ view, heading: '申请改派', form: { name: 'dispute', elements, notes: f.notes } });
}
