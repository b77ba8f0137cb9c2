/**
 * Pickers return `2026-11-27 09:30 +0800` (datetime) or `2026-11-27 +0800` (date), in the
 * clicker's zone with its offset. The offset makes the instant exact; no zone guessing.
 */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::\d{2})?\s*([+-])(\d{2}):?(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:\s*[+-]\d{2}:?\d{2})?$/;

export function parsePickerDateTime(value: string): Date | undefined {
  const m = DATETIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sign, oh, om] = m;
  const offset = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) - offset * 60_000;
  return Number.isNaN(utc) ? undefined : new Date(utc);
}

/** The local date a date picker chose, as YYYY-MM-DD. */
export function parsePickerDate(value: string): string | undefined {
  const m = DATE.exec(value.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}
