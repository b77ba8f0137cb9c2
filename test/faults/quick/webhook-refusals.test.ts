import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { signatureOf } from '../../../src/lark/webhook-verification.js';
import { ENCRYPT_KEY } from '../../helpers/app.js';
import { tableCounts } from '../../helpers/faults.js';
import { useRecorderHarness } from '../../helpers/harness.js';
import { cardActionEvent, messageEvent, signedWebhook, type SignedWebhook } from '../../helpers/lark-webhook.js';

/**
 * Forged, replayed, stale, truncated and oversized webhook requests (test/integration/webhook.test.ts
 * covers a changed byte, a wrong signature, an old timestamp, non-JSON, a padded oversized body,
 * missing headers, a wrong token and a non-event). Here, per kind, the variants it does not: each is
 * refused, and the row counts of every table show nothing written but one security event.
 */

const AT = new Date('2026-11-27T02:00:00Z');

describe('forged, replayed, stale, truncated and oversized webhook requests', () => {
  const { db, harness } = useRecorderHarness({ at: AT });

  /** Raw HTTP, so a body can be sent chunked (no content-length) or shorter than announced. */
  const send = (route: string, request: SignedWebhook, options: { chunked?: boolean; contentLength?: number } = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (options.chunked) headers['transfer-encoding'] = 'chunked';
      else headers['content-length'] = options.contentLength ?? request.body.length;
      const req = http.request(harness.url(route), { method: 'POST', headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (error) => (options.contentLength ? resolve({ status: 0, body: error.message }) : reject(error)));
      req.end(request.body);
    });

  const event = (text = '/yq whoami') => messageEvent({ text, sender: 'ou_health_liaison', chatType: 'p2p', chatId: 'oc_p2p_refusal' });
  const signed = (payload: unknown, key = ENCRYPT_KEY, atMs = AT.getTime()) => signedWebhook(payload, key, atMs);
  const resigned = (body: Buffer, like: SignedWebhook): SignedWebhook => {
    const { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce } = like.headers;
    return { body, headers: { ...like.headers, 'x-lark-signature': signatureOf(timestamp!, nonce!, ENCRYPT_KEY, body) } };
  };

  type Case = [kind: string, variant: string, route: string, build: () => Promise<{ status: number; body: string }>, status: number, securityKind: string];
  const cases: Case[] = [
    ['forged', 'signed and encrypted with another key', '/webhook/event', () => send('/webhook/event', signed(event(), 'attacker-key')), 401, 'bad_signature'],
    ['forged', 'our signature, body encrypted with another key', '/webhook/event', () => {
      const other = signed(event(), 'attacker-key');
      return send('/webhook/event', resigned(other.body, other));
    }, 400, 'bad_request'],
    ['forged', 'a card click with a signature in upper case hex of the wrong body', '/webhook/card', () => {
      const real = signed(cardActionEvent('ou_admin', { action: 'close', item: 1 }));
      const other = signed(cardActionEvent('ou_admin', { action: 'reopen', item: 1 }));
      return send('/webhook/card', { body: other.body, headers: { ...other.headers, 'x-lark-signature': real.headers['x-lark-signature']!.toUpperCase() } });
    }, 401, 'bad_signature'],
    ['replayed', 'the same bytes after the window', '/webhook/event', async () => {
      const original = signed(event());
      expect((await send('/webhook/event', original)).status).toBe(200);
      harness.clock.advance(3601_000);
      try {
        // Counted from here: the original's effects are not the replay's.
        return await measure(() => send('/webhook/event', original));
      } finally {
        harness.clock.set(AT);
      }
    }, 401, 'stale_request'],
    ['stale', 'an hour and a second old', '/webhook/event', () => send('/webhook/event', signed(event(), ENCRYPT_KEY, AT.getTime() - 3601_000)), 401, 'stale_request'],
    ['stale', 'an hour and a second in the future', '/webhook/event', () => send('/webhook/event', signed(event(), ENCRYPT_KEY, AT.getTime() + 3601_000)), 401, 'stale_request'],
    ['stale', 'a timestamp in milliseconds', '/webhook/event', () => {
      const request = signed(event());
      const timestamp = String(AT.getTime());
      return send('/webhook/event', { body: request.body, headers: { ...request.headers, 'x-lark-request-timestamp': timestamp, 'x-lark-signature': signatureOf(timestamp, request.headers['x-lark-request-nonce']!, ENCRYPT_KEY, request.body) } });
    }, 401, 'bad_signature'],
    ['truncated', 'cut in half, original signature', '/webhook/event', () => {
      const request = signed(event());
      return send('/webhook/event', { ...request, body: request.body.subarray(0, Math.floor(request.body.length / 2)) });
    }, 401, 'bad_signature'],
    ['truncated', 'cut in half and re-signed (not JSON)', '/webhook/event', () => {
      const request = signed(event());
      return send('/webhook/event', resigned(request.body.subarray(0, Math.floor(request.body.length / 2)), request));
    }, 400, 'bad_request'],
    ['truncated', 'ciphertext cut to whole blocks and re-signed (padding fails)', '/webhook/event', () => {
      const request = signed(event());
      const encrypted = Buffer.from((JSON.parse(request.body.toString()) as { encrypt: string }).encrypt, 'base64');
      const cut = encrypted.subarray(0, encrypted.length - 16 - (encrypted.length % 16 === 0 ? 0 : encrypted.length % 16));
      return send('/webhook/event', resigned(Buffer.from(JSON.stringify({ encrypt: cut.toString('base64') })), request));
    }, 400, 'bad_request'],
    ['truncated', 'an empty body with a signature', '/webhook/event', () => send('/webhook/event', resigned(Buffer.alloc(0), signed(event()))), 400, 'bad_request'],
    ['oversized', 'a real event padded to 513 KB and signed', '/webhook/event', () => {
      const request = signed(event(`/yq whoami ${'很'.repeat(180_000)}`));
      expect(request.body.length).toBeGreaterThan(512 * 1024);
      return send('/webhook/event', request);
    }, 413, 'bad_request'],
    ['oversized', 'chunked, with no content-length', '/webhook/card', () => send('/webhook/card', resigned(Buffer.from(JSON.stringify({ encrypt: 'A'.repeat(520 * 1024) })), signed(event())), { chunked: true }), 413, 'bad_request'],
  ];

  /** Row counts of every table before and after; returns the answer and the changed counts. */
  let lastChange: Record<string, number> = {};
  async function measure<T>(run: () => Promise<T>): Promise<T> {
    const before = await tableCounts(db.sql);
    const result = await run();
    const after = await tableCounts(db.sql);
    lastChange = Object.fromEntries(Object.keys(after).filter((table) => after[table] !== before[table]).map((table) => [table, after[table]! - (before[table] ?? 0)]));
    return result;
  }

  it.each(cases)('%s: %s', async (kind, _variant, _route, build, status, securityKind) => {
    const answer = kind === 'replayed' ? await build() : await measure(build);
    expect(answer.status).toBe(status);
    expect(lastChange).toEqual({ security_events: 1 });
    const [last] = await db.sql<{ kind: string; action: string }[]>`select kind, action from security_events order by id desc limit 1`;
    expect(last!.kind).toBe(securityKind);
  });

  it('replayed inside the window: answered, and nothing at all is written a second time', async () => {
    const original = signed(event('/yq help'));
    expect((await send('/webhook/event', original)).status).toBe(200);
    const answer = await measure(() => send('/webhook/event', original));
    expect(answer).toEqual({ status: 200, body: '{}' });
    expect(lastChange).toEqual({});
    const card = signed(cardActionEvent('ou_health_liaison', { action: 'show_item', item: 999_999 }));
    expect((await send('/webhook/card', card)).status).toBe(200);
    const cardAgain = await measure(() => send('/webhook/card', card));
    expect(JSON.parse(cardAgain.body)).toEqual({ toast: { type: 'info', content: '该操作已处理' } });
    expect(lastChange).toEqual({});
  });
});
