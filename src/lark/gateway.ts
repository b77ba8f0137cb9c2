import type * as lark from '@larksuiteoapi/node-sdk';
import type { OutgoingMessage } from '../db/queries/outbox.js';

/**
 * Every call the bot makes to Lark, through the SDK client (token management included), with
 * errors normalised into LarkApiError so the outbox can decide: retry, or give up.
 */

/** Throttling and transient codes: retried, honouring x-ogw-ratelimit-reset when present. */
const APP_RATE_LIMITED = 99991400;
const RETRYABLE_CODES = new Set([APP_RATE_LIMITED, 230020, 230049, 232019, 99991663, 99991661, 1000040343]);

export class LarkApiError extends Error {
  constructor(
    readonly retryable: boolean,
    readonly status: number | undefined,
    readonly code: number | undefined,
    readonly detail: string,
    /** From x-ogw-ratelimit-reset, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`Lark ${status ?? 'network'}${code !== undefined ? ` code ${code}` : ''}: ${detail}`);
    this.name = 'LarkApiError';
  }

  /** Lark refused the call because the app as a whole is over its rate (not one chat or user). */
  get appRateLimited(): boolean {
    return this.code === APP_RATE_LIMITED || (this.status === 429 && this.code === undefined);
  }
}

interface AxiosLikeError {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; headers?: Record<string, string>; data?: { code?: number; msg?: string } };
}

export function toLarkApiError(error: unknown): LarkApiError {
  if (error instanceof LarkApiError) return error;
  const e = error as AxiosLikeError;
  if (e?.response) {
    const { status, headers, data } = e.response;
    const reset = Number(headers?.['x-ogw-ratelimit-reset']);
    const code = typeof data?.code === 'number' ? data.code : undefined;
    const retryable = status >= 500 || status === 429 || (code !== undefined && RETRYABLE_CODES.has(code));
    return new LarkApiError(retryable, status, code, data?.msg ?? e.message ?? 'error', Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined);
  }
  // No response: the request or its answer was lost. Safe to retry: sends carry a uuid.
  return new LarkApiError(true, undefined, undefined, e?.code ?? e?.message ?? String(error));
}

interface LarkBody<T> {
  code?: number;
  msg?: string;
  data?: T;
}

export type Receiver = { chatId: string } | { openId: string };

export interface LarkGateway {
  send(receiver: Receiver, message: OutgoingMessage, uuid: string): Promise<{ messageId: string }>;
  reply(messageId: string, message: OutgoingMessage, uuid: string): Promise<{ messageId: string }>;
  patchCard(messageId: string, card: Record<string, unknown>): Promise<void>;
  urgent(messageId: string, openIds: string[]): Promise<{ invalid: string[] }>;
  /** The delayed update of a clicked card (30 min, twice, after the click was answered). */
  updateClickedCard(token: string, card: Record<string, unknown>): Promise<void>;
  /** Lark keeps a chat-creation uuid for 10 hours: a retry returns the same chat. */
  createChat(chat: { name: string; description: string; openIds: string[] }, uuid: string): Promise<{ chatId: string }>;
  addMembers(chatId: string, openIds: string[]): Promise<{ invalid: string[] }>;
  uploadFile(fileName: string, content: Buffer): Promise<{ fileKey: string }>;
  /** open_ids for mobiles and emails (≤ 50 each per call); unknown ones are simply absent. */
  openIdsByContact(query: { mobiles: string[]; emails: string[] }): Promise<Map<string, string>>;
}

function content(message: OutgoingMessage): { msg_type: string; content: string } {
  switch (message.msgType) {
    case 'text':
      return { msg_type: 'text', content: JSON.stringify({ text: message.text }) };
    case 'interactive':
      return { msg_type: 'interactive', content: JSON.stringify(message.card) };
    case 'file':
      return { msg_type: 'file', content: JSON.stringify({ file_key: message.fileKey }) };
  }
}

const TIMEOUT_MS = 10_000;

