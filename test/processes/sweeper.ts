/**
 * A reminder sweeper in a process of its own, for tests that run two against one database:
 * `node --import tsx test/processes/sweeper.ts` with DATABASE_URL, TZ_NAME, POLICY (the policy as
 * JSON) and BATCH_SIZE in the environment. Commands come as JSON lines on stdin, answers go as JSON
 * lines on stdout:
 *   {"id":1,"sweep":"2026-11-27T02:00:00Z"}             → {"id":1,"sent":3,"messages":2}
 *   {"id":1,"sweep":"…","drain":true}                   → sweeps until one sends nothing (a small
 *     batch makes two processes interleave claims within one instant), summed
 *   {"id":2,"sweep":"…","hold":true}                    → {"id":2,"claimed":[…]} and then it stops
 *     inside the transaction, rows claimed and nothing written, until it is killed.
 * Each sweep runs at the time it is given (the parent owns the simulated clock).
 */
import readline from 'node:readline';
import pino from 'pino';
import { connectDatabase } from '../../src/db/client.js';
import type { Policy } from '../../src/domain/policy.js';
import { sweepReminders } from '../../src/scheduler/reminder-sweep.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const database = connectDatabase(required('DATABASE_URL'), { max: 2 });
const policy = JSON.parse(required('POLICY')) as Policy;
const tz = required('TZ_NAME');
const batchSize = Number(process.env.BATCH_SIZE ?? 500);
const log = pino({ level: 'silent' });
const answer = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { id: number; sweep?: string; hold?: boolean; drain?: boolean; exit?: boolean };
  if (command.exit) {
    void database.close().then(() => process.exit(0));
    return;
  }
  const at = new Date(command.sweep!);
  const afterClaim = command.hold
    ? async (ids: number[]) => {
        answer({ id: command.id, claimed: ids });
        // Never resolves: the transaction stays open with the rows locked until the parent kills us.
        await new Promise<never>(() => undefined);
      }
    : undefined;
  const sweep = () => sweepReminders({ db: database.db, clock: { now: () => at }, log, tz, policy, batchSize, afterClaim });
  const run = async () => {
    const total = { sent: 0, messages: 0, sweeps: 0 };
    for (;;) {
      const result = await sweep();
      total.sent += result.sent;
      total.messages += result.messages;
      total.sweeps += 1;
      if (!command.drain || result.sent === 0) return total;
    }
  };
  run().then(
    (result) => answer({ id: command.id, ...result }),
    (error: unknown) => answer({ id: command.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
answer({ ready: true });
