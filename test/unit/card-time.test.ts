import { describe, expect, it } from 'vitest';
import { parsePickerDate, parsePickerDateTime } from '../../src/workflow/actions/card-time.js';

describe('picker values', () => {
  it.each([
    ['2026-11-27 09:30 +0800', '2026-11-27T01:30:00.000Z'],
    ['2026-11-27 00:10 +0800', '2026-11-26T16:10:00.000Z'],
    ['2026-03-08 02:30 -0500', '2026-03-08T07:30:00.000Z'],
    ['2026-11-27 09:30 +08:00', '2026-11-27T01:30:00.000Z'],
  ])('%s → %s', (value, iso) => {
    expect(parsePickerDateTime(value)?.toISOString()).toBe(iso);
  });

  it.each([['2026-11-27'], ['09:30 +0800'], ['tomorrow'], ['']])('%s is not a date and time', (value) => {
    expect(parsePickerDateTime(value)).toBeUndefined();
  });

  it.each([
    ['2026-11-30 +0800', '2026-11-30'],
    ['2026-11-30', '2026-11-30'],
    ['30/11/2026', undefined],
  ])('date %s → %s', (value, key) => {
    expect(parsePickerDate(value)).toBe(key);
  });
});
