import { describe, expect, it } from 'vitest';
import { channelOptions, publicationFormCard, type PublicationFormView } from '../../../cards/forms/publication.js';
import { CHANNEL_NAMES } from '../../../src/domain/channels.js';
import { BASE, callbackOf, expectValid, field, fieldNames, formBasics, markdown, optionPairs, requiredFields, text } from './helpers.js';

const VERSIONS = [
  { version: 1, label: '第1版' },
  { version: 3, label: '第3版（11月27日通过）' },
  { version: 2, label: '第2版' },
];
const make = (extra: Partial<PublicationFormView> = {}) =>
  publicationFormCard({ ...BASE, approvedVersions: VERSIONS, channels: channelOptions(), allowOverride: false, ...extra });

describe('publicationFormCard', () => {
  formBasics({ make: (v) => make(v), heading: '登记发布', colour: 'blue', form: 'publication', submits: ['publication_submit'] });

  it('offers the channels of src/domain/channels.ts with their Chinese labels', () => {
    const pairs = optionPairs(field(make(), 'channel'));
    expect(pairs.map(([v]) => v)).toEqual(CHANNEL_NAMES);
    expect(pairs.slice(0, 4)).toEqual([
      ['website', '政府网站'],
      ['weibo', '政务微博'],
      ['wechat', '政务微信'],
      ['press_conference', '新闻发布会'],
    ]);
  });

  it('has channel, link, time and version; the version is required without override', () => {
    const card = make();
    expect(fieldNames(card)).toEqual(['channel', 'link', 'published_at', 'draft']);
    expect(requiredFields(card)).toEqual(['channel', 'published_at', 'draft']);
    expect(field(card, 'link').tag).toBe('input');
    expect(text(field(card, 'link').placeholder)).toBe('网上发布请填链接');
    expect(field(card, 'published_at').tag).toBe('picker_datetime');
    expect(optionPairs(field(card, 'draft'))).toEqual([
      ['1', '第1版'],
      ['3', '第3版（11月27日通过）'],
      ['2', '第2版'],
    ]);
  });

  it('with override, the version is optional and a reason field appears', () => {
    const card = make({ allowOverride: true });
    expect(fieldNames(card)).toEqual(['channel', 'link', 'published_at', 'draft', 'override_reason']);
    expect(requiredFields(card)).toEqual(['channel', 'published_at']);
    expect(field(card, 'override_reason').tag).toBe('input');
    expect(text(field(card, 'override_reason').label)).toBe('特批发布理由');
  });

  it('pre-fills the default time and the newest approved version', () => {
    const card = make({ defaultTime: '2026-11-27 15:30' });
    expect(field(card, 'published_at').initial_datetime).toBe('2026-11-27 15:30');
    expect(field(card, 'draft').initial_option).toBe('3');
    expect(field(card, 'channel').initial_option).toBeUndefined();
    expect(field(make(), 'published_at').initial_datetime).toBeUndefined();
  });

  it('pre-fills re-shown values over the defaults', () => {
    const card = make({
      allowOverride: true,
      defaultTime: '2026-11-27 15:30',
      defaults: { channel: 'weibo', link: 'https://weibo.com/x', published_at: '2026-11-27 16:00', draft: '1', override_reason: '紧急' },
    });
    expectValid(card);
    expect(field(card, 'channel').initial_option).toBe('weibo');
    expect(field(card, 'link').default_value).toBe('https://weibo.com/x');
    expect(field(card, 'published_at').initial_datetime).toBe('2026-11-27 16:00');
    expect(field(card, 'draft').initial_option).toBe('1');
    expect(field(card, 'override_reason').default_value).toBe('紧急');
  });

  it('refuses a malformed default time, with a note', () => {
    const card = make({ defaultTime: '2026-11-27T15:30' });
    expectValid(card);
    expect(field(card, 'published_at').initial_datetime).toBeUndefined();
    expect(markdown(card)).toContain('「发布时间」预填值“2026-11-27T15:30”不是“年-月-日 时:分”格式');
  });

  it('says so when nothing is approved yet', () => {
    const card = make({ approvedVersions: [] });
    expectValid(card);
    expect(markdown(card)).toContain('尚无审核通过的回应稿');
    expect(field(card, 'draft').initial_option).toBeUndefined();
    expect(markdown(make())).not.toContain('尚无审核通过的回应稿');
  });

  it('submits publication_submit with the item id', () => {
    expect(callbackOf(make(), 'publication_submit')).toEqual({ action: 'publication_submit', item: 4242 });
  });
});
