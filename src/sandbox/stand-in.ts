import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { validateCard } from '../lark/card-schema.js';
import { Pacer } from '../lark/pacer.js';
import type { ChangeCounter, SandboxSecrets } from './state.js';
import {
  addChatMembers,
  findChat,
  findChatByUuid,
  findMessage,
  findMessageByUuid,
  insertChat,
  insertMessage,
  markUrgent,
  newChatId,
  privateChatOf,
  updateMessageContent,
  type SandboxMessage,
} from './store.js';

/**
 * The Open API calls the bot makes, at Lark's paths with Lark's response shapes and the error
 * codes the bot handles (DESIGN.md §8): invalid cards (230099), rate limits (99991400 with
 * x-ogw-ratelimit-reset, 230020 per chat), messages too old to edit (230031), bot not in chat
 * (230002), person outside the availability range (230013). The bot talks to it through the real
 * SDK client with `domain` pointed here.
 */

export interface StandInDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  secrets: SandboxSecrets;
  changes: ChangeCounter;
  /** Display names of the people the app is available to (its availability range). */
  personName(openId: string): Promise<string | undefined>;
  /** Click tokens the sandbox handed out with card clicks → the clicked message, for delayed updates. */
  clickTokens: Map<string, string>;
  /** Wall-clock ms for rate limiting (real elapsed time, not the sandbox's business clock). */
  monotonic?: () => number;
}

const UUID_WINDOW_MS = 3600_000;
const EDIT_WINDOW_MS = 14 * 24 * 3600_000;

class LarkError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function fail(res: Response, error: unknown): void {
  if (error instanceof LarkError) {
    res.status(error.status).set(error.headers).json({ code: error.code, msg: error.message });
    return;
  }
  res.status(500).json({ code: 500, msg: error instanceof Error ? error.message : 'internal error' });
}

