import { buttonRow, callback, factLines, Fields, formCard, submitButton, textBlock, type Card, type FormView } from './common.js';

/**
 * 会签确认 (R6): a cooperating unit confirms the wording that concerns it, or objects with a
 * comment, before the draft may be published. Both buttons send `confirm_wording`; `agree` tells
 * them apart.
 */
export interface CosignView extends FormView {
  /** The cooperating unit's name, e.g. 县教育局. */
  unit: string;
  unitCode: string;
  draftVersion: number;
  text: string;
  defaults?: { comment?: string };
}

export function cosignCard(view: CosignView): Card {
  const f = new Fields();
  const info = [
    ...factLines([['会签单位', view.unit]]),
    ...textBlock(`拟发布口径（第 ${view.draftVersion} 版）`, view.text, view.ref),
  ];
  const value = (agree: boolean) => callback(view, 'confirm_wording', { draft: view.draftVersion, unit: view.unitCode, agree });
  const elements = [
    ...f.input('comment', '意见', { multiline: true, placeholder: '提出意见时请写明需修改之处（确认时可不填）', value: view.defaults?.comment }),
    buttonRow([
      submitButton('confirm_agree', '确认口径', value(true), 'primary'),
      submitButton('confirm_object', '提出意见', value(false), 'default'),
    ]),
  ];
  return formCard({ view, heading: '会签确认', info, form: { name: 'cosign', elements, notes: f.notes } });
}
