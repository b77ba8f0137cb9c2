import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/lark/csv.js';

describe('CSV exports', () => {
  it.each([
    ['plain', 'plain'],
    ['含逗号,的文本', '"含逗号,的文本"'],
    ['say "hi"', '"say ""hi"""'],
    ['=1+1', "'=1+1"],
    ['+86138', "'+86138"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['two\nlines', '"two\nlines"'],
    [null, ''],
    [42, '42'],
  ])('%s → %s', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it('starts with a BOM and uses CRLF', () => {
    const bytes = toCsv(['编号', '标题'], [['YQ-20261127-001', '县医院']]);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe('\uFEFF编号,标题\r\nYQ-20261127-001,县医院\r\n');
  });
});
