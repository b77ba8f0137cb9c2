import { callback, Fields, formCard, submitButton, type Card, type FormView } from './common.js';

/** 整改完成 (R5 rectification clock): what was done and when. Form `rectified`. */
export interface RectificationFormView extends FormView {
  /** Re-shown values; `done_at` is `yyyy-MM-dd HH:mm`. */
  defaults?: Partial<Record<'note' | 'done_at', string>>;
}

export function rectificationFormCard(view: RectificationFormView): Card {
  const d = view.defaults ?? {};
  const f = new Fields();
  const elements = [
    ...f.input('note', '整改情况', { required: true, multiline: true, placeholder: '整改了什么、结果如何', value: d.note }),
    ...f.datetime('done_at', '完成时间', { required: true, placeholder: '请选择整改完成时间', value: d.done_at }),
    submitButton('rectification_submit', '提交整改完成', callback(view, 'rectification_submit')),
  ];
  return formCard({ view, heading: '整改完成', form: { name: 'rectified', elements, notes: f.notes } });
}