export function createLarkGateway(client: lark.Client): LarkGateway {
  async function call<T>(method: string, url: string, data: unknown, params?: Record<string, string>): Promise<T | undefined> {
    let body: LarkBody<T>;
    try {
      body = await client.request<LarkBody<T>>({ method, url, data, params, timeout: TIMEOUT_MS });
    } catch (error) {
      throw toLarkApiError(error);
    }
    // Lark answers some failures with HTTP 200 and a non-zero code.
    if (body?.code !== undefined && body.code !== 0) {
      throw new LarkApiError(RETRYABLE_CODES.has(body.code), 200, body.code, body.msg ?? 'error');
    }
    return body?.data;
  }

  return {
    async send(receiver, message, uuid) {
      const [type, id] = 'chatId' in receiver ? ['chat_id', receiver.chatId] : ['open_id', receiver.openId];
      const data = await call<{ message_id: string }>('POST', '/open-apis/im/v1/messages', { receive_id: id, ...content(message), uuid }, { receive_id_type: type });
      return { messageId: data?.message_id ?? '' };
    },
    async reply(messageId, message, uuid) {
      const data = await call<{ message_id: string }>('POST', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/reply`, { ...content(message), uuid });
      return { messageId: data?.message_id ?? '' };
    },
    async patchCard(messageId, card) {
      await call('PATCH', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`, { content: JSON.stringify(card) });
    },
    async urgent(messageId, openIds) {
      const data = await call<{ invalid_user_id_list?: string[] }>('PATCH', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/urgent_app`, { user_id_list: openIds }, { user_id_type: 'open_id' });
      return { invalid: data?.invalid_user_id_list ?? [] };
    },
    async updateClickedCard(token, card) {
      await call('POST', '/open-apis/interactive/v1/card/update', { token, card });
    },
    async createChat(chat, uuid) {
      const data = await call<{ chat_id: string }>(
        'POST',
        '/open-apis/im/v1/chats',
        { name: chat.name, description: chat.description, user_id_list: chat.openIds, chat_mode: 'group', chat_type: 'private' },
        { user_id_type: 'open_id', set_bot_manager: 'true', uuid },
      );
      if (!data?.chat_id) throw new LarkApiError(false, 200, undefined, 'chat created without a chat_id');
      return { chatId: data.chat_id };
    },
    async addMembers(chatId, openIds) {
      const data = await call<{ invalid_id_list?: string[]; not_existed_id_list?: string[] }>(
        'POST',
        `/open-apis/im/v1/chats/${encodeURIComponent(chatId)}/members`,
        { id_list: openIds },
        { member_id_type: 'open_id', succeed_type: '1' },
      );
      return { invalid: [...(data?.invalid_id_list ?? []), ...(data?.not_existed_id_list ?? [])] };
    },
    async openIdsByContact({ mobiles, emails }) {
      const found = new Map<string, string>();
      for (let i = 0; i < Math.max(mobiles.length, emails.length); i += 50) {
        const data = await call<{ user_list?: { user_id?: string; mobile?: string; email?: string }[] }>(
          'POST',
          '/open-apis/contact/v3/users/batch_get_id',
          { mobiles: mobiles.slice(i, i + 50), emails: emails.slice(i, i + 50), include_resigned: false },
          { user_id_type: 'open_id' },
        );
        for (const user of data?.user_list ?? []) {
          const key = user.mobile ?? user.email;
          if (key && user.user_id) found.set(key, user.user_id);
        }
      }
      return found;
    },
    async uploadFile(fileName, content) {
      let result: { file_key?: string } | null;
      try {
        // The SDK method builds the multipart body; it returns only data, so an empty answer is a failure.
        result = await client.im.file.create({ data: { file_type: 'stream', file_name: fileName, file: content } });
      } catch (error) {
        throw toLarkApiError(error);
      }
      if (!result?.file_key) throw new LarkApiError(false, 200, undefined, `upload of ${fileName} returned no file_key`);
      return { fileKey: result.file_key };
    },
  };
}
