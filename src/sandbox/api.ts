import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { IntakeToken } from '../config.js';
import type { Db } from '../db/client.js';
import { validateCard } from '../lark/card-schema.js';
import { envelope, postSignedEvent } from './deliver.js';
import { sandboxPeople, type SandboxPerson } from './people.js';
import type { ChangeCounter, SandboxClock, SandboxSecrets } from './state.js';
import { chatsOf, findChat, findMessage, insertMessage, messagesOf, updateMessageContent } from './store.js';

/**
 * The sandbox page's API (src/sandbox/page): who people are, their chats and messages, sending a
 * message or clicking a card as someone, and the clock. Everything a person does reaches the bot
 * as a signed, encrypted webhook, exactly as Lark would send it.
 */

export interface SandboxApiDeps {
  db: Db;
  clock: SandboxClock;
  log: Logger;
  secrets: SandboxSecrets;
  changes: ChangeCounter;
  clickTokens: Map<string, string>;
  /** The bot's own base URL, known once it listens. */
  baseUrl(): string;
  timezone: string;
  /** Runs everything that fell due in between, in order, before the page sees the new time. */
  onClockMoved(): Promise<void>;
  /** The next instant something is due (a reminder, a clock) or a report is scheduled, after now. */
  nextDue(now: Date): Promise<Date | undefined>;
  nextReport(now: Date): Date | undefined;
  /** The demo monitoring system (sandbox only): 模拟监测推送 pushes to `POST /api/intake` with its token. */
  intakeDemo?: IntakeToken;
}

const BOT_NAME = '舆情助手';
const PAGE_DIR = path.resolve(import.meta.dirname, 'page');
const VCHART_BUNDLE = path.join(path.dirname(createRequire(import.meta.url).resolve('@visactor/vchart/package.json')), 'build', 'index.min.js');

const sendSchema = z.object({ as: z.string().min(1), chatId: z.string().min(1), text: z.string().min(1).max(20_000) });
const clickSchema = z.object({
  as: z.string().min(1),
  chatId: z.string().min(1),
  messageId: z.string().min(1),
  value: z.record(z.string(), z.unknown()),
  formValue: z.record(z.string(), z.unknown()).optional(),
  name: z.string().optional(),
});
const clockSchema = z.union([
  z.object({ advanceMs: z.number().positive().max(366 * 24 * 3600_000) }),
  z.object({ to: z.enum(['next_due', 'next_report']) }),
]);

/** What 模拟监测推送 sends, in turn: realistic alerts of a monitoring service. Each push gets its own link. */
export const SAMPLE_ALERTS = [
  {
    title: '网传县二中食堂饭菜变质',
    source: '微博',
    summary: '有网民发帖称县二中食堂饭菜变质，多名学生腹痛，引发家长关注。',
    spread: { views: 12000, reposts: 340, comments: 87 },
    sentiment: 'negative',
    keywords: ['县二中', '食堂'],
  },
  {
    title: '白沙镇自来水发黄 居民担心水质',
    source: '抖音',
    summary: '短视频显示白沙镇部分小区自来水发黄，评论区有居民称已持续三天。',
    spread: { views: 56000, reposts: 1200, comments: 430 },
    sentiment: 'negative',
    keywords: ['白沙镇', '自来水'],
  },
  {
    title: '网友询问县城老旧小区加装电梯补贴标准',
    source: '今日头条',
    summary: '有网友在本地资讯下留言，询问老旧小区加装电梯的补贴标准和申请流程。',
    spread: { views: 3100, reposts: 25, comments: 64 },
    sentiment: 'neutral',
    keywords: ['加装电梯', '补贴'],
  },
] as const;

/** `@舆情助手` and `@姓名` become Feishu's placeholders with a mentions list. */
export function toFeishuText(text: string, people: SandboxPerson[], botOpenId: string) {
  const mentions: { key: string; id: { open_id: string }; name: string }[] = [];
  const names = [BOT_NAME, ...people.map((p) => p.name)].sort((a, b) => b.length - a.length);
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`@(${escaped.join('|')})`, 'g');
  const converted = text.replace(pattern, (_all, name: string) => {
    const openId = name === BOT_NAME ? botOpenId : people.find((p) => p.name === name)!.openId;
    const key = `@_user_${mentions.length + 1}`;
    mentions.push({ key, id: { open_id: openId }, name });
    return key;
  });
  return { text: converted, mentions };
}

