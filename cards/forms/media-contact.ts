import { callback, Fields, formCard, submitButton, type Card, type FormView } from './common.js';

/** 媒体沟通 (R7): a contact with a journalist. Form `media`; `contacted_at` returns `yyyy-MM-dd HH:mm +0800`. */
export interface MediaContactFormView extends FormView {
  /** Re-shown values; `contacted_at` is `yyyy-MM-dd HH:mm` (e.g. now, as a default). */
  defaults?: Partial<Record<'outlet' | 'journalist' | 'agreed' | 'contacted_at', string>>;
}

export function mediaContactFormCard(view: MediaContactFormView): Card {
  const d = view.defaults ?? {};
  const f = new Fields();
  const elements = [
    ...f.input('outlet', '媒体名称', { required: true, maxLength: 100, placeholder: '如：某某日报', value: d.outlet }),
    ...f.input('journalist', '记者', { maxLength: 100, placeholder: '姓名及联系方式（可不填）', value: d.journalist }),
    ...f.input('agreed', '沟通内容和约定', { required: true, multiline: true, placeholder: '沟通了什么，约定了什么', value: d.agreed }),
    ...f.datetime('contacted_at', '沟通时间', { required: true, placeholder: '请选择沟通时间', value: d.contacted_at }),
    submitButton('media_submit', '登记媒体沟通', callback(view, 'media_submit')),
  ];
  return formCard({ view, heading: '媒体沟通', form: { name: 'media', elements, notes: f.notes } });
}
