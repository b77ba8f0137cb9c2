import { randomBytes } from 'node:crypto';
import { encryptPayload, signatureOf } from '../../src/lark/webhook-verification.js';

/**
 * Webhook requests as Lark sends them (DESIGN.md §8, lark-fixtures/): the event JSON encrypted
 * with the Encrypt Key, the body signed with timestamp + nonce + key. Built before a run starts,
 * so the load generator only has to write bytes.
 */

export const BENCH_SECRETS = {
  appId: 'cli_benchbenchbench01',
  appSecret: 'bench-app-secret',
  encryptKey: 'bench-encrypt-key',
  verificationToken: 'bench-verification-token',
};

export interface SignedRequest {
  path: '/webhook/event' | '/webhook/card';
  headers: Record<string, string>;
  body: Buffer;
}

export function signed(path: SignedRequest['path'], payload: unknown, nowMs: number): SignedRequest {
  const body = Buffer.from(JSON.stringify({ encrypt: encryptPayload(JSON.stringify(payload), BENCH_SECRETS.encryptKey) }));
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(8).toString('hex');
  return {
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signatureOf(timestamp, nonce, BENCH_SECRETS.encryptKey, body),
    },
  };
}

function header(eventId: string, eventType: string, nowMs: number) {
  return {
    event_id: eventId,
    token: BENCH_SECRETS.verificationToken,
    create_time: String(nowMs * 1000),
    event_type: eventType,
    tenant_key: 'bench_tenant',
    app_id: BENCH_SECRETS.appId,
  };
}

/** A button click (`card.action.trigger`), like lark-fixtures/card.action.trigger.json. */
export function cardClick(options: { eventId: string; operator: string; chatId: string; messageId: string; value: Record<string, unknown>; nowMs: number }) {
  return {
    schema: '2.0',
    header: header(options.eventId, 'card.action.trigger', options.nowMs),
    event: {
      operator: { tenant_key: 'bench_tenant', open_id: options.operator },
      token: `c-${randomBytes(16).toString('hex')}`,
      action: { value: options.value, tag: 'button', timezone: 'Asia/Shanghai' },
      host: 'im_message',
      context: { open_message_id: options.messageId, open_chat_id: options.chatId },
    },
  };
}

/** A text message to the bot (`im.message.receive_v1`); in a group it @mentions the bot first. */
export function textMessage(options: { eventId: string; messageId: string; sender: string; chatId: string; chatType: 'p2p' | 'group'; text: string; nowMs: number }) {
  const group = options.chatType === 'group';
  return {
    schema: '2.0',
    header: header(options.eventId, 'im.message.receive_v1', options.nowMs),
    event: {
      sender: { sender_id: { open_id: options.sender, union_id: 'on_bench', user_id: 'u_bench' }, sender_type: 'user', tenant_key: 'bench_tenant' },
      message: {
        message_id: options.messageId,
        root_id: '',
        parent_id: '',
        create_time: String(options.nowMs),
        update_time: String(options.nowMs),
        chat_id: options.chatId,
        chat_type: options.chatType,
        message_type: 'text',
        content: JSON.stringify({ text: group ? `@_user_1 ${options.text}` : options.text }),
        mentions: group ? [{ key: '@_user_1', id: { open_id: 'ou_bench_bot', union_id: 'on_bot', user_id: '' }, name: '舆情助手', tenant_key: 'bench_tenant' }] : [],
      },
    },
  };
}
