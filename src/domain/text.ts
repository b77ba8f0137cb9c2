/** Text helpers shared by the domain's messages and the cards. */

export interface Truncated {
  text: string;
  truncated: boolean;
}

/**
 * Cut `text` to at most `max` code points (never splitting a surrogate pair), ending with `…` when
 * cut. Trailing whitespace before the ellipsis is dropped.
 */
export function truncate(text: string, max: number): Truncated {
  if (max < 1) return { text: '', truncated: text.length > 0 };
  const points = Array.from(text);
  if (points.length <= max) return { text, truncated: false };
  return { text: `${points.slice(0, max - 1).join('').trimEnd()}…`, truncated: true };
}
