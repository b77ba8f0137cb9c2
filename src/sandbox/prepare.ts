import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { IntakeToken } from '../config.js';
import type { Db } from '../db/client.js';
import { sandboxIntakeToken, seedSandboxChats } from './seed.js';
import { ChangeCounter, loadSandboxSecrets, SandboxClock, type SandboxSecrets } from './state.js';

export interface Sandbox {
  clock: SandboxClock;
  secrets: SandboxSecrets;
  changes: ChangeCounter;
  clickTokens: Map<string, string>;
  /** The demo monitoring system's token: `POST /api/intake` accepts it in sandbox mode only. */
  intakeDemo: IntakeToken;
  /** Runs what fell due when the clock is moved forward (set by the app once its scheduler exists). */
  onClockMoved?: () => Promise<void>;
}

/** Keys, clock and the demo county's work groups, kept in the sandbox's own database. */
export async function prepareSandbox(db: Db, real: Clock, log: Logger): Promise<Sandbox> {
  const clock = await SandboxClock.load(db, real);
  const secrets = await loadSandboxSecrets(db);
  await seedSandboxChats(db, clock.now());
  const intakeDemo = await sandboxIntakeToken(db);
  log.info({ offsetMs: clock.offset }, 'sandbox ready');
  return { clock, secrets, changes: new ChangeCounter(), clickTokens: new Map(), intakeDemo };
}
