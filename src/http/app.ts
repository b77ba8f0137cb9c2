import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';

/** Something `/readyz` asks; later issues add the Lark connection. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface HttpDeps {
  log: Logger;
  readiness: ReadinessCheck[];
  /** Receivers (webhook routes, later the sandbox page). */
  routers?: Router[];
}

/**
 * How long `/readyz` waits for one check. A check that does not answer in time counts as not ready:
 * with the database down, postgres.js queues a query on a pooled connection that is waiting out its
 * reconnect backoff (up to 20 s, growing with every failed connect), so `select 1` neither succeeds
 * nor fails for that long and an unbounded probe would leave `/readyz` hanging instead of saying 503.
 */
const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createHttpApp({ log, readiness, routers = [] }: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  for (const router of routers) app.use(router);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      readiness.map(async (probe) => {
        try {
          return { name: probe.name, ...(await withTimeout(probe.check(), CHECK_TIMEOUT_MS)) };
        } catch (error) {
          return { name: probe.name, ok: false, detail: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((result) => result.ok);
    if (!ready) log.warn({ checks: results }, 'not ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return app;
}
