import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app.js';
import { manualClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { cardRedraws } from '../../src/db/schema/index.js';
import { rowCount } from './db.js';
import type { AppConfig } from '../../src/config.js';
import { TEST_ORG_YAML, silentLog } from './org.js';

export const ENCRYPT_KEY = 'test-encrypt-key';
export const VERIFICATION_TOKEN = 'vtoken';

/** The whole app in webhook mode on a test database, talking to a fake Lark domain. */
export async function startTestApp(options: { databaseUrl: string; larkDomain: string; at: Date; orgYaml?: string; intakeTokens?: AppConfig['intakeTokens']; jobs?: 'timers' | 'manual' }) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-app-'));
  const orgFile = path.join(dir, 'org.yaml');
  await fs.writeFile(orgFile, options.orgYaml ?? TEST_ORG_YAML);
  const clock = manualClock(options.at);
  const config: AppConfig = {
    mode: 'webhook',
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    dataDir: dir,
    databaseUrl: options.databaseUrl,
    orgFile,
    lark: {
      appId: 'cli_a1b2c3d4e5f60718',
      appSecret: 'secret',
      domain: options.larkDomain,
      encryptKey: ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
      webhookMaxAgeSeconds: 3600,
    },
    intakeTokens: options.intakeTokens,
  };
  const app: RunningApp = await startApp(config, { clock, log: silentLog, jobs: options.jobs ?? 'manual' });
  return {
    app,
    clock,
    url: (route: string) => `http://127.0.0.1:${app.port}${route}`,
    close: async () => {
      await app.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Polls until the check passes (deliveries happen in the background sender). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * Waits until no item waits for its older card copies to be redrawn: the app's outbox sender
 * redraws them after each change, just before it claims rows to send.
 */
export async function cardsRedrawn(db: Db, timeoutMs = 5000): Promise<void> {
  await eventually(async () => {
    const waiting = await rowCount(db, cardRedraws);
    if (waiting !== 0) throw new Error(`${waiting} items still wait for their card copies to be redrawn`);
  }, timeoutMs);
}
