import { describe, expect, it } from 'vitest';
import { loadConfig, parseIntakeTokens } from '../../src/config.js';
import { sourceOfToken } from '../../src/http/intake.js';

const A = 'aaaaaaaaaaaaaaaa-1';
const B = 'bbbbbbbbbbbbbbbb-2';

describe('INTAKE_TOKENS', () => {
  it('reads source:token pairs, separated by commas (a token may hold a colon)', () => {
    expect(parseIntakeTokens(` yuqing-monitor:${A} , vendor2:${B}:x ,`)).toEqual({
      tokens: [
        { source: 'yuqing-monitor', token: A },
        { source: 'vendor2', token: `${B}:x` },
      ],
      problems: [],
    });
    expect(loadConfig({ INTAKE_TOKENS: `m:${A}` })).toMatchObject({ ok: true, config: { intakeTokens: [{ source: 'm', token: A }] } });
    expect(loadConfig({})).toMatchObject({ ok: true, config: { intakeTokens: [] } });
  });

  it('names every bad entry without ever printing a token', () => {
    const result = loadConfig({ INTAKE_TOKENS: `nocolon${A},bad source:${A},m:short,m2:${B},m2:${A}x,m3:${B}`, PORT: 'abc' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const intake = result.problems.filter((p) => p.startsWith('INTAKE_TOKENS'));
    expect(intake).toHaveLength(5);
    expect(intake[0]).toMatch(/entry 1: must be source:token/);
    expect(intake[1]).toMatch(/entry 2 \(bad source\): the source must be/);
    expect(intake[2]).toMatch(/entry 3 \(m\): the token must be 16–256/);
    expect(intake[3]).toMatch(/entry 5 \(m2\): the source m2 is named twice/);
    expect(intake[4]).toMatch(/entry 6 \(m3\): two sources share one token/);
    expect(result.problems.some((p) => p.startsWith('PORT='))).toBe(true);
    for (const line of result.problems) {
      expect(line).not.toContain(A);
      expect(line).not.toContain(B);
      expect(line).not.toContain('short');
    }
  });

  it('finds the source of a token, and nothing for anything else', () => {
    const tokens = [
      { source: 'm', token: A },
      { source: 'v', token: B },
    ];
    expect(sourceOfToken(tokens, A)).toBe('m');
    expect(sourceOfToken(tokens, B)).toBe('v');
    expect(sourceOfToken(tokens, `${A}x`)).toBeUndefined();
    expect(sourceOfToken(tokens, '')).toBeUndefined();
    expect(sourceOfToken([], A)).toBeUndefined();
  });
});
