import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { manualClock } from '../../src/clock.js';
import type { AppConfig } from '../../src/config.js';
import type { InboundEvent } from '../../src/lark/events.js';
import { LongConnectionReceiver } from '../../src/lark/ws-receiver.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/app.js';
import { cardActionEvent, chatEvent, messageEvent } from '../helpers/lark-webhook.js';
import { silentLog, TEST_ORG_YAML } from '../helpers/org.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

describe('long connection receiver', () => {
  it('turns each event the SDK hands over (flattened) into one app event and answers clicks with the handler result', async () => {
    const seen: InboundEvent[] = [];
    const receiver = new LongConnectionReceiver({
      credentials: { appId: 'cli_a1b2c3d4e5f60718', appSecret: 's', domain: 'http://unused.test', webhookMaxAgeSeconds: 3600 },
      log: silentLog,
      handle: async (event) => {
        seen.push(event);
        return event.type === 'card_action' ? { toast: { type: 'success', content: '已认领' } } : {};
      },
    });
    const message = messageEvent({ text: '/yq help', sender: 'ou_a', messageId: 'om_ws_1', eventId: 'ev_ws_1', chatId: 'oc_ws' });
    expect(await receiver.dispatcher.invoke(message, { needCheck: false })).toBeUndefined();
    const click = cardActionEvent('ou_b', { action: 'ack', item: 7 });
    expect(await receiver.dispatcher.invoke(click, { needCheck: false })).toEqual({ toast: { type: 'success', content: '已认领' } });
    await receiver.dispatcher.invoke(chatEvent('im.chat.member.bot.deleted_v1', 'oc_gone', 'ou_c'), { needCheck: false });

    expect(seen).toEqual([
      { type: 'message', eventId: 'ev_ws_1', messageId: 'om_ws_1', chatId: 'oc_ws', chatType: 'group', senderOpenId: 'ou_a', senderType: 'user', messageType: 'text', text: '@_user_1 /yq help', mentions: [{ key: '@_user_1', openId: 'ou_bot', name: '舆情助手' }] },
      // The click's own token (for the delayed update) survives the flattening.
      { type: 'card_action', eventId: click.header.event_id, operatorOpenId: 'ou_b', value: { action: 'ack', item: 7 }, formValue: undefined, messageId: 'om_card', chatId: 'oc_health', token: 'c-update-token' },
      { type: 'bot_removed', eventId: expect.any(String), chatId: 'oc_gone', operatorOpenId: 'ou_c' },
    ]);
  });

  it('a handler error propagates, so the SDK acks 500 and Lark delivers again', async () => {
    const receiver = new LongConnectionReceiver({
      credentials: { appId: 'cli_a1b2c3d4e5f60718', appSecret: 's', domain: 'http://unused.test', webhookMaxAgeSeconds: 3600 },
      log: silentLog,
      handle: async () => {
        throw new Error('database down');
      },
    });
    await expect(receiver.dispatcher.invoke(messageEvent({ text: 'x', sender: 'ou_a' }), { needCheck: false })).rejects.toThrow('database down');
  });

  describe('when the connection cannot be opened', () => {
    let db: TestDatabase;
    let dir: string;
    beforeAll(async () => {
      nock.disableNetConnect();
      nock.enableNetConnect('127.0.0.1');
      db = await createTestDatabase();
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-ws-'));
      await fs.writeFile(path.join(dir, 'org.yaml'), TEST_ORG_YAML);
    });
    afterAll(async () => {
      nock.cleanAll();
      nock.enableNetConnect();
      await db.drop();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('keeps running, retries, and /readyz says why', async () => {
      const domain = 'http://ws-refused.test';
      let attempts = 0;
      nock(domain)
        .persist()
        .post('/callback/ws/endpoint')
        .reply(() => {
          attempts += 1;
          return [200, { code: 514, msg: 'auth failed: app secret invalid', data: {} }];
        });
      const config: AppConfig = {
        mode: 'ws',
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        dataDir: dir,
        databaseUrl: db.url,
        orgFile: path.join(dir, 'org.yaml'),
        lark: { appId: 'cli_a1b2c3d4e5f60718', appSecret: 'wrong', domain, webhookMaxAgeSeconds: 3600 },
      };
      // Retry quickly in the test; production backs off from 15 s to 5 min.
      const app = await startApp(config, { clock: manualClock(new Date('2026-11-27T02:00:00Z')), log: silentLog, longConnectionRetryMs: () => 50 });
      try {
        await eventually(() => expect(attempts).toBeGreaterThanOrEqual(3));
        const response = await fetch(`http://127.0.0.1:${app.port}/readyz`);
        expect(response.status).toBe(503);
        const body = (await response.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
        expect(body.checks).toContainEqual({ name: 'database', ok: true });
        const lark = body.checks.find((check) => check.name === 'lark');
        expect(lark?.ok).toBe(false);
        expect(lark?.detail).toContain('514');
        expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });
});
