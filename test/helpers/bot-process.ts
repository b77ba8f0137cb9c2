import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startNodeArgs } from '../../scripts/npm-start.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface BotProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the port once the start-up banner is printed, or rejects with the output. */
  ready: Promise<number>;
  exited: Promise<number | null>;
}

/**
 * Runs the bot the way `npm start` does, on the build the run's global setup made
 * (test/setup/build.ts), with only the variables given (no inherited settings). node is started
 * directly, not through npm, so a signal sent to the child reaches the bot itself.
 */
export function startBotProcess(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, startNodeArgs(), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot not ready in 60 s\n${out}\n${err}`)), 60_000);
    const check = () => {
      const match = /http:\s+http:\/\/[^:]+:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited (${code}) before it was ready\n${out}\n${err}`));
    });
  });
  ready.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, ready, exited };
}

/** The JSON log lines the bot printed with a given message. */
export function logLines(output: string, msg: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}
