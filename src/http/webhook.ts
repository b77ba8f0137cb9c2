import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { insertSecurityEvent, type SecurityEvent } from '../db/queries/audit.js';
import { MalformedEventError, toInboundEvent, type InboundEvent } from '../lark/events.js';
import { decryptPayload, DecryptionError, sameSecret, verifySignedRequest } from '../lark/webhook-verification.js';
import type { CardResponse } from '../inbound/handle.js';

/**
 * `POST /webhook/event` and `POST /webhook/card`: our own verification on the raw bytes, then one
 * event for the app. Anything forged, stale, truncated, oversized or malformed is refused before a
 * handler runs, and only a security event is written.
 */

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  encryptKey: string;
  verificationToken?: string;
  maxAgeSeconds: number;
  handle(event: InboundEvent): Promise<CardResponse>;
}

export const WEBHOOK_BODY_LIMIT = 512 * 1024;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly kind: SecurityEvent['kind'],
    readonly reason: string,
  ) {
    super(reason);
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new Refusal(400, 'bad_request', `${what} is not a JSON object`);
}

export function webhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  const refuse = async (req: Request, res: Response, refusal: Refusal) => {
    deps.log.warn({ path: req.path, kind: refusal.kind, reason: refusal.reason, ip: req.ip }, 'webhook request refused');
    await insertSecurityEvent(deps.db, {
      at: deps.clock.now(),
      kind: refusal.kind,
      action: `webhook${req.path}`,
      reason: refusal.reason,
      detail: { ip: req.ip, length: Number(header(req, 'content-length') ?? 0) },
    }).catch((error: unknown) => deps.log.error({ err: error }, 'could not record a security event'));
    res.status(refusal.status).json({ error: refusal.kind });
  };

  /** Verified, decrypted body; throws a Refusal for anything we will not act on. */
  const open = (req: Request): Record<string, unknown> => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signed = {
      timestamp: header(req, 'x-lark-request-timestamp'),
      nonce: header(req, 'x-lark-request-nonce'),
      signature: header(req, 'x-lark-signature'),
      rawBody,
    };
    const hasSignature = Boolean(signed.timestamp || signed.nonce || signed.signature);
    if (hasSignature) {
      const verdict = verifySignedRequest(signed, deps.encryptKey, deps.clock.now().getTime(), deps.maxAgeSeconds);
      if (!verdict.ok) throw new Refusal(401, verdict.code === 'stale' ? 'stale_request' : 'bad_signature', verdict.reason);
    }
    const outer = parseJson(rawBody.toString('utf8'), 'body');
    if (typeof outer.encrypt !== 'string') throw new Refusal(400, 'bad_request', 'body is not encrypted (set the Encrypt Key in the developer console)');
    let body: Record<string, unknown>;
    try {
      body = parseJson(decryptPayload(outer.encrypt, deps.encryptKey), 'decrypted body');
    } catch (error) {
      if (error instanceof DecryptionError) throw new Refusal(400, 'bad_request', error.message);
      throw error;
    }
    // Lark's URL check may come unsigned; decrypting it already proves the sender has our key.
    if (!hasSignature && body.type !== 'url_verification') {
      throw new Refusal(401, 'bad_signature', 'X-Lark-Request-Timestamp, X-Lark-Request-Nonce and X-Lark-Signature are required');
    }
    const token = typeof body.token === 'string' ? body.token : (body.header as { token?: unknown } | undefined)?.token;
    if (deps.verificationToken && (typeof token !== 'string' || !sameSecret(token, deps.verificationToken))) {
      throw new Refusal(401, 'bad_token', 'verification token does not match');
    }
    return body;
  };

  const route = (kind: 'event' | 'card') => async (req: Request, res: Response) => {
    let event: InboundEvent;
    try {
      const body = open(req);
      if (body.type === 'url_verification') {
        res.json({ challenge: body.challenge });
        return;
      }
      try {
        event = toInboundEvent(body);
      } catch (error) {
        if (error instanceof MalformedEventError) throw new Refusal(400, 'bad_request', error.message);
        throw error;
      }
    } catch (error) {
      if (error instanceof Refusal) return refuse(req, res, error);
      throw error;
    }
    try {
      const response = await deps.handle(event);
      res.json(kind === 'card' ? response : {});
    } catch (error) {
      // Lark redelivers an event we did not answer 200; the dedupe key keeps that safe.
      deps.log.error({ err: error, eventId: event.eventId }, 'event handling failed');
      res.status(500).json({ error: 'internal' });
    }
  };

  router.post('/webhook/event', raw, route('event'));
  router.post('/webhook/card', raw, route('card'));
  // Too large, or a body the parser could not read: refused like any other bad request.
  router.use('/webhook', (error: { type?: string; status?: number; message?: string }, req: Request, res: Response, next: NextFunction) => {
    if (error?.type === 'entity.too.large') return void refuse(req, res, new Refusal(413, 'bad_request', `body over ${WEBHOOK_BODY_LIMIT} bytes`));
    if (error?.status && error.status < 500) return void refuse(req, res, new Refusal(400, 'bad_request', error.message ?? 'unreadable body'));
    next(error);
  });
  return router;
}
