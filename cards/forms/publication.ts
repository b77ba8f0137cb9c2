import { CHANNEL_NAMES, CHANNELS } from '../../src/domain/channels.js';
import { escapeMd, font } from '../format.js';
import { callback, Fields, formCard, md, submitButton, type Card, type Element, type FormView } from './common.js';

/**
 * 登记发布 (R7): where and when the response was published and which approved version it carried.
 * `draft` returns `String(version)`; it is form-required unless `allowOverride` (特批发布, e.g. the
 * news office publishing before approval), which adds `override_reason`. `published_at` returns a
 * string like `2026-11-27 09:30 +0800`.
 */
export interface PublicationFormView extends FormView {
  /** Approved versions, e.g. `{ version: 2, label: '第2版（11月27日 10:05 通过）' }`. */
  approvedVersions: { version: number; label: string }[];
  /** Usually `channelOptions()`. */
  channels: { code: string; label: string }[];
  allowOverride: boolean;
  /** yyyy-MM-dd HH:mm local time. */
  defaultTime?: string;
  /** Re-shown values; `draft` is a version number as a string. Without one the newest approved version is chosen. */
  defaults?: Partial<Record<'channel' | 'link' | 'published_at' | 'draft' | 'override_reason', string>>;
}

/** The publication channels of `src/domain/channels.ts`, in their order, with Chinese labels. */
export function channelOptions(): { code: string; label: string }[] {
  return CHANNEL_NAMES.map((code) => ({ code, label: CHANNELS[code].labelZh }));
}

export function publicationFormCard(view: PublicationFormView): Card {
  const d = view.defaults ?? {};
  const f = new Fields();
  const versions = view.approvedVersions.map((v) => ({ value: String(v.version), label: v.label }));
  const newest = view.approvedVersions.reduce<number | undefined>((max, v) => (max === undefined || v.version > max ? v.version : max), undefined);
  const info: Element[] = [];
  if (versions.length === 0) {
    const text = view.allowOverride ? '尚无审核通过的回应稿；如特批发布，请填写特批发布理由。' : '尚无审核通过的回应稿，审核通过后才能登记发布。';
    info.push(md(font('orange', escapeMd(text))));
  }
  const elements = [
    ...f.select('channel', '发布渠道', view.channels.map((c) => ({ value: c.code, label: c.label })), {
      required: true,
      placeholder: '请选择发布渠道',
      value: d.channel,
    }),
    ...f.input('link', '发布链接', { placeholder: '网上发布请填链接', value: d.link }),
    ...f.datetime('published_at', '发布时间', { required: true, placeholder: '请选择发布时间', value: d.published_at ?? view.defaultTime }),
    ...f.select('draft', '发布的回应稿版本', versions, {
      required: !view.allowOverride,
      placeholder: view.allowOverride ? '请选择版本（特批发布可不选）' : '请选择审核通过的版本',
      value: d.draft ?? (newest === undefined ? undefined : String(newest)),
    }),
    ...(view.allowOverride
      ? f.input('override_reason', '特批发布理由', { placeholder: '未经审核通过的版本发布时填写', value: d.override_reason })
      : []),
    submitButton('publication_submit', '登记发布', callback(view, 'publication_submit')),
  ];
  return formCard({ view, heading: '登记发布', info, form: { name: 'publication', elements, notes: f.notes } });
}
