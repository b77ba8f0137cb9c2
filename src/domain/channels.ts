/**
 * Where a response is published (notice §3.5: 广播电视、报刊、政务微博微信、政府网站、新闻发布会、媒体专访).
 * `online` matters for the answer clock, which only an online publication meets (notice §3.4
 * "在网上发布具有权威性的答复"); a single publication may override it (e.g. a live-streamed
 * press conference, or `other` that was in fact a web page).
 */
export const CHANNELS = {
  website: { labelZh: '政府网站', online: true },
  weibo: { labelZh: '政务微博', online: true },
  wechat: { labelZh: '政务微信', online: true },
  press_conference: { labelZh: '新闻发布会', online: false },
  media_interview: { labelZh: '媒体专访', online: false },
  tv_radio: { labelZh: '广播电视', online: false },
  newspaper: { labelZh: '报刊', online: false },
  other: { labelZh: '其他', online: false },
} as const satisfies Record<string, { labelZh: string; online: boolean }>;

export type Channel = keyof typeof CHANNELS;

export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];

export interface Publication {
  channel: Channel;
  at: Date;
  /** Overrides the channel's default when known. */
  online?: boolean;
}

export function isOnline(publication: Publication): boolean {
  return publication.online ?? CHANNELS[publication.channel].online;
}
