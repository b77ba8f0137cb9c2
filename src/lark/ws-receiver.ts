import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { LarkCredentials } from '../config.js';
import type { CardResponse } from '../inbound/handle.js';
import { sdkLogger } from './client.js';
import { MalformedEventError, toInboundEvent, type InboundEvent } from './events.js';

/**
 * The long connection (SDK WSClient): no public address needed. The SDK hands each handler the
 * envelope flattened (header and event fields merged); we rebuild it and pass one event to the
 * app. The SDK acknowledges only after the handler resolves, and a card handler's result is the
 * answer to the click. A thrown error acks 500, so Lark delivers the event again.
 */

export const LONG_CONNECTION_EVENTS = [
  'im.message.receive_v1',
  'card.action.trigger',
  'im.chat.member.bot.added_v1',
  'im.chat.member.bot.deleted_v1',
  'im.chat.disbanded_v1',
] as const;

export interface LongConnectionDeps {
  credentials: LarkCredentials;
  log: Logger;
  handle(event: InboundEvent): Promise<CardResponse>;
  /** Delay before our own retry after the SDK gives up (it does for auth errors, "system busy"…). */
  retryDelayMs?: (attempt: number) => number;
}

export interface ConnectionState {
  ok: boolean;
  detail: string;
}

/** Rebuilds a v2 envelope from the SDK's flattened handler argument. */
export function envelopeFromFlattened(data: Record<string, unknown>): unknown {
  // Object.entries drops the SDK's own symbol-keyed bookkeeping.
  const event = Object.fromEntries(Object.entries(data));
  return { schema: '2.0', header: { event_id: data.event_id, event_type: data.event_type }, event };
}

export function createEventDispatcher(handle: (event: InboundEvent) => Promise<CardResponse>, log: Logger): lark.EventDispatcher {
  const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.warn });
  const handlers: Record<string, (data: Record<string, unknown>) => Promise<unknown>> = {};
  for (const type of LONG_CONNECTION_EVENTS) {
    handlers[type] = async (data) => {
      let event: InboundEvent;
      try {
        event = toInboundEvent(envelopeFromFlattened(data));
      } catch (error) {
        if (error instanceof MalformedEventError) {
          log.warn({ eventType: type, err: error.message }, 'malformed event from the long connection ignored');
          return undefined;
        }
        throw error;
      }
      const response = await handle(event);
      return event.type === 'card_action' ? response : undefined;
    };
  }
  // card.action.trigger works over the long connection but is missing from the SDK's types.
  dispatcher.register(handlers as Parameters<lark.EventDispatcher['register']>[0]);
  return dispatcher;
}

export class LongConnectionReceiver {
  private client?: lark.WSClient;
  private retryTimer?: NodeJS.Timeout;
  private attempts = 0;
  private lastError?: string;
  private stopped = false;
  readonly dispatcher: lark.EventDispatcher;

  constructor(private readonly deps: LongConnectionDeps) {
    this.dispatcher = createEventDispatcher(deps.handle, deps.log);
  }

  start(): void {
    this.stopped = false;
    const { credentials, log } = this.deps;
    this.client = new lark.WSClient({
      appId: credentials.appId,
      appSecret: credentials.appSecret,
      domain: credentials.domain,
      loggerLevel: lark.LoggerLevel.warn,
      logger: sdkLogger(log),
      autoReconnect: true,
      handshakeTimeoutMs: 15_000,
      wsConfig: { pingTimeout: 30 },
      onReady: () => {
        this.attempts = 0;
        this.lastError = undefined;
        log.info('long connection to Lark open');
      },
      onReconnecting: () => log.warn('long connection lost; reconnecting'),
      onReconnected: () => log.info('long connection re-established'),
      onError: (error) => this.failed(error),
    });
    void this.client.start({ eventDispatcher: this.dispatcher });
  }

  /** The SDK stops retrying on some errors (a wrong secret, "system busy"): we keep trying. */
  private failed(error: Error): void {
    if (this.stopped) return;
    this.attempts += 1;
    this.lastError = error.message;
    const delay = this.deps.retryDelayMs?.(this.attempts) ?? Math.min(300_000, 15_000 * 2 ** Math.min(this.attempts - 1, 5));
    this.deps.log.error(
      { err: error.message, retryInMs: delay, attempts: this.attempts },
      'cannot open the long connection to Lark (check LARK_APP_ID / LARK_APP_SECRET and that the app uses the long connection for events and callbacks); retrying',
    );
    this.client?.close({ force: true });
    this.retryTimer = setTimeout(() => this.start(), delay);
  }

  state(): ConnectionState {
    const status = this.client?.getConnectionStatus();
    if (status?.state === 'connected') return { ok: true, detail: 'connected' };
    const detail = this.lastError ? `${status?.state ?? 'idle'}: ${this.lastError}` : (status?.state ?? 'not started');
    return { ok: false, detail };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.client?.close({ force: true });
  }
}
