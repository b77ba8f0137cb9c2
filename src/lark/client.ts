import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { LarkCredentials } from '../config.js';

/**
 * The SDK logs whole request bodies (message contents) on errors; we log failures ourselves with
 * the item and row they belong to, so its own logger only passes on short warnings.
 */
export function sdkLogger(log: Logger) {
  const short = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg.slice(0, 300) : Array.isArray(arg) ? arg.map(String).join(' ').slice(0, 300) : '')).join(' ');
  return {
    error: (...args: unknown[]) => log.warn({ source: 'lark-sdk' }, short(args)),
    warn: (...args: unknown[]) => log.warn({ source: 'lark-sdk' }, short(args)),
    info: (...args: unknown[]) => log.debug({ source: 'lark-sdk' }, short(args)),
    debug: () => undefined,
    trace: () => undefined,
  };
}

export function createLarkClient(credentials: Pick<LarkCredentials, 'appId' | 'appSecret' | 'domain'>, log: Logger): lark.Client {
  return new lark.Client({
    appId: credentials.appId,
    appSecret: credentials.appSecret,
    domain: credentials.domain,
    appType: lark.AppType.SelfBuild,
    // The SDK's default cache is process-global and keyed by app id only: give each client its
    // own, so two clients (tests, sandbox) never share a token meant for another server.
    cache: new lark.DefaultCache(),
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.warn,
  });
}
