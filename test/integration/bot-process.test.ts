import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/db/dir-lock.js';
import { logLines, startBotProcess, type BotProcess } from '../helpers/bot-process.js';

async function get(port: number, route: string) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => undefined);
  return text ? Number(text.split('\n')[0]) : undefined;
}

describe('the bot as a process, with no settings', () => {
  let dataDir: string;
  const running: BotProcess[] = [];
  const start = (env: Record<string, string> = {}) => {
    const bot = startBotProcess({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...env });
    running.push(bot);
    return bot;
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-bot-'));
    await fs.chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    for (const bot of running) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    const orphan = await postmasterPid(dataDir);
    if (orphan && isProcessAlive(orphan)) process.kill(orphan, 'SIGQUIT');
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts the sandbox on embedded PostgreSQL, says where its data is, and is healthy and ready', async () => {
    const bot = start();
    const port = await bot.ready;
    expect(bot.stdout()).toContain(`data:              embedded PostgreSQL, data in ${dataDir} (database yuqing_sandbox)`);
    expect(bot.stdout()).toContain('sandbox: no Lark credentials');
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: { status: 'ready', checks: [{ name: 'database', ok: true }] } });
    expect(logLines(bot.stdout(), 'organisation file synced')[0]).toMatchObject({ inserted: expect.any(Number) });
    expect(logLines(bot.stdout(), 'organisation file synced')[0]!.inserted).toBeGreaterThan(50);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/yuqing-bot: another yuqing-bot \(pid \d+\) is already using .* stop it first, or set DATA_DIR to another folder/);
    // The refused second bot must not have disturbed the first.
    expect((await get(port, '/readyz')).status).toBe(200);

    const serverBefore = await postmasterPid(dataDir);
    bot.child.kill('SIGKILL');
    await bot.exited;
    expect(serverBefore && isProcessAlive(serverBefore)).toBe(true); // the orphan a crash leaves behind

    const restarted = start();
    const port2 = await restarted.ready;
    expect((await get(port2, '/readyz')).status).toBe(200);
    expect(serverBefore && isProcessAlive(serverBefore)).toBe(false);
    // Same data: the organisation was already there, so nothing new was inserted.
    expect(logLines(restarted.stdout(), 'organisation file synced')[0]).toMatchObject({ inserted: 0, updated: 0, deactivated: 0 });

    const serverNow = await postmasterPid(dataDir);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(serverNow && isProcessAlive(serverNow)).toBe(false);
    await expect(fs.stat(path.join(dataDir, 'yuqing-bot.pid'))).rejects.toThrow(/ENOENT/);

    const third = start();
    expect((await get(await third.ready, '/healthz')).status).toBe(200);
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
  });

  it('refuses PORT=abc with a line naming it', async () => {
    const bot = start({ PORT: 'abc' });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('PORT="abc": must be a whole number from 0 to 65535 (0 picks a free port), e.g. PORT=3000');
  });

  it('refuses an organisation file with a missing field, naming the path and line', async () => {
    const file = path.join(dataDir, 'org.yaml');
    await fs.writeFile(file, 'units:\n  - code: news\n    name: 县新闻办\n  - code: health\n    name: 县卫健委\n    role: department\n');
    const bot = start({ ORG_FILE: file });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain(`${file}:2:5: units.0.role: is required`);
  });

  it('with credentials and no organisation file, stops with one line saying how to write one', async () => {
    const bot = start({ LARK_APP_ID: 'cli_a1b2c3', LARK_APP_SECRET: 'secret' });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(/ORG_FILE is not set: .*copy org\.example\.yaml to org\.yaml/);
    expect(bot.stderr()).not.toContain('secret');
  });
});
