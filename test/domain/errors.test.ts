import { describe, expect, it } from 'vitest';
import { DomainError, isDomainError } from '../../src/domain/errors.js';

describe('DomainError', () => {
  it('carries a literal code, a Chinese message, details and a cause', () => {
    const cause = new Error('inner');
    const error = new DomainError('calendar_missing', '没有加载节假日数据。', { details: { year: 2027 }, cause });
    const code: 'calendar_missing' = error.code; // the literal type survives
    expect(code).toBe('calendar_missing');
    expect(error.messageZh).toBe('没有加载节假日数据。');
    expect(error.details).toEqual({ year: 2027 });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('calendar_missing');
    expect(error.name).toBe('DomainError');
    expect(error).toBeInstanceOf(Error);
    expect(isDomainError(error)).toBe(true);
  });

  it.each([[new Error('x')], ['calendar_missing'], [{ code: 'calendar_missing', messageZh: '…' }]])(
    'is not fooled by %j',
    (value) => {
      expect(isDomainError(value)).toBe(false);
    },
  );

  it('takes an English log message when given', () => {
    expect(new DomainError('x', '出错了', { message: 'calendar data ends in 2026' }).message).toBe('calendar data ends in 2026');
  });
});
