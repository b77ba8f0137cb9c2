import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { encryptPayload, signatureOf } from '../lark/webhook-verification.js';
import type { SandboxSecrets } from './state.js';

/**
 * Sends an event to the bot the way Lark does: a v2 envelope, encrypted, signed, POSTed to the
 * webhook route. The sandbox exercises the same verification path as production.
 */
export async function postSignedEvent(baseUrl: string, route: '/webhook/event' | '/webhook/card', envelope: unknown, secrets: SandboxSecrets, clock: Clock): Promise<{ status: number; body: unknown }> {
  const body = Buffer.from(JSON.stringify({ encrypt: encryptPayload(JSON.stringify(envelope), secrets.encryptKey) }));
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signatureOf(timestamp, nonce, secrets.encryptKey, body),
    },
    body,
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

export function envelope(eventType: string, event: Record<string, unknown>, secrets: SandboxSecrets, at: Date): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: randomBytes(16).toString('hex'),
      token: secrets.verificationToken,
      create_time: String(at.getTime()),
      event_type: eventType,
      tenant_key: 'sandbox',
      app_id: secrets.appId,
    },
    event,
  };
}
