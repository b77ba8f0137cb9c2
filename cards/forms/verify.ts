import { callback, Fields, formCard, submitButton, type Card, type FormView } from './common.js';

/**
 * 提交核实 (R5): first-time verification by the lead unit. Form `verify`; `rectify_by` comes back
 * from the date picker as e.g. `2026-11-30 +0800`.
 */
export interface VerifyFormView extends FormView {
  /** Re-shown values; `rectify_by` is `yyyy-MM-dd`. */
  defaults?: Partial<Record<'outcome' | 'findings' | 'rectification' | 'measures' | 'rectify_by', string>>;
}

export const OUTCOME_OPTIONS = [
  { value: 'true', label: '属实' },
  { value: 'partly', label: '部分属实' },
  { value: 'false', label: '不属实' },
] as const;
export const RECTIFICATION_OPTIONS = [
  { value: 'yes', label: '需要整改' },
  { value: 'no', label: '无需整改' },
] as const;

export function verifyFormCard(view: VerifyFormView): Card {
  const d = view.defaults ?? {};
  const f = new Fields();
  const elements = [
    ...f.select('outcome', '核实结论', OUTCOME_OPTIONS, { required: true, placeholder: '属实 / 部分属实 / 不属实', value: d.outcome }),
    ...f.input('findings', '核实情况', { required: true, multiline: true, placeholder: '核实的经过和查明的事实', value: d.findings }),
    ...f.select('rectification', '是否需要整改', RECTIFICATION_OPTIONS, { required: true, placeholder: '请选择', value: d.rectification }),
    ...f.input('measures', '整改措施', { multiline: true, placeholder: '需要整改时填写', value: d.measures }),
    ...f.date('rectify_by', '整改完成日期', { placeholder: '整改完成日期', value: d.rectify_by }),
    submitButton('verify_submit', '提交核实', callback(view, 'verify_submit')),
  ];
  return formCard({ view, heading: '提交核实', form: { name: 'verify', elements, notes: f.notes } });
}
