import { z } from 'zod';

/**
 * What the receivers hand the app: one event object, whichever way it arrived (long connection,
 * webhook, sandbox). Lark's v2 envelopes are checked with zod and flattened here.
 */

export interface Mention {
  key: string;
  openId: string;
  name: string;
}

export type InboundEvent =
  | {
      type: 'message';
      eventId: string;
      messageId: string;
      chatId: string;
      chatType: 'p2p' | 'group';
      senderOpenId: string;
      senderType: string;
      messageType: string;
      /** The text of a text message; empty for other message types. */
      text: string;
      mentions: Mention[];
    }
  | {
      type: 'card_action';
      eventId: string;
      operatorOpenId: string;
      value: Record<string, unknown>;
      formValue?: Record<string, unknown>;
      messageId?: string;
      chatId?: string;
      /** For a delayed card update (valid 30 min, twice). */
      token?: string;
    }
  | { type: 'bot_added'; eventId: string; chatId: string; operatorOpenId?: string; chatName?: string }
  | { type: 'bot_removed'; eventId: string; chatId: string; operatorOpenId?: string }
  | { type: 'chat_disbanded'; eventId: string; chatId: string; operatorOpenId?: string }
  | { type: 'unsupported'; eventId: string; eventType: string };

const userId = z.object({ open_id: z.string().optional() }).passthrough();

const header = z.object({ event_id: z.string().min(1), event_type: z.string().min(1), token: z.string().optional() }).passthrough();

const messageEvent = z.object({
  sender: z.object({ sender_id: userId.optional(), sender_type: z.string().default('user') }).passthrough(),
  message: z
    .object({
      message_id: z.string().min(1),
      chat_id: z.string().min(1),
      chat_type: z.string(),
      message_type: z.string(),
      content: z.string(),
      mentions: z.array(z.object({ key: z.string(), id: userId, name: z.string().default('') }).passthrough()).optional(),
    })
    .passthrough(),
});

const cardActionEvent = z.object({
  operator: z.object({ open_id: z.string().min(1) }).passthrough(),
  token: z.string().optional(),
  action: z
    .object({
      value: z.record(z.string(), z.unknown()).optional(),
      form_value: z.record(z.string(), z.unknown()).optional(),
    })
    .passthrough(),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).passthrough().optional(),
});

const chatEvent = z.object({ chat_id: z.string().min(1), operator_id: userId.optional(), name: z.string().optional() }).passthrough();

export const envelopeSchema = z.object({ schema: z.literal('2.0'), header, event: z.record(z.string(), z.unknown()) }).passthrough();
export type Envelope = z.infer<typeof envelopeSchema>;

export class MalformedEventError extends Error {
  constructor(reason: string) {
    super(`malformed event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/**
 * Form fields without U+0000, which PostgreSQL text and jsonb cannot hold (a form text with one
 * made its action fail with the internal-error toast). Strings and lists of strings (multi-selects).
 */
function withoutNul(form: Record<string, unknown>): Record<string, unknown> {
  const clean = (value: unknown): unknown => (typeof value === 'string' ? value.replaceAll('\u0000', '') : Array.isArray(value) ? value.map(clean) : value);
  return Object.fromEntries(Object.entries(form).map(([name, value]) => [name, clean(value)]));
}

function textOf(messageType: string, content: string): string {
  if (messageType !== 'text') return '';
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    // PostgreSQL text and jsonb cannot hold U+0000: one in a message made its reply fail to queue,
    // the event answer 500 and Lark redeliver it forever (found by test/faults generated inputs).
    return typeof parsed.text === 'string' ? parsed.text.replaceAll('\u0000', '') : '';
  } catch {
    return '';
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedEventError(`${what}: ${result.error.issues.map((i) => `${i.path.map(String).join('.')} ${i.message}`).join('; ')}`);
  return result.data;
}

/** Flattens a v2 envelope (already decrypted) into an InboundEvent. */
export function toInboundEvent(body: unknown): InboundEvent {
  const envelope = parse(envelopeSchema, body, 'envelope');
  const eventId = envelope.header.event_id;
  const eventType = envelope.header.event_type;
  switch (eventType) {
    case 'im.message.receive_v1': {
      const { sender, message } = parse(messageEvent, envelope.event, eventType);
      return {
        type: 'message',
        eventId,
        messageId: message.message_id,
        chatId: message.chat_id,
        chatType: message.chat_type === 'p2p' ? 'p2p' : 'group',
        senderOpenId: sender.sender_id?.open_id ?? '',
        senderType: sender.sender_type,
        messageType: message.message_type,
        text: textOf(message.message_type, message.content),
        mentions: (message.mentions ?? []).map((m) => ({ key: m.key, openId: m.id.open_id ?? '', name: m.name })),
      };
    }
    case 'card.action.trigger': {
      const event = parse(cardActionEvent, envelope.event, eventType);
      return {
        type: 'card_action',
        eventId,
        operatorOpenId: event.operator.open_id,
        value: event.action.value ?? {},
        formValue: event.action.form_value && withoutNul(event.action.form_value),
        messageId: event.context?.open_message_id,
        chatId: event.context?.open_chat_id,
        token: event.token,
      };
    }
    case 'im.chat.member.bot.added_v1':
    case 'im.chat.member.bot.deleted_v1':
    case 'im.chat.disbanded_v1': {
      const event = parse(chatEvent, envelope.event, eventType);
      const type = eventType === 'im.chat.member.bot.added_v1' ? 'bot_added' : eventType === 'im.chat.disbanded_v1' ? 'chat_disbanded' : 'bot_removed';
      return { type, eventId, chatId: event.chat_id, operatorOpenId: event.operator_id?.open_id, ...(type === 'bot_added' ? { chatName: event.name } : {}) };
    }
    default:
      return { type: 'unsupported', eventId, eventType };
  }
}

/** The dedupe keys of an event: Lark may redeliver a message under a new event id. */
export function dedupeKeys(event: InboundEvent): { eventId: string; messageId?: string } {
  return event.type === 'message' ? { eventId: event.eventId, messageId: event.messageId } : { eventId: event.eventId };
}
