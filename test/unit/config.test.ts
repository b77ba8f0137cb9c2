import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_ORG_FILE, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('runs the sandbox on the example organisation with no settings at all', () => {
    const result = loadConfig({});
    expect(result).toMatchObject({ ok: true, config: { mode: 'sandbox', port: 3000, host: '127.0.0.1', logLevel: 'info', orgFile: EXAMPLE_ORG_FILE } });
    if (result.ok) {
      expect(result.config.dataDir).toBe(path.resolve('./data'));
      expect(result.config.lark).toBeUndefined();
      expect(result.config.databaseUrl).toBeUndefined();
    }
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: ' ', LARK_APP_ID: '', LARK_APP_SECRET: '' })).toMatchObject({ ok: true, config: { mode: 'sandbox', port: 3000 } });
  });

  it('names PORT=abc with how to fix it', () => {
    const result = loadConfig({ PORT: 'abc' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual(['PORT="abc": must be a whole number from 0 to 65535 (0 picks a free port), e.g. PORT=3000']);
  });

  it('reports every bad variable at once, one line each', () => {
    const result = loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', LARK_MODE: 'poll', DATABASE_URL: 'mysql://x', LARK_DOMAIN: 'nowhere' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(5);
    const names = result.problems.map((line) => line.split('=')[0]);
    expect(names.sort()).toEqual(['DATABASE_URL', 'LARK_DOMAIN', 'LARK_MODE', 'LOG_LEVEL', 'PORT']);
  });

  it('with credentials and no organisation file, says how to write one', () => {
    const result = loadConfig({ LARK_APP_ID: 'cli_a1b2c3', LARK_APP_SECRET: 's3cret' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([expect.stringMatching(/^ORG_FILE is not set: .*copy org\.example\.yaml to org\.yaml/)]);
  });

  it('refuses half a credential pair', () => {
    const result = loadConfig({ LARK_APP_ID: 'cli_a1b2c3', ORG_FILE: 'org.yaml' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^LARK_APP_SECRET is not set/);
  });

  it('webhook mode needs the encrypt key', () => {
    const result = loadConfig({ LARK_APP_ID: 'cli_a1', LARK_APP_SECRET: 's', ORG_FILE: 'org.yaml', LARK_MODE: 'webhook' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^LARK_ENCRYPT_KEY is not set/);
  });

  it.each([
    [undefined, 'https://open.feishu.cn'],
    ['feishu', 'https://open.feishu.cn'],
    ['lark', 'https://open.larksuite.com'],
    ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010'],
  ])('LARK_DOMAIN=%s resolves to %s; credentials default to the long connection', (domain, expected) => {
    const result = loadConfig({ LARK_APP_ID: 'cli_a1', LARK_APP_SECRET: 's', ORG_FILE: './org.yaml', LARK_DOMAIN: domain });
    expect(result).toMatchObject({ ok: true, config: { mode: 'ws', host: '0.0.0.0', lark: { appId: 'cli_a1' } } });
    if (result.ok) {
      expect(result.config.lark?.domain).toBe(expected);
      expect(result.config.orgFile).toBe(path.resolve('./org.yaml'));
    }
  });
});
