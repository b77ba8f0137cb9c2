import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of the environment. `loadConfig(process.env)` is called once, by main; every
 * bad variable is reported at once, one line each, with how to fix it.
 */

export type RunMode = 'sandbox' | 'ws' | 'webhook';

export interface LarkCredentials {
  appId: string;
  appSecret: string;
  /** Base URL of the open platform (or of the sandbox stand-in). */
  domain: string;
  encryptKey?: string;
  verificationToken?: string;
  /** Webhook requests older or newer than this are refused (replays inside it hit the dedupe keys). */
  webhookMaxAgeSeconds: number;
}

export interface AppConfig {
  mode: RunMode;
  port: number;
  /** The sandbox serves a page for anyone who can reach it, so it stays on loopback. */
  host: string;
  logLevel: string;
  dataDir: string;
  databaseUrl?: string;
  /** Path of the organisation file; the bundled example in sandbox mode. */
  orgFile: string;
  /** The working-day calendar; the shipped State Council data when unset. */
  calendarFile?: string;
  lark?: LarkCredentials;
  /** Bearer tokens of the monitoring systems that may push to `POST /api/intake` (INTAKE_TOKENS). */
  intakeTokens?: IntakeToken[];
}

export interface IntakeToken {
  /** Names the system in leads and logs (`monitor:<source>`). */
  source: string;
  token: string;
}

/**
 * `INTAKE_TOKENS=source:token,source2:token2`. Problems name the entry by position and source,
 * never the token: the lines are printed at start.
 */
export function parseIntakeTokens(value: string | undefined): { tokens: IntakeToken[]; problems: string[] } {
  const tokens: IntakeToken[] = [];
  const problems: string[] = [];
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    if (entry === '') return;
    const at = entry.indexOf(':');
    const source = at < 0 ? '' : entry.slice(0, at).trim();
    const token = at < 0 ? '' : entry.slice(at + 1).trim();
    const where = `INTAKE_TOKENS entry ${index + 1}${source ? ` (${source})` : ''}`;
    if (at < 0) problems.push(`${where}: must be source:token, e.g. INTAKE_TOKENS=yuqing-monitor:<at least 16 random characters>`);
    else if (!/^[A-Za-z0-9_.-]{1,40}$/.test(source)) problems.push(`${where}: the source must be 1–40 letters, digits, dot, dash or underscore`);
    else if (!/^[\x21-\x7e]{16,256}$/.test(token)) problems.push(`${where}: the token must be 16–256 printable ASCII characters without spaces or commas (e.g. openssl rand -hex 24)`);
    else if (tokens.some((t) => t.source === source)) problems.push(`${where}: the source ${source} is named twice`);
    else if (tokens.some((t) => t.token === token)) problems.push(`${where}: two sources share one token; give each its own`);
    else tokens.push({ source, token });
  });
  return { tokens, problems };
}

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

export const EXAMPLE_ORG_FILE = path.resolve(import.meta.dirname, '..', 'org.example.yaml');

const LARK_DOMAINS: Record<string, string> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const envSchema = z.object({
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL, e.g. postgres://user:pass@127.0.0.1:5432/yuqing')
      .optional(),
  ),
  PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 0 to 65535 (0 picks a free port), e.g. PORT=3000')
      .transform(Number)
      .pipe(z.number().int().max(65535, 'must be a whole number from 0 to 65535, e.g. PORT=3000'))
      .optional(),
  ),
  ORG_FILE: optionalText,
  LOG_LEVEL: optionalText.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }).optional(),
  ),
  LARK_APP_ID: optionalText.pipe(z.string().regex(/^cli_\w+$/, 'must look like cli_a1b2c3d4e5f60718 (开发者后台 → 凭证与基础信息)').optional()),
  LARK_APP_SECRET: optionalText,
  LARK_DOMAIN: optionalText.pipe(
    z
      .string()
      .refine((value) => value in LARK_DOMAINS || /^https?:\/\/[^\s/]+/.test(value), 'must be feishu, lark, or a base URL such as https://open.feishu.cn')
      .optional(),
  ),
  LARK_MODE: optionalText.pipe(z.enum(['ws', 'webhook'], { error: 'must be ws (long connection, default) or webhook' }).optional()),
  LARK_ENCRYPT_KEY: optionalText,
  LARK_VERIFICATION_TOKEN: optionalText,
  LARK_WEBHOOK_MAX_AGE: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be whole seconds, e.g. LARK_WEBHOOK_MAX_AGE=3600')
      .transform(Number)
      .pipe(z.number().int().min(60, 'must be at least 60 seconds').max(86_400, 'must be at most 86400 seconds (one day)'))
      .optional(),
  ),
  DATA_DIR: optionalText,
  CALENDAR_FILE: optionalText,
  // Never fails here: its problems are reported below without echoing the tokens.
  INTAKE_TOKENS: optionalText.transform(parseIntakeTokens),
});

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    return { ok: false, problems: [...problems, ...parseIntakeTokens(env.INTAKE_TOKENS).problems] };
  }
  const e = parsed.data;
  const problems: string[] = [];
  const hasCredentials = Boolean(e.LARK_APP_ID || e.LARK_APP_SECRET);
  if (e.LARK_APP_ID && !e.LARK_APP_SECRET) problems.push('LARK_APP_SECRET is not set: give the app secret that belongs to LARK_APP_ID');
  if (!e.LARK_APP_ID && e.LARK_APP_SECRET) problems.push('LARK_APP_ID is not set: give the app id (cli_…) that belongs to LARK_APP_SECRET');
  const mode: RunMode = hasCredentials ? (e.LARK_MODE ?? 'ws') : 'sandbox';
  if (mode === 'webhook' && !e.LARK_ENCRYPT_KEY) {
    problems.push('LARK_ENCRYPT_KEY is not set: webhook mode needs the Encrypt Key from 开发者后台 → 事件与回调 → 加密策略');
  }
  if (hasCredentials && !e.ORG_FILE) {
    problems.push('ORG_FILE is not set: with Lark credentials the bot needs your organisation file; copy org.example.yaml to org.yaml, edit it, and set ORG_FILE=./org.yaml');
  }
  problems.push(...e.INTAKE_TOKENS.problems);
  if (problems.length > 0) return { ok: false, problems };

  const lark: LarkCredentials | undefined = hasCredentials
    ? {
        appId: e.LARK_APP_ID!,
        appSecret: e.LARK_APP_SECRET!,
        domain: LARK_DOMAINS[e.LARK_DOMAIN ?? 'feishu'] ?? e.LARK_DOMAIN!.replace(/\/+$/, ''),
        encryptKey: e.LARK_ENCRYPT_KEY,
        verificationToken: e.LARK_VERIFICATION_TOKEN,
        webhookMaxAgeSeconds: e.LARK_WEBHOOK_MAX_AGE ?? 3600,
      }
    : undefined;
  return {
    ok: true,
    config: {
      mode,
      port: e.PORT ?? 3000,
      host: mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0',
      logLevel: e.LOG_LEVEL ?? 'info',
      dataDir: path.resolve(e.DATA_DIR ?? './data'),
      databaseUrl: e.DATABASE_URL,
      orgFile: e.ORG_FILE ? path.resolve(e.ORG_FILE) : EXAMPLE_ORG_FILE,
      calendarFile: e.CALENDAR_FILE ? path.resolve(e.CALENDAR_FILE) : undefined,
      lark,
      intakeTokens: e.INTAKE_TOKENS.tokens,
    },
  };
}

/** The process's own environment; main calls this once. */
export function loadConfigFromProcess(): ConfigResult {
  return loadConfig(process.env);
}