export function standInRouter(deps: StandInDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '1mb' });
  const tokens = new Set<string>();
  const pacer = new Pacer({ perChatPerSecond: 5, perUserPerSecond: 5, appPerSecond: 50, appPerMinute: 1000, minuteSpanMs: 60_000 });
  const monotonic = deps.monotonic ?? (() => performance.now());

  const authorised = (req: Request) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.has(token)) throw new LarkError(400, 99991663, 'Invalid access token for authorization.');
  };

  /** Lark's limits: 5/s per chat (230020), 50/s and 1000/min per app (99991400 with a reset header). */
  const throttle = (chatId: string | undefined) => {
    const wait = pacer.tryTake(chatId ? { chatId } : {}, monotonic());
    if (wait === 0) return;
    if (chatId && pacer.tryTake({}, monotonic()) === 0) throw new LarkError(400, 230020, 'This operation triggers the frequency limit.');
    throw new LarkError(429, 99991400, 'request trigger frequency limit', { 'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(wait / 1000))) });
  };

  const parseContent = (msgType: string, content: unknown): unknown => {
    if (typeof content !== 'string') throw new LarkError(400, 230001, 'content must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new LarkError(400, 230001, 'content is not valid JSON');
    }
    if (msgType === 'interactive') {
      const verdict = validateCard(parsed);
      if (!verdict.ok) throw new LarkError(400, 230099, `Failed to create card content, ext=ErrCode: 11310; ErrMsg: ${verdict.errors.slice(0, 3).join('; ')}`);
    } else if (msgType === 'text') {
      if (typeof (parsed as { text?: unknown }).text !== 'string') throw new LarkError(400, 230001, 'text message needs a text');
    } else if (msgType !== 'file') {
      throw new LarkError(400, 230001, `msg_type ${msgType} is not supported here`);
    }
    return parsed;
  };

  const messageBody = (message: SandboxMessage) => ({
    message_id: message.messageId,
    chat_id: message.chatId,
    msg_type: message.msgType,
    create_time: String(message.createdAt.getTime()),
    update_time: String(message.updatedAt.getTime()),
    sender: { id: deps.secrets.appId, id_type: 'app_id', sender_type: 'app' },
  });

  /** The same uuid within an hour returns the first message, as Lark documents. */
  const byUuid = async (uuid: unknown) => {
    if (typeof uuid !== 'string' || !uuid) return undefined;
    const earlier = await findMessageByUuid(deps.db, uuid);
    return earlier && deps.clock.now().getTime() - earlier.createdAt.getTime() < UUID_WINDOW_MS ? earlier : undefined;
  };

  const handler = (fn: (req: Request) => Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      const data = await fn(req);
      res.json({ code: 0, msg: 'success', data: data ?? {} });
    } catch (error) {
      if (!(error instanceof LarkError)) deps.log.error({ err: error, path: req.path }, 'sandbox stand-in failed');
      fail(res, error);
    }
  };

  router.post('/open-apis/auth/v3/tenant_access_token/internal', json, (req, res) => {
    const body = req.body as { app_id?: string; app_secret?: string };
    if (body.app_id !== deps.secrets.appId || body.app_secret !== deps.secrets.appSecret) {
      res.json({ code: 10014, msg: 'app secret invalid' });
      return;
    }
    const token = `t-${randomBytes(16).toString('hex')}`;
    tokens.add(token);
    res.json({ code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
  });

  router.post(
    '/open-apis/im/v1/messages',
    json,
    handler(async (req) => {
      authorised(req);
      const body = req.body as { receive_id?: string; msg_type?: string; content?: unknown; uuid?: string };
      const earlier = await byUuid(body.uuid);
      if (earlier) return messageBody(earlier);
      const at = deps.clock.now();
      let chatId: string;
      if (req.query.receive_id_type === 'open_id') {
        const name = await deps.personName(String(body.receive_id));
        if (!name) throw new LarkError(400, 230013, 'Bot has NO availability to this user.');
        chatId = (await privateChatOf(deps.db, String(body.receive_id), '舆情助手', at)).chatId;
      } else if (req.query.receive_id_type === 'chat_id') {
        const chat = await findChat(deps.db, String(body.receive_id));
        if (!chat) throw new LarkError(400, 230002, 'The bot can not be outside the group.');
        chatId = chat.chatId;
      } else {
        throw new LarkError(400, 230001, 'receive_id_type must be chat_id or open_id here');
      }
      throttle(chatId);
      const content = parseContent(String(body.msg_type), body.content);
      const message = await insertMessage(deps.db, { chatId, senderKind: 'bot', msgType: String(body.msg_type), content, uuid: body.uuid ?? null, createdAt: at, updatedAt: at });
      deps.changes.bump();
      return messageBody(message);
    }),
  );

  router.post(
    '/open-apis/im/v1/messages/:messageId/reply',
    json,
    handler(async (req) => {
      authorised(req);
      const body = req.body as { msg_type?: string; content?: unknown; uuid?: string };
      const earlier = await byUuid(body.uuid);
      if (earlier) return messageBody(earlier);
      const target = await findMessage(deps.db, String(req.params.messageId));
      if (!target) throw new LarkError(400, 230011, 'The message was recalled or does not exist.');
      throttle(target.chatId);
      const content = parseContent(String(body.msg_type), body.content);
      const at = deps.clock.now();
      const message = await insertMessage(deps.db, { chatId: target.chatId, senderKind: 'bot', msgType: String(body.msg_type), content, replyTo: target.messageId, uuid: body.uuid ?? null, createdAt: at, updatedAt: at });
      deps.changes.bump();
      return messageBody(message);
    }),
  );

  router.patch(
    '/open-apis/im/v1/messages/:messageId/urgent_app',
    json,
    handler(async (req) => {
      authorised(req);
      const target = await findMessage(deps.db, String(req.params.messageId));
      if (!target) throw new LarkError(400, 230011, 'The message was recalled or does not exist.');
      if (target.senderKind !== 'bot') throw new LarkError(400, 230012, 'Bot is not the sender of the message.');
      const chat = await findChat(deps.db, target.chatId);
      const ids = ((req.body as { user_id_list?: string[] }).user_id_list ?? []).map(String);
      const invalid = ids.filter((id) => !chat?.members.includes(id));
      await markUrgent(deps.db, target.messageId, ids.filter((id) => !invalid.includes(id)));
      deps.changes.bump();
      return { invalid_user_id_list: invalid };
    }),
  );

  router.patch(
    '/open-apis/im/v1/messages/:messageId',
    json,
    handler(async (req) => {
      authorised(req);
      const target = await findMessage(deps.db, String(req.params.messageId));
      if (!target) throw new LarkError(400, 230011, 'The message was recalled or does not exist.');
      if (target.msgType !== 'interactive') throw new LarkError(400, 230001, 'only card messages can be patched');
      if (deps.clock.now().getTime() - target.createdAt.getTime() > EDIT_WINDOW_MS) throw new LarkError(400, 230031, 'Message can only be modified within 14 days after sending.');
      const content = parseContent('interactive', (req.body as { content?: unknown }).content);
      await updateMessageContent(deps.db, target.messageId, content, deps.clock.now());
      deps.changes.bump();
      return {};
    }),
  );

  router.post(
    '/open-apis/interactive/v1/card/update',
    json,
    handler(async (req) => {
      authorised(req);
      const body = req.body as { token?: string; card?: unknown };
      const messageId = body.token ? deps.clickTokens.get(body.token) : undefined;
      if (!messageId) throw new LarkError(400, 300020, 'invalid token');
      const verdict = validateCard(body.card);
      if (!verdict.ok) throw new LarkError(400, 11311, `card format error: ${verdict.errors[0]}`);
      await updateMessageContent(deps.db, messageId, body.card, deps.clock.now());
      deps.changes.bump();
      return {};
    }),
  );

  router.post(
    '/open-apis/im/v1/chats',
    json,
    handler(async (req) => {
      authorised(req);
      const uuid = typeof req.query.uuid === 'string' ? req.query.uuid : undefined;
      const existing = uuid ? await findChatByUuid(deps.db, uuid) : undefined;
      if (existing) return { chat_id: existing.chatId, name: existing.name };
      const body = req.body as { name?: string; user_id_list?: string[] };
      const members = (body.user_id_list ?? []).map(String);
      if (members.length > 50) throw new LarkError(400, 232001, 'user_id_list allows at most 50 users');
      const chat = await insertChat(deps.db, { chatId: newChatId(), name: String(body.name ?? '群聊'), kind: 'group', members, createUuid: uuid ?? null, createdAt: deps.clock.now() });
      deps.changes.bump();
      return { chat_id: chat.chatId, name: chat.name };
    }),
  );

  router.post(
    '/open-apis/im/v1/chats/:chatId/members',
    json,
    handler(async (req) => {
      authorised(req);
      const chat = await findChat(deps.db, String(req.params.chatId));
      if (!chat) throw new LarkError(400, 232009, 'chat does not exist');
      const ids = ((req.body as { id_list?: string[] }).id_list ?? []).map(String);
      await addChatMembers(deps.db, chat.chatId, ids);
      deps.changes.bump();
      return { invalid_id_list: [], not_existed_id_list: [] };
    }),
  );

  router.post(
    '/open-apis/im/v1/files',
    express.raw({ type: () => true, limit: '30mb' }),
    handler(async (req) => {
      authorised(req);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (body.length === 0) throw new LarkError(400, 234010, 'file is empty');
      return { file_key: `file_sb_${randomBytes(10).toString('hex')}` };
    }),
  );

  router.post(
    '/open-apis/contact/v3/users/batch_get_id',
    json,
    handler(async (req) => {
      authorised(req);
      return { user_list: [] };
    }),
  );

  return router;
}
