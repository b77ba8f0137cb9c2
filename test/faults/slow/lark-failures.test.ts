import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { enqueueOutbox } from '../../../src/db/queries/outbox.js';
import { createLarkClient } from '../../../src/lark/client.js';
import { createLarkGateway } from '../../../src/lark/gateway.js';
import { OutboxSender, uuidFor } from '../../../src/lark/outbox-sender.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { faultOrg, seededRandom, sleep, waitForOutbox } from '../../helpers/faults.js';
import { startLarkRecorder, type FaultKind, type LarkRecorder } from '../../helpers/lark-recorder.js';
import { seedOrganisation, silentLog } from '../../helpers/org.js';

/**
 * Lark failing 30% of calls for a minute: 500s, 429s with x-ogw-ratelimit-reset, hung requests
 * (the client times out), connections dropped before the work, and dropped after it (the answer
 * is lost, so the retry must be absorbed by the uuid). Two senders share the outbox, as two
 * replicas would. Everything must arrive, in order per chat, with no request answered twice.
 *
 * Compressed through the existing injection points: the senders' business clock runs 6× real time
 * (backoffs, reset headers and the claim lease are measured on it), and the SDK's HTTP instance has
 * its per-request timeout capped at 1 s (the gateway asks for 10 s), so a hang costs a second.
 */

const T0 = new Date('2026-11-27T02:00:00Z');
const SPEED = 6;
/** A minute of the senders' clock. */
const FAULT_WINDOW_MS = 60_000 / SPEED;
const FAULT_RATE = 0.3;
const CHATS = 12;
const PER_CHAT = 30;
const KINDS: FaultKind[] = ['http500', 'http429', 'hang', 'drop', 'dropAfterWork'];

describe('Lark failing 30% of calls for a minute', () => {
  let db: TestDatabase;
  let recorder: LarkRecorder;
  let interceptor: number;
  const org = faultOrg(CHATS, 1);

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedOrganisation(db.db, T0, org.yaml);
    recorder = await startLarkRecorder({ rateLimitResetSeconds: 2 });
    interceptor = lark.defaultHttpInstance.interceptors.request.use((config) => {
      config.timeout = Math.min(config.timeout || 1000, 1000);
      return config;
    });
  });
  afterAll(async () => {
    lark.defaultHttpInstance.interceptors.request.eject(interceptor);
    await recorder?.close();
    await db?.drop();
  });

  it('delivers everything, in order per chat, each message once', async () => {
    const started = performance.now();
    const clock: Clock = { now: () => new Date(T0.getTime() + (performance.now() - started) * SPEED) };
    const random = seededRandom(30);
    let faultsOn = true;
    // 30% of calls fail, the kinds taken in turn so each is hit several times whatever the number
    // of calls the senders' pacing lets into the window.
    let faults = 0;
    recorder.setFault(() => (faultsOn && random() < FAULT_RATE ? KINDS[faults++ % KINDS.length] : undefined));

    const calls = [0, 0];
    const senders = [0, 1].map((n) => {
      const gateway = createLarkGateway(createLarkClient({ appId: 'cli_faultfaultfault01', appSecret: 'secret', domain: recorder.url }, silentLog));
      const counted = { ...gateway, send: (...args: Parameters<typeof gateway.send>) => ((calls[n]! += 1), gateway.send(...args)) };
      return new OutboxSender({ db: db.db, gateway: counted, clock, log: silentLog, idleMs: 100 });
    });
    senders.forEach((sender) => sender.start());

    // Messages to each unit's group, queued in waves while Lark is failing, plus a reply to each
    // group's first message (it queues behind the send that makes that message).
    const key = (chat: number, n: number) => `fault:${chat}:${n}`;
    try {
      for (let wave = 0; wave < 3; wave += 1) {
        for (let chat = 0; chat < CHATS; chat += 1) {
          for (let n = wave * (PER_CHAT / 3); n < (wave + 1) * (PER_CHAT / 3); n += 1) {
            await enqueueOutbox(db.db, key(chat, n), { kind: 'send', target: { unit: org.units[chat]!.code }, message: { msgType: 'text', text: `群${chat} 第${n}条` } }, clock.now());
            if (n === 0) {
              const receiver = `chat:${org.units[chat]!.chatId}`;
              await enqueueOutbox(db.db, `fault-reply:${chat}`, { kind: 'reply', to: { sendKey: key(chat, 0), receiver }, lane: receiver, message: { msgType: 'text', text: `群${chat} 回复` } }, clock.now());
            }
          }
        }
        await sleep(FAULT_WINDOW_MS / 4);
      }
      while (performance.now() - started < FAULT_WINDOW_MS) await sleep(100);
      faultsOn = false;
      expect(await waitForOutbox(db.sql, 90_000)).toBe(0);
    } finally {
      await Promise.all(senders.map((sender) => sender.stop()));
    }

    // Every kind of fault did happen, on about 30% of the calls made while they were on.
    const faulted = recorder.requests.filter((request) => request.outcome !== 'ok');
    for (const kind of KINDS) expect(faulted.filter((request) => request.outcome === kind).length, kind).toBeGreaterThan(3);

    // Nothing dead-lettered, and both senders did part of the work.
    const rows = await db.sql<{ key: string; kind: string; result: { delivered?: Record<string, string> } }[]>`select key, kind, result from outbox where sent_at is not null`;
    expect(rows).toHaveLength(CHATS * (PER_CHAT + 1));
    expect(calls.every((n) => n > 0), `sends per sender: ${calls.join(', ')}`).toBe(true);

    // Each message exactly once: one 200 per uuid (a retry after a lost answer got the same
    // message back), and Lark made exactly the messages queued.
    const okByUuid = recorder.okByUuid();
    expect([...okByUuid.values()].filter((requests) => requests.length !== 1).map((requests) => requests[0]!.uuid)).toEqual([]);
    expect(recorder.messages).toHaveLength(CHATS * (PER_CHAT + 1));
    const lostAnswers = recorder.requests.filter((request) => request.outcome === 'dropAfterWork' && request.uuid);
    for (const request of lostAnswers) expect(okByUuid.get(request.uuid!), 'a lost answer was retried with the same uuid').toHaveLength(1);

    // In order per chat: Lark made each group's messages in the order they were queued, and the
    // reply came after the message it answers.
    for (let chat = 0; chat < CHATS; chat += 1) {
      const chatId = org.units[chat]!.chatId;
      const sent = recorder.messages.filter((m) => m.to === `chat_id:${chatId}`).map((m) => (m.content as { text: string }).text);
      expect(sent, chatId).toEqual(Array.from({ length: PER_CHAT }, (_, n) => `群${chat} 第${n}条`));
      const first = recorder.messages.find((m) => m.uuid === uuidFor(key(chat, 0), `chat:${chatId}`))!;
      const reply = recorder.messages.filter((m) => m.to === `reply:${first.messageId}`);
      expect(reply.map((m) => (m.content as { text: string }).text)).toEqual([`群${chat} 回复`]);
      expect(reply[0]!.seq).toBeGreaterThan(first.seq);
    }
  });
});
