import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { IntakeToken } from '../config.js';
import type { Db } from '../db/client.js';
import { insertSecurityEvent, type SecurityEvent } from '../db/queries/audit.js';
import { normalizeUrl } from '../domain/links.js';
import type { Policy } from '../domain/policy.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { sameSecret } from '../lark/webhook-verification.js';
import { intakeAlert } from '../workflow/leads.js';

/**
 * `POST /api/intake` (R17, notice §3.1): alerts pushed by an external monitoring system. Each
 * system has its own bearer token (INTAKE_TOKENS). Checks, in order: token (401), content type
 * (415), size (413), JSON (400), body schema (400 with the field errors). A refused request writes
 * nothing but a security event. An accepted alert becomes a lead for the news office (or merges
 * into the earlier lead or item for the same article): 202 `{ lead, merged }`.
 */

export const INTAKE_BODY_LIMIT = 256 * 1024;
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const count = z.number().int('must be a whole number').nonnegative('must not be negative').max(1e12, 'is too large');

export const intakeBodySchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    link: z
      .string()
      .trim()
      .max(2000, 'must be at most 2000 characters')
      .refine((link) => /^https?:\/\//i.test(link) && normalizeUrl(link).ok, 'must be the http(s) link of the article'),
    source: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'),
    publishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-11-27T09:30:00+08:00' }),
    summary: z.string().max(5000, 'must be at most 5000 characters').optional(),
    spread: z.object({ views: count.optional(), reposts: count.optional(), comments: count.optional() }).strict().optional(),
    sentiment: z.enum(['negative', 'neutral', 'positive'], { error: 'must be negative, neutral or positive' }).optional(),
    keywords: z.array(z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters')).max(50, 'at most 50 keywords').default([]),
  })
  .strict();

export type IntakeBody = z.output<typeof intakeBodySchema>;

export interface IntakeDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  tokens: readonly IntakeToken[];
  org: { timezone: string; policy: Policy; calendar?: WorkingCalendar };
  /** Wakes the outbox sender after a commit that queued the lead card. */
  afterCommit?: () => void;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly kind: SecurityEvent['kind'],
    readonly reason: string,
    readonly body: Record<string, unknown> = { error: kind },
  ) {
    super(reason);
  }
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** The source whose token this is. Every token is compared, in constant time, whatever matches. */
export function sourceOfToken(tokens: readonly IntakeToken[], presented: string): string | undefined {
  let found: string | undefined;
  for (const { source, token } of tokens) {
    if (sameSecret(presented, token) && found === undefined) found = source;
  }
  return found;
}

export function intakeRouter(deps: IntakeDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: INTAKE_BODY_LIMIT });

  const refuse = async (req: Request, res: Response, refusal: Refusal) => {
    const source = res.locals.intakeSource as string | undefined;
    deps.log.warn({ path: req.path, kind: refusal.kind, reason: refusal.reason, ip: req.ip, source }, 'intake request refused');
    await insertSecurityEvent(deps.db, {
      at: deps.clock.now(),
      kind: refusal.kind,
      actor: source ? `monitor:${source}` : undefined,
      action: 'intake',
      reason: refusal.reason,
      detail: { ip: req.ip, length: Number(req.headers['content-length'] ?? 0), contentType: req.headers['content-type'] ?? null },
    }).catch((error: unknown) => deps.log.error({ err: error }, 'could not record a security event'));
    if (!res.headersSent) res.status(refusal.status).json(refusal.body);
  };

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
    const source = match ? sourceOfToken(deps.tokens, match[1]!) : undefined;
    if (!source) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="intake"');
      return void refuse(req, res, new Refusal(401, 'bad_token', match ? 'unknown intake token' : 'no bearer token'));
    }
    res.locals.intakeSource = source;
    next();
  };

  const jsonOnly = (req: Request, res: Response, next: NextFunction) => {
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      return void refuse(req, res, new Refusal(415, 'bad_request', `content type ${JSON.stringify(req.headers['content-type'] ?? '')} is not application/json`, { error: 'unsupported_media_type', expected: 'application/json' }));
    }
    next();
  };

  const accept = async (req: Request, res: Response) => {
    const source = res.locals.intakeSource as string;
    let body: IntakeBody;
    try {
      let json: unknown;
      try {
        json = JSON.parse((Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).toString('utf8'));
      } catch {
        throw new Refusal(400, 'bad_request', 'body is not JSON', { error: 'invalid_json' });
      }
      const parsed = intakeBodySchema.safeParse(json);
      const fields = parsed.success ? [] : parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
      if (parsed.success && new Date(parsed.data.publishedAt).getTime() - deps.clock.now().getTime() > FUTURE_TOLERANCE_MS) {
        fields.push({ field: 'publishedAt', message: 'is in the future' });
      }
      if (!parsed.success || fields.length > 0) {
        throw new Refusal(400, 'bad_request', `invalid body: ${fields.map((f) => `${f.field} ${f.message}`).join('; ').slice(0, 500)}`, { error: 'invalid_body', fields });
      }
      body = parsed.data;
    } catch (error) {
      if (error instanceof Refusal) return refuse(req, res, error);
      throw error;
    }
    try {
      const now = deps.clock.now();
      const outcome = await deps.db.transaction((tx) =>
        intakeAlert(
          tx,
          source,
          { ...body, publishedAt: new Date(body.publishedAt) },
          { tz: deps.org.timezone, policy: deps.org.policy, calendar: deps.org.calendar, now },
        ),
      );
      deps.afterCommit?.();
      deps.log.info({ source, lead: outcome.lead, merged: outcome.merged, item: outcome.item }, 'intake alert accepted');
      res.status(202).json(outcome);
    } catch (error) {
      deps.log.error({ err: error, source }, 'intake alert failed');
      res.status(500).json({ error: 'internal' });
    }
  };

  router.post('/api/intake', authenticate, jsonOnly, raw, (req, res) => void accept(req, res));
  router.all('/api/intake', (_req, res) => {
    res.setHeader('Allow', 'POST');
    res.status(405).json({ error: 'method_not_allowed' });
  });
  // Too large, or a body the parser could not read: refused like any other bad request.
  router.use('/api/intake', (error: { type?: string; status?: number; message?: string }, req: Request, res: Response, next: NextFunction) => {
    if (error?.type === 'entity.too.large') return void refuse(req, res, new Refusal(413, 'bad_request', `body over ${INTAKE_BODY_LIMIT} bytes`, { error: 'payload_too_large', limit: INTAKE_BODY_LIMIT }));
    if (error?.status && error.status < 500) return void refuse(req, res, new Refusal(400, 'bad_request', error.message ?? 'unreadable body', { error: 'unreadable_body' }));
    next(error);
  });
  return router;
}