export function sandboxApiRouter(deps: SandboxApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  router.use(express.static(PAGE_DIR, { index: 'index.html' }));
  // Charts are drawn with VChart from the installed package: no CDN.
  router.get('/vendor/vchart.js', (_req, res) => res.sendFile(VCHART_BUNDLE));

  const person = async (openId: string) => (await sandboxPeople(deps.db)).find((p) => p.openId === openId);
  const bad = (res: Response, status: number, error: string) => res.status(status).json({ error });

  router.get('/sandbox/api/people', async (_req, res) => {
    res.json(await sandboxPeople(deps.db));
  });

  router.get('/sandbox/api/version', (_req, res) => {
    res.json({ version: deps.changes.version });
  });

  router.get('/sandbox/api/chats', async (req: Request, res: Response) => {
    const as = String(req.query.as ?? '');
    if (!(await person(as))) return bad(res, 404, '没有这个人');
    const chats = await chatsOf(deps.db, as);
    const list = await Promise.all(
      chats.map(async (chat) => {
        const messages = await messagesOf(deps.db, chat.chatId);
        const last = messages.at(-1);
        return {
          chatId: chat.chatId,
          name: chat.kind === 'p2p' ? BOT_NAME : chat.name,
          kind: chat.kind,
          lastAt: last ? last.updatedAt.toISOString() : null,
          unread: 0,
          urgent: messages.filter((m) => m.urgentFor.includes(as)).length,
        };
      }),
    );
    res.json(list);
  });

  router.get('/sandbox/api/messages', async (req: Request, res: Response) => {
    const as = String(req.query.as ?? '');
    const chat = await findChat(deps.db, String(req.query.chat ?? ''));
    if (!chat || !chat.members.includes(as)) return bad(res, 404, '没有这个会话');
    const people = new Map((await sandboxPeople(deps.db)).map((p) => [p.openId, p.name]));
    const messages = await messagesOf(deps.db, chat.chatId);
    const byId = new Map(messages.map((m) => [m.messageId, m]));
    res.json(
      messages.map((m) => {
        const content = m.content as Record<string, unknown>;
        const quoted = m.replyTo ? byId.get(m.replyTo) : undefined;
        return {
          messageId: m.messageId,
          sender: m.senderKind === 'bot' ? { kind: 'bot', name: BOT_NAME } : { kind: 'user', openId: m.senderOpenId, name: people.get(m.senderOpenId ?? '') ?? m.senderOpenId },
          msgType: m.msgType,
          text: m.msgType === 'text' ? String(content.text ?? '') : undefined,
          card: m.msgType === 'interactive' ? content : undefined,
          file: m.msgType === 'file' ? { name: String(content.file_name ?? '文件') } : undefined,
          replyTo: m.replyTo ?? undefined,
          replyToPreview: quoted ? (quoted.msgType === 'text' ? String((quoted.content as { text?: string }).text ?? '').slice(0, 60) : '[卡片]') : undefined,
          createdAt: m.createdAt.toISOString(),
          updatedAt: m.updatedAt.toISOString(),
          urgent: m.urgentFor.includes(as),
        };
      }),
    );
  });

  router.post('/sandbox/api/messages', json, async (req: Request, res: Response) => {
    const parsed = sendSchema.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, '消息格式不对');
    const { as, chatId, text } = parsed.data;
    const sender = await person(as);
    const chat = await findChat(deps.db, chatId);
    if (!sender || !chat || !chat.members.includes(as)) return bad(res, 404, '没有这个会话');
    const at = deps.clock.now();
    const stored = await insertMessage(deps.db, { chatId, senderKind: 'user', senderOpenId: as, msgType: 'text', content: { text }, createdAt: at, updatedAt: at });
    deps.changes.bump();
    const feishu = toFeishuText(text, await sandboxPeople(deps.db), deps.secrets.botOpenId);
    // In a group the bot hears only messages that @mention it.
    if (chat.kind === 'group' && !feishu.mentions.some((m) => m.id.open_id === deps.secrets.botOpenId)) {
      res.json({ ok: true, heard: false });
      return;
    }
    const event = envelope(
      'im.message.receive_v1',
      {
        sender: { sender_id: { open_id: as }, sender_type: 'user', tenant_key: 'sandbox' },
        message: {
          message_id: stored.messageId,
          chat_id: chatId,
          chat_type: chat.kind === 'p2p' ? 'p2p' : 'group',
          message_type: 'text',
          content: JSON.stringify({ text: feishu.text }),
          mentions: feishu.mentions,
          create_time: String(at.getTime()),
        },
      },
      deps.secrets,
      at,
    );
    const delivered = await postSignedEvent(deps.baseUrl(), '/webhook/event', event, deps.secrets, deps.clock);
    if (delivered.status !== 200) deps.log.warn({ status: delivered.status }, 'the bot refused a sandbox message');
    res.json({ ok: delivered.status === 200, heard: true });
  });

  router.post('/sandbox/api/click', json, async (req: Request, res: Response) => {
    const parsed = clickSchema.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, '点击格式不对');
    const { as, chatId, messageId, value, formValue, name } = parsed.data;
    const chat = await findChat(deps.db, chatId);
    const message = await findMessage(deps.db, messageId);
    if (!chat || !chat.members.includes(as) || !message || message.chatId !== chatId) return bad(res, 404, '没有这条消息');
    const token = `c-${randomBytes(16).toString('hex')}`;
    deps.clickTokens.set(token, messageId);
    const at = deps.clock.now();
    const event = envelope(
      'card.action.trigger',
      {
        operator: { open_id: as, tenant_key: 'sandbox' },
        token,
        action: { value, tag: 'button', ...(name ? { name } : {}), ...(formValue ? { form_value: formValue } : {}), timezone: deps.timezone },
        host: 'im_message',
        context: { open_message_id: messageId, open_chat_id: chatId },
      },
      deps.secrets,
      at,
    );
    const delivered = await postSignedEvent(deps.baseUrl(), '/webhook/card', event, deps.secrets, deps.clock);
    const answer = (delivered.body ?? {}) as { toast?: unknown; card?: { type?: string; data?: unknown } };
    // Lark shows the card a click answers with in place of the clicked one.
    if (answer.card?.type === 'raw' && validateCard(answer.card.data).ok) {
      await updateMessageContent(deps.db, messageId, answer.card.data, deps.clock.now());
      deps.changes.bump();
    }
    res.status(delivered.status === 200 ? 200 : 502).json({ toast: answer.toast, card: answer.card?.data });
  });

  router.get('/sandbox/api/clock', (_req, res) => {
    res.json({ now: deps.clock.now().toISOString(), offsetMs: deps.clock.offset, zone: deps.timezone });
  });

  router.post('/sandbox/api/clock', json, async (req: Request, res: Response) => {
    const parsed = clockSchema.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, '时间只能向前拨，且一次不超过一年');
    let advanceMs: number;
    if ('advanceMs' in parsed.data) advanceMs = parsed.data.advanceMs;
    else {
      const from = deps.clock.now();
      const target = parsed.data.to === 'next_due' ? await deps.nextDue(from) : deps.nextReport(from);
      if (!target) return res.json({ now: from.toISOString(), nothing: true });
      // One second past the due time, so what falls due at that instant runs.
      advanceMs = target.getTime() - from.getTime() + 1000;
    }
    const now = await deps.clock.advance(advanceMs);
    await deps.onClockMoved();
    deps.changes.bump();
    res.json({ now: now.toISOString() });
  });

  /**
   * 模拟监测推送: a sample alert pushed to the bot's own `POST /api/intake` with the demo monitoring
   * system's bearer token, exactly as an external system would. Answers with what the bot answered.
   */
  let pushes = 0;
  router.post('/sandbox/api/monitor-push', async (_req: Request, res: Response) => {
    const demo = deps.intakeDemo;
    if (!demo) return bad(res, 404, '沙盒没有配置模拟监测系统');
    const sample = SAMPLE_ALERTS[pushes % SAMPLE_ALERTS.length]!;
    pushes += 1;
    const now = deps.clock.now();
    const alert = {
      ...sample,
      keywords: [...sample.keywords],
      // A new article each time (sample + sandbox time), published 40 minutes ago by the sandbox clock.
      link: `https://example.com/monitor/${now.getTime()}-${pushes}.html`,
      publishedAt: new Date(now.getTime() - 40 * 60_000).toISOString(),
    };
    try {
      const pushed = await fetch(`${deps.baseUrl()}/api/intake`, {
        method: 'POST',
        headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(alert),
      });
      const body = (await pushed.json().catch(() => ({}))) as Record<string, unknown>;
      deps.changes.bump();
      res.json({ status: pushed.status, body, title: alert.title, source: demo.source });
    } catch (error) {
      deps.log.warn({ err: error }, 'the sandbox could not push a monitoring alert');
      bad(res, 502, '模拟监测推送失败：无法连接 /api/intake');
    }
  });

  return router;
}
