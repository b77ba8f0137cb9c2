import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildForStart, startNodeArgs } from '../../scripts/npm-start.js';

/** What a bench child (the app, the baseline, the sweeper) reports about itself. */
export interface ChildStats {
  cpu: NodeJS.CpuUsage;
  rss: number;
  heapUsed: number;
  /** node-schedule jobs in the process (the app's Scheduler makes one per schedule). */
  timers: number;
  /** Node Timeout handles alive in the process. */
  activeTimeouts: number;
}

export interface Child {
  port: number;
  /** startApp (or server set-up) duration inside the child, ms. */
  startMs: number;
  /** From the process start (module loading included) to listening, ms. */
  sinceProcessStartMs: number;
  /** From fork() to the ready message, ms, as the bench saw it. */
  spawnToReadyMs: number;
  pid: number;
  stats(): Promise<ChildStats>;
  /** Sends a command and waits for the answer with the same id. */
  request<T>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  /** SIGKILL, for a child with work queued that is not worth finishing. */
  kill(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let built = false;

/**
 * The children run compiled, as `npm start` runs the bot (`npm run build`, then node with the
 * start script's flags): under tsx a second V8 isolate (its loader thread) and the sources
 * compiled on load would be counted in the memory and start-up figures.
 */
function buildOnce(): void {
  if (built) return;
  buildForStart();
  built = true;
}

const live = new Set<ChildProcess>();
let closed = false;

/**
 * Kills whatever children are still running (after a failed measurement); `forGood` at the end of
 * the run or on a signal, after which no child may start.
 */
export function killChildren(forGood = false): void {
  closed ||= forGood;
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export async function startChild(name: 'app' | 'baseline' | 'sweeper', options: Record<string, unknown>, extraNodeArgs: string[] = []): Promise<Child> {
  if (closed) throw new Error('the bench is stopping');
  const timeoutMs = 120_000;
  buildOnce();
  const forkedAt = performance.now();
  const child = fork(path.join(root, 'dist', 'bench', 'processes', `${name}.js`), [], {
    execArgv: [...startNodeArgs().filter((arg) => arg.startsWith('--')), ...extraNodeArgs],
    env: { ...process.env, BENCH_CHILD_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  let nextId = 0;
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  child.on('message', (message: Record<string, unknown>) => {
    const id = message.id as number | undefined;
    if (id !== undefined && waiting.has(id)) {
      waiting.get(id)!(message);
      waiting.delete(id);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    live.delete(child);
    resolve(code);
  }));

  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} child did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.on('message', (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name} child failed to start: ${String(message.error)}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} child exited (${code}) before it was ready`));
    });
  });

  const request = <T>(message: Record<string, unknown>, timeout = 600_000) =>
    new Promise<T>((resolve, reject) => {
      const id = (nextId += 1);
      const timer = setTimeout(() => reject(new Error(`${name} child did not answer ${String(message.type)}`)), timeout);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.type === 'error') reject(new Error(`${name} child: ${String(answer.error)}`));
        else resolve(answer as T);
      });
      child.send({ ...message, id });
    });

  return {
    port: Number(ready.port),
    startMs: Number(ready.startMs),
    sinceProcessStartMs: Number(ready.sinceProcessStartMs),
    spawnToReadyMs: performance.now() - forkedAt,
    pid: child.pid!,
    stats: async () => (await request<{ stats: ChildStats }>({ type: 'stats' }, 10_000)).stats,
    request,
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** CPU ms between two stats snapshots. */
export function cpuMsBetween(before: ChildStats, after: ChildStats): number {
  return (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000;
}
