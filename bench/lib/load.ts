import http from 'node:http';
import type { SignedRequest } from './lark-events.js';

/**
 * An open-loop load generator: request i is due at start + i / rate whatever happened to the
 * earlier ones, over a fixed number of keep-alive connections. Latency is measured from the
 * moment a request was due (not when a socket became free), so queueing in front of a slow
 * server counts against it instead of hiding it (no coordinated omission).
 */

export interface LoadResult {
  /** Requests issued. */
  sent: number;
  /** Requests never issued: the server had fallen so far behind that they could only time out. */
  skipped: number;
  /** Requests that got no answer within the timeout (Lark's 3 s by default). */
  timeouts: number;
  /** 2xx answers. */
  ok: number;
  /** Non-2xx, timeouts and connection errors. */
  errors: number;
  statuses: Record<string, number>;
  /** Latency of every 2xx answer, ms, in send order. */
  latencies: number[];
  /** Latency by request index (NaN where it failed). */
  byIndex: number[];
  /** When each request was due, ms from the start (same order as the requests). */
  dueAt: number[];
  wallMs: number;
  /** performance.now() at the start (dueAt is relative to it). */
  startedAt: number;
  /** Answers per second over the run (first due → last answer). */
  achievedRate: number;
}

export interface LoadOptions {
  port: number;
  rate: number;
  requests: SignedRequest[];
  connections: number;
  /** Lark waits 3 s for an answer to an event or a card click, then gives up. */
  timeoutMs?: number;
  /** Stop issuing while more than this many are unanswered (default: rate × timeout). */
  maxOutstanding?: number;
  /** Sees each answer (e.g. to check a toast); return false to count it as an error. */
  check?: (index: number, status: number, body: string) => boolean;
}

export async function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const interval = 1000 / options.rate;
  const n = options.requests.length;
  const latencies: number[] = new Array(n).fill(Number.NaN);
  const dueAt: number[] = new Array(n);
  const statuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let timeouts = 0;
  let skipped = 0;
  let outstanding = 0;
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxOutstanding = options.maxOutstanding ?? Math.ceil(options.rate * (timeoutMs / 1000)) + options.connections;
  let lastAnswer = 0;
  let pending = n;
  const start = performance.now();

  const finished = new Promise<void>((resolve) => {
    const done = () => {
      outstanding -= 1;
      pending -= 1;
      if (pending === 0) resolve();
    };
    const fire = (i: number) => {
      const request = options.requests[i]!;
      const due = start + i * interval;
      dueAt[i] = due - start;
      if (outstanding >= maxOutstanding) {
        skipped += 1;
        pending -= 1;
        if (pending === 0) resolve();
        return;
      }
      outstanding += 1;
      let settled = false;
      const settle = (answered: boolean) => {
        if (settled) return false;
        settled = true;
        if (!answered) errors += 1;
        done();
        return true;
      };
      const req = http.request(
        { host: '127.0.0.1', port: options.port, method: 'POST', path: request.path, headers: { ...request.headers, 'content-length': String(request.body.length) }, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (settled) return;
            const now = performance.now();
            lastAnswer = Math.max(lastAnswer, now);
            const status = res.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            const accepted = status >= 200 && status < 300 && (options.check?.(i, status, Buffer.concat(chunks).toString('utf8')) ?? true);
            if (accepted) {
              ok += 1;
              latencies[i] = now - due;
            }
            settle(accepted);
          });
        },
      );
      // Lark's clock starts when it sends, not when a connection frees up: the limit counts from due.
      const timer = setTimeout(() => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      }, Math.max(1, due + timeoutMs - performance.now()));
      req.on('close', () => clearTimeout(timer));
      req.on('error', (error) => {
        if (settle(false)) statuses[error.message] = (statuses[error.message] ?? 0) + 1;
      });
      req.end(request.body);
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < n && start + next * interval <= now) fire(next++);
      if (next < n) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    if (n === 0) resolve();
    else tick();
  });
  await finished;
  agent.destroy();
  const wallMs = Math.max(lastAnswer, start + (n - 1) * interval) - start;
  return { sent: n - skipped, skipped, timeouts, ok, errors, statuses, latencies: latencies.filter((l) => !Number.isNaN(l)), byIndex: latencies, dueAt, wallMs, startedAt: start, achievedRate: ok / (wallMs / 1000) };
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1)!, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() returns a value that is not undefined, or throws after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}
