import { inlineMd, oneLine, truncate } from '../format.js';
import {
  callback,
  factLines,
  Fields,
  formCard,
  linkLine,
  md,
  submitButton,
  textBlock,
  timelineBlock,
  unitOptions,
  type Card,
  type Element,
  type FormView,
  type TimelineEntry,
  type UnitOption,
} from './common.js';

/**
 * 重大舆情会商 (R10): the dossier posted into the consultation group chat, and the form that
 * records the consultation's outcome (性质、走势、风险、处置意见、统一口径, units it hands work to).
 */
export interface ConsultationDossierView extends FormView {
  summary?: string;
  url?: string;
  leadUnit?: string;
  /** Preformatted, e.g. `{ label: '回应', due: '11月28日 09:30', detail: '还剩 20 小时' }`. */
  clocks: { label: string; due: string; detail: string }[];
  timeline: TimelineEntry[];
  /** Member units (or people) taking part. */
  members: string[];
}

export function consultationDossierCard(view: ConsultationDossierView): Card {
  const clocks: Element[] =
    view.clocks.length === 0
      ? []
      : [
          md(
            [
              '**时限**（会商期间继续计时）',
              ...view.clocks.map((c) => `**${inlineMd(c.label)}**\u3000截止 ${inlineMd(c.due)}\u3000${inlineMd(truncate(oneLine(c.detail), 100).text)}`),
            ].join('\n'),
          ),
        ];
  const members = view.members.map(oneLine).filter(Boolean);
  const info = [
    ...factLines([
      ['牵头单位', view.leadUnit ?? '待定'],
      ['参会单位', members.length > 0 ? members.join('、') : undefined],
    ]),
    ...linkLine(view.url),
    ...textBlock('摘要', view.summary, view.ref, 1500),
    ...clocks,
    ...timelineBlock(view.timeline, view.ref),
  ];
  return formCard({ view, heading: '重大舆情会商', colour: 'purple', info });
}

type RecordField = 'nature' | 'trend' | 'risks' | 'disposal' | 'wording';

export interface ConsultationRecordView extends FormView {
  consultationId: number;
  defaults?: Partial<Record<RecordField, string>> & { assign?: string[] };
  /** Units the meeting may hand work to (交办). */
  assignableUnits: UnitOption[];
}

export function consultationRecordCard(view: ConsultationRecordView): Card {
  const d = view.defaults ?? {};
  const f = new Fields();
  const text = (name: RecordField, label: string, placeholder: string, required = false) =>
    f.input(name, label, { required, multiline: true, placeholder, value: d[name] });
  const elements = [
    ...text('nature', '舆情性质', '如：对政策的误解误读'),
    ...text('trend', '舆情走势', '传播态势及可能的发展'),
    ...text('risks', '风险研判', '可能引发的风险'),
    ...text('disposal', '处置意见', '处置措施和分工（报县领导审批）', true),
    ...text('wording', '统一口径', '对外发布的统一口径', true),
    ...f.multi('assign', '交办单位', unitOptions(view.assignableUnits), { placeholder: '可多选，可不选', values: d.assign }),
    submitButton('consultation_submit', '提交会商记录', callback(view, 'consultation_submit', { consultation: view.consultationId })),
  ];
  return formCard({ view, heading: '会商记录', form: { name: 'consultation', elements, notes: f.notes } });
}
