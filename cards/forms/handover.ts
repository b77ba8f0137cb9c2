import { callback, Fields, formCard, submitButton, unitOptions, type Card, type FormView, type UnitOption } from './common.js';

/**
 * 移交公安网信 (R11): the news office hands a rumour to the police / cyber regulator with the
 * evidence. `targets` is a multi-select (`selected_values`, the 2.0 way to pre-select), all targets
 * pre-selected unless `defaults.targets` says otherwise.
 */
export interface HandoverFormView extends FormView {
  targets: UnitOption[];
  defaults?: { targets?: string[]; evidence?: string; note?: string };
}

export function handoverFormCard(view: HandoverFormView): Card {
  const d = view.defaults ?? {};
  const f = new Fields();
  const options = unitOptions(view.targets);
  const elements = [
    ...f.multi('targets', '移交给', options, {
      required: true,
      placeholder: '请选择移交单位',
      values: d.targets ?? options.map((o) => o.value),
    }),
    ...f.input('evidence', '证据和线索', { required: true, multiline: true, placeholder: '截图说明、账号、发布时间、传播情况等', value: d.evidence }),
    ...f.input('note', '备注', { multiline: true, placeholder: '可不填', value: d.note }),
    submitButton('handover_submit', '移交', callback(view, 'handover_submit')),
  ];
  return formCard({ view, heading: '移交公安网信', form: { name: 'handover', elements, notes: f.notes } });
}
