import { describe, expect, it } from 'vitest';
import { uuidFor } from '../../../src/lark/outbox-sender.js';
import { ENCRYPT_KEY } from '../../helpers/app.js';
import { seededRandom, shuffle, waitForOutbox } from '../../helpers/faults.js';
import { useRecorderHarness } from '../../helpers/harness.js';
import { cardActionEvent, chatEvent, messageEvent, signedWebhook } from '../../helpers/lark-webhook.js';

/**
 * Lark delivers at least once (DESIGN.md §8). Every event here is delivered five times, all
 * copies shuffled together and posted concurrently through the signed webhook: each must have
 * exactly one effect (one item, one acknowledgement, one reply, one card per chat), counted in
 * the database and as raw requests at a local Lark over HTTP.
 */

const AT = new Date('2026-11-27T02:00:00Z');
const COPIES = 5;
const REGISTRATIONS = 12;

describe('every event delivered five times, out of order', () => {
  const { db, lark, harness } = useRecorderHarness({ at: AT });
  const random = seededRandom(8);

  const post = async (route: string, payload: unknown) => {
    const signed = signedWebhook(payload, ENCRYPT_KEY, AT.getTime());
    const response = await fetch(harness.url(route), { method: 'POST', headers: signed.headers, body: signed.body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** Posts every delivery, `concurrency` at a time, in the given (shuffled) order. */
  async function deliver(deliveries: { route: string; payload: unknown; name: string }[], concurrency = 6) {
    const answers: { name: string; status: number; body: Record<string, unknown> }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < deliveries.length) {
          const delivery = deliveries[next]!;
          next += 1;
          answers.push({ name: delivery.name, ...(await post(delivery.route, delivery.payload)) });
        }
      }),
    );
    return answers;
  }

  it('registrations, commands, chat events and clicks: one effect each', async () => {
    // Phase 1: registrations from two people in private chats, other commands, and the bot added to a group.
    const registrations = Array.from({ length: REGISTRATIONS }, (_, i) => {
      const unit = i % 2 === 0 ? '卫健委' : '公安局';
      const sender = i % 3 === 0 ? 'ou_news_lead' : 'ou_news_staff';
      return messageEvent({ text: `/yq new 重投测试舆情${i}号：网帖反映某事\n部门: ${unit}`, sender, chatType: 'p2p', chatId: `oc_p2p_${sender}`, messageId: `om_reg_${i}`, eventId: `ev_reg_${i}` });
    });
    const commands = ['/yq whoami', '/yq help', '/yq roster 卫健委', '/yq nonsense'].map((text, i) =>
      messageEvent({ text, sender: 'ou_health_liaison', chatType: 'p2p', chatId: 'oc_p2p_liaison', messageId: `om_cmd_${i}`, eventId: `ev_cmd_${i}` }),
    );
    // The same message under a second event id (Lark does this too): the message id dedupes it.
    const sameMessage = messageEvent({ text: '/yq whoami', sender: 'ou_health_liaison', chatType: 'p2p', chatId: 'oc_p2p_liaison', messageId: 'om_cmd_0', eventId: 'ev_cmd_0_again' });
    const added = chatEvent('im.chat.member.bot.added_v1', 'oc_new_group', 'ou_admin');
    const phase1 = [...registrations, ...commands, sameMessage, added].flatMap((payload) =>
      Array.from({ length: COPIES }, () => ({ route: '/webhook/event', payload, name: payload.header.event_id })),
    );
    const answers1 = await deliver(shuffle(phase1, random));
    expect(answers1.filter((a) => a.status !== 200)).toEqual([]);
    expect(await waitForOutbox(db.sql, 30_000)).toBe(0);

    const items = await db.sql<{ id: number; ref: string; title: string; lead: string }[]>`
      select i.id::int as id, i.ref, i.title, u.unit_code as lead from items i
      join item_units u on u.item_id = i.id and u.role = 'lead' and u.active order by i.id`;
    expect(items).toHaveLength(REGISTRATIONS);
    expect(new Set(items.map((i) => i.title)).size).toBe(REGISTRATIONS);

    // Phase 2: every item acknowledged by its lead unit's liaison, each click delivered five times.
    const clicks = items.map((item) => {
      const liaison = item.lead === 'health' ? 'ou_health_liaison' : 'ou_police_liaison';
      const event = cardActionEvent(liaison, { action: 'acknowledge', item: item.id });
      event.event.context.open_chat_id = item.lead === 'health' ? 'oc_health' : 'oc_police';
      return event;
    });
    const phase2 = clicks.flatMap((payload) => Array.from({ length: COPIES }, () => ({ route: '/webhook/card', payload, name: payload.header.event_id })));
    const answers2 = await deliver(shuffle(phase2, random));
    expect(answers2.filter((a) => a.status !== 200)).toEqual([]);
    // Exactly one copy of each click did the work; the other four were told it was done already.
    for (const click of clicks) {
      const mine = answers2.filter((a) => a.name === click.header.event_id);
      expect(mine.filter((a) => (a.body.toast as { type?: string } | undefined)?.type === 'success')).toHaveLength(1);
      expect(mine.filter((a) => (a.body.toast as { content?: string } | undefined)?.content === '该操作已处理')).toHaveLength(COPIES - 1);
    }
    expect(await waitForOutbox(db.sql, 30_000)).toBe(0);

    // The database: one dedupe row per event, one registration and one acknowledgement per item.
    const [inbound] = await db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events`;
    expect(inbound!.n).toBe(registrations.length + commands.length + 1 + clicks.length);
    const audit = await db.sql<{ action: string; item_id: number; n: number }[]>`
      select action, item_id::int, count(*)::int as n from audit_log where action in ('item.registered', 'item.acknowledged') and item_id is not null group by 1, 2`;
    for (const item of items) {
      expect(audit.filter((row) => row.item_id === item.id).map((row) => [row.action, row.n]).sort()).toEqual([['item.acknowledged', 1], ['item.registered', 1]]);
    }
    const [dead] = await db.sql<{ n: number }[]>`select count(*)::int as n from outbox where dead_at is not null`;
    expect(dead!.n).toBe(0);

    // Lark: every message the bot sent was asked for once (raw requests by uuid, before dedupe)…
    const okByUuid = lark.okByUuid();
    expect([...okByUuid.values()].filter((requests) => requests.length > 1).map((requests) => requests[0]!.uuid)).toEqual([]);
    expect(lark.requests.filter((request) => request.outcome === 'ok' && /\/messages(\/[^/]+\/reply)?$/.test(request.path) && !request.uuid)).toEqual([]);
    // …each registration and each command got exactly one reply…
    for (const event of [...registrations, ...commands]) {
      const replies = lark.requests.filter((request) => request.path === `/open-apis/im/v1/messages/${event.event.message.message_id}/reply`);
      expect(replies, event.event.message.message_id).toHaveLength(1);
      expect(replies[0]!.uuid).toBe(uuidFor(`reply:${event.event.message.message_id}:1`, 'reply'));
    }
    // …each item's card went once to its lead unit's group, and the new group got one welcome card.
    for (const item of items) {
      const chat = item.lead === 'health' ? 'chat_id:oc_health' : 'chat_id:oc_police';
      expect(lark.messages.filter((m) => m.to === chat && JSON.stringify(m.content).includes(item.ref)), item.ref).toHaveLength(1);
    }
    expect(lark.messages.filter((m) => m.to === 'chat_id:oc_new_group')).toHaveLength(1);
    // Raw sends and replies = distinct messages: no request was a double absorbed by the uuid.
    const sends = lark.requests.filter((request) => request.method === 'POST' && /\/messages(\/[^/]+\/reply)?$/.test(request.path));
    expect(sends).toHaveLength(lark.messages.length);
  });
});
