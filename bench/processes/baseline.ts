/**
 * The baseline: the irreducible work of a click. The same express, the same body limit, our own
 * verification and decryption (verifySignedRequest, decryptPayload, sameSecret), then one INSERT
 * in one transaction through the same drizzle/postgres.js client, then `{}`.
 */
import { createServer } from 'node:http';
import express from 'express';
import { connectDatabase } from '../../src/db/client.js';
import { inboundEvents } from '../../src/db/schema/index.js';
import { WEBHOOK_BODY_LIMIT } from '../../src/http/webhook.js';
import { decryptPayload, sameSecret, verifySignedRequest } from '../../src/lark/webhook-verification.js';
import { BENCH_SECRETS } from '../lib/lark-events.js';
import type { ChildStats } from '../lib/children.js';

const { databaseUrl } = JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as { databaseUrl: string };
const send = (message: unknown) => process.send?.(message);
const started = performance.now();
const database = connectDatabase(databaseUrl);

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', 'loopback');
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

app.post('/webhook/card', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const verdict = verifySignedRequest(
    { timestamp: one(req.headers['x-lark-request-timestamp']), nonce: one(req.headers['x-lark-request-nonce']), signature: one(req.headers['x-lark-signature']), rawBody },
    BENCH_SECRETS.encryptKey,
    new Date().getTime(),
    3600,
  );
  if (!verdict.ok) return void res.status(401).json({ error: verdict.code });
  let body: { header?: { event_id?: string; event_type?: string; token?: string } };
  try {
    body = JSON.parse(decryptPayload((JSON.parse(rawBody.toString('utf8')) as { encrypt: string }).encrypt, BENCH_SECRETS.encryptKey)) as typeof body;
  } catch {
    return void res.status(400).json({ error: 'bad_request' });
  }
  if (!sameSecret(String(body.header?.token), BENCH_SECRETS.verificationToken)) return void res.status(401).json({ error: 'bad_token' });
  try {
    await database.db.transaction(async (tx) => {
      await tx.insert(inboundEvents).values({ eventId: String(body.header?.event_id), eventType: String(body.header?.event_type), receivedAt: new Date() });
    });
    res.json({});
  } catch {
    res.status(500).json({ error: 'internal' });
  }
});

function stats(): ChildStats {
  const memory = process.memoryUsage();
  return { cpu: process.cpuUsage(), rss: memory.rss, heapUsed: memory.heapUsed, timers: 0, activeTimeouts: 0 };
}

const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, startMs: performance.now() - started, sinceProcessStartMs: performance.now(), stats: stats() });
});
process.on('message', (message: { type: string; id?: number }) => {
  if (message.type === 'stats') send({ type: 'stats', id: message.id, stats: stats() });
  if (message.type === 'stop') {
    server.close();
    server.closeAllConnections();
    void database.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
