import { expect } from 'vitest';
import type { CardResponse } from '../../src/inbound/handle.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { validateCard } from '../../src/lark/card-schema.js';
import type { FakeLark, FakeMessage } from './fake-lark.js';
import { cardActionEvent, messageEvent } from './lark-webhook.js';
import { eventually, type TestApp } from './app.js';

/** Drives the app the way people do in Feishu: messages, button clicks, form submits. */
export function driver(harness: TestApp, lark: FakeLark) {
  let n = 0;
  const text = (m: FakeMessage) => (typeof m.content === 'object' && m.content && 'text' in m.content ? String((m.content as { text: string }).text) : JSON.stringify(m.content));
  return {
    text,
    async say(sender: string, message: string, chatId: string, chatType: 'p2p' | 'group' = 'group'): Promise<string> {
      n += 1;
      const messageId = `om_wf_${n}`;
      await harness.app.handle(toInboundEvent(messageEvent({ text: message, sender, messageId, chatId, chatType })));
      const reply = await eventually(() => {
        const found = lark.messages.find((m) => m.replyTo === messageId);
        if (!found) throw new Error(`no reply to ${message}`);
        return found;
      });
      return text(reply);
    },
    async click(operator: string, value: Record<string, unknown>, chatId: string, options: { formValue?: Record<string, unknown>; messageId?: string } = {}): Promise<CardResponse> {
      const event = cardActionEvent(operator, value);
      event.event.context.open_chat_id = chatId;
      event.event.context.open_message_id = options.messageId ?? `om_clicked_${(n += 1)}`;
      if (options.formValue) (event.event.action as Record<string, unknown>).form_value = options.formValue;
      const response = await harness.app.handle(toInboundEvent(event));
      if (response.card) expect(validateCard(response.card.data)).toMatchObject({ ok: true });
      return response;
    },
    /** The newest card message whose JSON contains `marker`, sent to or replied into a receiver. */
    async cardWith(marker: string, where: (m: FakeMessage) => boolean = () => true): Promise<FakeMessage> {
      return eventually(() => {
        const found = [...lark.messages].reverse().find((m) => m.msgType === 'interactive' && where(m) && JSON.stringify(m.content).includes(marker));
        if (!found) throw new Error(`no card with ${marker}`);
        expect(validateCard(found.content)).toMatchObject({ ok: true });
        return found;
      });
    },
    async messageWith(marker: string): Promise<FakeMessage> {
      return eventually(() => {
        const found = [...lark.messages].reverse().find((m) => JSON.stringify(m.content).includes(marker));
        if (!found) throw new Error(`no message with ${marker}`);
        return found;
      });
    },
  };
}

export type Driver = ReturnType<typeof driver>;

/** Every button's callback value in a card (the outbox keeps cards as jsonb, so key order is not kept). */
export function buttonValues(node: unknown): unknown[] {
  if (Array.isArray(node)) return node.flatMap(buttonValues);
  if (!node || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  const own = obj.tag === 'button' ? ((obj.behaviors as { value: unknown }[] | undefined) ?? []).map((b) => b.value) : [];
  return [...own, ...Object.values(obj).flatMap(buttonValues)];
}
