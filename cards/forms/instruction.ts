import { callback, Fields, formCard, submitButton, type Card, type FormView } from './common.js';

/** 领导批示 (R9): a county leader's instruction on an item. Form `instruction`, red header. */
export interface InstructionFormView extends FormView {
  defaults?: { text?: string };
}

export function instructionFormCard(view: InstructionFormView): Card {
  const f = new Fields();
  const elements = [
    ...f.input('text', '批示内容', { required: true, multiline: true, placeholder: '请输入批示', value: view.defaults?.text }),
    submitButton('instruction_submit', '提交批示', callback(view, 'instruction_submit')),
  ];
  return formCard({ view, heading: '领导批示', colour: 'red', form: { name: 'instruction', elements, notes: f.notes } });
}
