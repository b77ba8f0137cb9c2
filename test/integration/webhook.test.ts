import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inboundEvents, outbox, securityEvents } from '../../src/db/schema/index.js';
import { signatureOf } from '../../src/lark/webhook-verification.js';
import { cardActionEvent, messageEvent, signedWebhook } from '../helpers/lark-webhook.js';
import { ENCRYPT_KEY, eventually } from '../helpers/app.js';
import { rowCount } from '../helpers/db.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe('webhook receiver', () => {
  const { db, lark, harness } = useAppHarness({ at: AT });

  const post = (route: string, signed: { headers: Record<string, string>; body: Buffer }) =>
    fetch(harness.url(route), { method: 'POST', headers: signed.headers, body: signed.body });
  const count = (table: typeof inboundEvents | typeof outbox | typeof securityEvents) => rowCount(db.db, table);

  it('answers the URL check', async () => {
    const response = await post('/webhook/event', signedWebhook({ challenge: 'ch-123', token: 'vtoken', type: 'url_verification' }, ENCRYPT_KEY, AT.getTime()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'ch-123' });
  });

  it('a signed, encrypted /yq help reaches the command and produces a reply through the SDK', async () => {
    const event = messageEvent({ text: '/yq help', sender: 'ou_health_liaison', chatId: 'oc_health', messageId: 'om_help_1' });
    const response = await post('/webhook/event', signedWebhook(event, ENCRYPT_KEY, AT.getTime()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const reply = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === 'om_help_1');
      if (!found) throw new Error('no reply yet');
      return found;
    });
    expect(reply.msgType).toBe('text');
    expect((reply.content as { text: string }).text).toMatch(/^舆情助手可用命令：/);
  });

  it('accepts a body whose bytes JSON.stringify would not reproduce, when the signature is right', async () => {
    const event = messageEvent({ text: '/舆情 我是谁', sender: 'ou_health_liaison', chatType: 'p2p', chatId: 'oc_p2p_1', messageId: 'om_odd_1' });
    // Escaped unicode and extra spaces: same JSON, different bytes from a re-serialisation.
    const rawPlain = JSON.stringify(event, null, 3).replace(/我是谁/, '\\u6211\\u662f\\u8c01');
    const response = await post('/webhook/event', signedWebhook(undefined, ENCRYPT_KEY, AT.getTime(), { rawPlain }));
    expect(response.status).toBe(200);
    const reply = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === 'om_odd_1');
      if (!found) throw new Error('no reply yet');
      return found;
    });
    expect((reply.content as { text: string }).text).toContain('您是 刘芳（ou_health_liaison）');
  });

  describe('refuses, writing nothing but a security event', () => {
    const good = () => signedWebhook(messageEvent({ text: '/yq help', sender: 'ou_health_liaison' }), ENCRYPT_KEY, AT.getTime());
    const cases: [string, () => { headers: Record<string, string>; body: Buffer }, number, string][] = [
      ['one changed byte', () => {
        const s = good();
        const body = Buffer.from(s.body);
        body[20] = body[20] === 65 ? 66 : 65;
        return { ...s, body };
      }, 401, 'bad_signature'],
      ['a wrong signature', () => {
        const s = good();
        return { ...s, headers: { ...s.headers, 'x-lark-signature': 'a'.repeat(64) } };
      }, 401, 'bad_signature'],
      ['an old timestamp', () => signedWebhook(messageEvent({ text: '/yq help', sender: 'ou_x' }), ENCRYPT_KEY, AT.getTime() - 2 * 3600_000), 401, 'stale_request'],
      ['a non-JSON body', () => {
        const s = good();
        const body = Buffer.from('not json at all');
        return signedRaw(body, s.headers);
      }, 400, 'bad_request'],
      ['an oversized body', () => signedRaw(Buffer.from(JSON.stringify({ encrypt: 'A'.repeat(600 * 1024) })), good().headers), 413, 'bad_request'],
      ['a missing signature header', () => {
        const s = good();
        const headers = { ...s.headers };
        delete headers['x-lark-signature'];
        delete headers['x-lark-request-nonce'];
        delete headers['x-lark-request-timestamp'];
        return { ...s, headers };
      }, 401, 'bad_signature'],
      ['a wrong verification token', () => signedWebhook(messageEvent({ text: '/yq help', sender: 'ou_x', token: 'other' }), ENCRYPT_KEY, AT.getTime()), 401, 'bad_token'],
      ['an event that is not an event', () => signedWebhook({ schema: '2.0', header: { token: 'vtoken' }, event: {} }, ENCRYPT_KEY, AT.getTime()), 400, 'bad_request'],
    ];

    function signedRaw(body: Buffer, headers: Record<string, string>) {
      // Re-sign the given bytes so only the property under test is wrong.
      return { body, headers: { ...headers, 'x-lark-signature': signatureOf(headers['x-lark-request-timestamp']!, headers['x-lark-request-nonce']!, ENCRYPT_KEY, body) } };
    }

    it.each(cases)('%s', async (_name, build, status, kind) => {
      const before = { inbound: await count(inboundEvents), outbox: await count(outbox), security: await count(securityEvents) };
      const response = await post('/webhook/event', build());
      expect(response.status).toBe(status);
      expect(await count(inboundEvents)).toBe(before.inbound);
      expect(await count(outbox)).toBe(before.outbox);
      expect(await count(securityEvents)).toBe(before.security + 1);
      const [last] = await db.db.select().from(securityEvents).orderBy(sql`id desc`).limit(1);
      expect(last!.kind).toBe(kind);
    });
  });

  it('the same event five times, and the same message under two event ids, have one effect', async () => {
    const event = messageEvent({ text: '/yq whoami', sender: 'ou_news_staff', chatType: 'p2p', chatId: 'oc_p2p_2', messageId: 'om_dup_1', eventId: 'ev_dup_1' });
    for (let i = 0; i < 5; i += 1) {
      expect((await post('/webhook/event', signedWebhook(event, ENCRYPT_KEY, AT.getTime()))).status).toBe(200);
    }
    const again = messageEvent({ text: '/yq whoami', sender: 'ou_news_staff', chatType: 'p2p', chatId: 'oc_p2p_2', messageId: 'om_dup_1', eventId: 'ev_dup_2' });
    expect((await post('/webhook/event', signedWebhook(again, ENCRYPT_KEY, AT.getTime()))).status).toBe(200);
    await eventually(() => {
      if (!lark.messages.some((m) => m.replyTo === 'om_dup_1')) throw new Error('no reply yet');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lark.messages.filter((m) => m.replyTo === 'om_dup_1')).toHaveLength(1);
    expect(await db.db.select().from(inboundEvents).where(sql`message_id = 'om_dup_1'`)).toHaveLength(1);
  });

  it('answers a card click on /webhook/card with a toast', async () => {
    const response = await post('/webhook/card', signedWebhook(cardActionEvent('ou_health_liaison', { action: 'nothing' }), ENCRYPT_KEY, AT.getTime()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ toast: { type: 'warning', content: '这个卡片按钮已失效，请在最新的卡片上操作。' } });
    const [refusal] = await db.db.select().from(securityEvents).orderBy(sql`id desc`).limit(1);
    expect(refusal).toMatchObject({ kind: 'bad_payload', actor: 'ou_health_liaison', action: 'nothing', reason: 'action: unknown' });
  });
});
