import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { sandboxState } from '../db/schema/index.js';

/** The sandbox's own app credentials and keys: generated once, kept in the sandbox database. */
export interface SandboxSecrets {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
  botOpenId: string;
}

async function read<T>(db: Db, key: string): Promise<T | undefined> {
  const [row] = await db.select().from(sandboxState).where(eq(sandboxState.key, key));
  return row?.value as T | undefined;
}

async function write(db: Db, key: string, value: unknown): Promise<void> {
  await db.insert(sandboxState).values({ key, value }).onConflictDoUpdate({ target: sandboxState.key, set: { value } });
}

export async function loadSandboxSecrets(db: Db): Promise<SandboxSecrets> {
  const existing = await read<SandboxSecrets>(db, 'secrets');
  if (existing) return existing;
  const secrets: SandboxSecrets = {
    // The SDK's long connection insists on this shape; the webhook path does not care.
    appId: `cli_${randomBytes(8).toString('hex')}`,
    appSecret: randomBytes(16).toString('hex'),
    encryptKey: randomBytes(16).toString('hex'),
    verificationToken: randomBytes(12).toString('hex'),
    botOpenId: 'ou_sandbox_bot',
  };
  await write(db, 'secrets', secrets);
  return secrets;
}

/**
 * The sandbox's time: the real time plus a persisted offset that only grows, so training can jump
 * to the next due time. The bot's injected clock is this one in sandbox mode only.
 */
export class SandboxClock implements Clock {
  private constructor(
    private readonly db: Db,
    private readonly real: Clock,
    private offsetMs: number,
  ) {}

  static async load(db: Db, real: Clock): Promise<SandboxClock> {
    return new SandboxClock(db, real, (await read<number>(db, 'clock_offset_ms')) ?? 0);
  }

  now(): Date {
    return new Date(this.real.now().getTime() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  async advance(ms: number): Promise<Date> {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError('the sandbox clock only moves forward');
    this.offsetMs += Math.round(ms);
    await write(this.db, 'clock_offset_ms', this.offsetMs);
    return this.now();
  }
}

/** A counter the page polls to know something changed. */
export class ChangeCounter {
  private value = 0;
  bump(): void {
    this.value += 1;
  }
  get version(): number {
    return this.value;
  }
}
