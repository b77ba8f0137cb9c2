import { randomBytes } from 'node:crypto';
import { encryptPayload as encryptBody, signatureOf } from '../../src/lark/webhook-verification.js';

/** Bodies are encrypted and signed exactly as Lark documents it (shared/lark-fixtures/README.md). */
export interface SignedWebhook {
  headers: Record<string, string>;
  body: Buffer;
}

export function signedWebhook(payload: unknown, encryptKey: string, nowMs: number, options: { rawPlain?: string; nonce?: string } = {}): SignedWebhook {
  const plain = options.rawPlain ?? JSON.stringify(payload);
  const body = Buffer.from(JSON.stringify({ encrypt: encryptBody(plain, encryptKey) }));
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signatureOf(timestamp, nonce, encryptKey, body),
    },
  };
}

let sequence = 0;

/** A text message event like shared/lark-fixtures/im.message.receive_v1.json. */
export function messageEvent(options: {
  text: string;
  sender: string;
  chatId?: string;
  chatType?: 'p2p' | 'group';
  mentions?: { key: string; openId: string; name: string }[];
  eventId?: string;
  messageId?: string;
  token?: string;
}) {
  sequence += 1;
  const chatType = options.chatType ?? 'group';
  const mentions = options.mentions ?? (chatType === 'group' ? [{ key: '@_user_1', openId: 'ou_bot', name: '舆情助手' }] : []);
  const text = chatType === 'group' && !options.text.startsWith('@_user_') ? `@_user_1 ${options.text}` : options.text;
  return {
    schema: '2.0',
    header: {
      event_id: options.eventId ?? `ev_${sequence}_${randomBytes(4).toString('hex')}`,
      token: options.token ?? 'vtoken',
      create_time: '1764224400000',
      event_type: 'im.message.receive_v1',
      tenant_key: 'tenant',
      app_id: 'cli_a1b2c3d4e5f60718',
    },
    event: {
      sender: { sender_id: { open_id: options.sender, union_id: 'on_x', user_id: 'u' }, sender_type: 'user', tenant_key: 'tenant' },
      message: {
        message_id: options.messageId ?? `om_src_${sequence}_${randomBytes(4).toString('hex')}`,
        root_id: '',
        parent_id: '',
        create_time: '1764224400000',
        update_time: '1764224400000',
        chat_id: options.chatId ?? 'oc_somegroup',
        chat_type: chatType,
        message_type: 'text',
        content: JSON.stringify({ text }),
        mentions: mentions.map((m) => ({ key: m.key, id: { open_id: m.openId, union_id: 'on_x', user_id: '' }, name: m.name, tenant_key: 'tenant' })),
      },
    },
  };
}

export function chatEvent(eventType: 'im.chat.member.bot.added_v1' | 'im.chat.member.bot.deleted_v1' | 'im.chat.disbanded_v1', chatId: string, operator = 'ou_someone') {
  sequence += 1;
  return {
    schema: '2.0',
    header: { event_id: `ev_chat_${sequence}_${randomBytes(4).toString('hex')}`, token: 'vtoken', create_time: '1764224400000', event_type: eventType, tenant_key: 'tenant', app_id: 'cli_a1b2c3d4e5f60718' },
    event: { chat_id: chatId, operator_id: { open_id: operator }, name: '某个群', external: false },
  };
}

export function cardActionEvent(operator: string, value: Record<string, unknown>) {
  sequence += 1;
  return {
    schema: '2.0',
    header: { event_id: `ev_card_${sequence}`, token: 'vtoken', create_time: '1764224460000000', event_type: 'card.action.trigger', tenant_key: 'tenant', app_id: 'cli_a1b2c3d4e5f60718' },
    event: {
      operator: { tenant_key: 'tenant', open_id: operator },
      token: 'c-update-token',
      action: { value, tag: 'button', timezone: 'Asia/Shanghai' },
      host: 'im_message',
      context: { open_message_id: 'om_card', open_chat_id: 'oc_health' },
    },
  };
}
