import { localParts } from '../domain/time.js';

/** Chinese display of instants and durations, in the county's zone. Pure. */

const pad = (n: number) => String(n).padStart(2, '0');

/** 11月27日 09:30 (the year only when it is not the current one). */
export function formatLocalTime(instant: Date, tz: string, now?: Date): string {
  const p = localParts(instant, tz);
  const sameYear = !now || localParts(now, tz).year === p.year;
  return `${sameYear ? '' : `${p.year}年`}${p.month}月${p.day}日 ${pad(p.hour)}:${pad(p.minute)}`;
}

/** 2天3小时 / 1小时30分 / 45分钟 */
export function formatMinutes(total: number): string {
  const minutes = Math.max(0, Math.round(total));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}天${hours}小时` : `${days}天`;
  if (hours > 0) return rest > 0 ? `${hours}小时${rest}分` : `${hours}小时`;
  return `${rest}分钟`;
}

/** 阅读1.2万 · 转发300 · 评论56 */
export function formatSpread(spread: { views?: number; reposts?: number; comments?: number } | null | undefined): string | undefined {
  if (!spread) return undefined;
  const big = (n: number) => (n >= 10_000 ? `${Number((n / 10_000).toFixed(1))}万` : String(n));
  const parts = [
    spread.views !== undefined ? `阅读${big(spread.views)}` : undefined,
    spread.reposts !== undefined ? `转发${big(spread.reposts)}` : undefined,
    spread.comments !== undefined ? `评论${big(spread.comments)}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}
