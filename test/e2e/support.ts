/**
 * Shared pieces of the browser tests (`npm run test:e2e`): the bot as a child process on its own
 * data folder, headless Chromium with the flags DESIGN.md §7 names, and a small driver for the
 * sandbox page that looks for what a person sees (chat names, card titles, button labels, toasts).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { isProcessAlive } from '../../src/db/dir-lock.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';

export const ARTIFACTS = path.resolve(import.meta.dirname, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------------------------------------
// The bot
// ---------------------------------------------------------------------------------------------

/** A fresh data folder. As root, embedded PostgreSQL runs as "postgres", which must be able to enter it. */
export async function makeDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-e2e-'));
  await fs.chmod(dir, 0o755);
  return dir;
}

/** Every bot started on one data folder, so afterAll can stop them all. */
export class Bots {
  readonly started: BotProcess[] = [];
  constructor(readonly dataDir: string) {}

  /** `node --import tsx src/main.ts` with only PATH, HOME, DATA_DIR, PORT=0 and LOG_LEVEL=warn. */
  async start(): Promise<{ bot: BotProcess; port: number }> {
    const bot = startBotProcess({ DATA_DIR: this.dataDir, PORT: '0', LOG_LEVEL: 'warn' });
    this.started.push(bot);
    return { bot, port: await bot.ready };
  }

  /** SIGTERM each bot still running, SIGKILL after `graceMs`; then make sure no PostgreSQL is left. */
  async stopAll(graceMs = 15_000): Promise<{ exitCodes: (number | null)[]; orphanKilled?: number }> {
    const exitCodes = [];
    for (const bot of this.started) exitCodes.push(await stopBot(bot, graceMs));
    const orphanKilled = await killLeftoverPostgres(this.dataDir);
    return { exitCodes, orphanKilled };
  }
}

const running = (bot: BotProcess) => bot.child.exitCode === null && bot.child.signalCode === null;

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code (null if killed). */
export async function stopBot(bot: BotProcess, graceMs = 15_000): Promise<number | null> {
  if (!running(bot)) return bot.child.exitCode;
  bot.child.kill('SIGTERM');
  const outcome = await Promise.race([bot.exited, delay(graceMs).then(() => 'timeout' as const)]);
  if (outcome !== 'timeout') return outcome;
  bot.child.kill('SIGKILL');
  return bot.exited;
}

/** The pid in DATA_DIR/pg/postmaster.pid, if the file is there. */
export async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = text ? Number(text.split('\n')[0]) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (!isProcessAlive(pid)) return true;
    await delay(100);
  }
  return !isProcessAlive(pid);
}

/** Stops a PostgreSQL server still running on the folder (immediate shutdown); returns its pid if there was one. */
export async function killLeftoverPostgres(dataDir: string): Promise<number | undefined> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined || !isProcessAlive(pid)) return undefined;
  process.kill(pid, 'SIGQUIT');
  if (!(await waitUntilGone(pid, 10_000))) {
    process.kill(pid, 'SIGKILL');
    await waitUntilGone(pid, 5_000);
  }
  return pid;
}

// ---------------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------------

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, deliberately in another time zone than the county's:
 * the page must send picker values in the sandbox zone (Asia/Shanghai), whatever the browser's.
 */
export async function openBrowser(): Promise<Browser> {
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      await fs.rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Console errors and uncaught exceptions of a page. `tolerate` (set while the bot is deliberately
 * down) lets through the failed requests that outage causes, and only those.
 */
export function watchConsole(page: Page) {
  const problems: string[] = [];
  const watcher = {
    problems,
    tolerate: undefined as ((text: string) => boolean) | undefined,
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `console.error: ${message.text()} (${message.location().url})`;
    if (watcher.tolerate?.(text)) return;
    problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return watcher;
}

/** Removes earlier artifacts that `matches` picks (each test file cleans only its own). */
export async function cleanArtifacts(matches: (name: string) => boolean): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  for (const name of await fs.readdir(ARTIFACTS)) if (matches(name)) await fs.rm(path.join(ARTIFACTS, name), { force: true });
}

// ---------------------------------------------------------------------------------------------
// The sandbox page, as a person uses it
// ---------------------------------------------------------------------------------------------

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const exactly = (s: string) => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);

/** What the page's renderer draws for a tag it does not know (cards.js `unsupported`), or a component that threw. */
export const BROKEN_CARD_PARTS = '[data-unsupported-tag], .card-render-error';

export class SandboxPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, query = ''): Promise<void> {
    await this.page.goto(`${baseUrl}${query}`);
    await this.page.locator('#as-select option').first().waitFor({ state: 'attached' });
  }

  /** Picks "我是" and waits for that person's chat list. */
  async as(openId: string, name: string): Promise<void> {
    const select = this.page.locator('#as-select');
    await select.selectOption(openId);
    const shown = await select.locator('option:checked').textContent();
    if (!shown?.startsWith(name)) throw new Error(`"我是" shows ${JSON.stringify(shown)}, not ${name}`);
    await this.page.locator('#chat-list .chat-item').first().waitFor();
  }

  chatItem(name: string): Locator {
    return this.page.locator('#chat-list .chat-item').filter({ has: this.page.locator('.chat-name', { hasText: exactly(name) }) });
  }

  /** Opens a chat from the list and waits until its messages are shown. */
  async openChat(name: string): Promise<void> {
    await this.chatItem(name).click();
    await this.expectText(this.page.locator('#chat-title'), exactly(name));
    await this.messagesLoaded();
  }

  async messagesLoaded(): Promise<void> {
    await this.page.locator('#messages .list-empty', { hasText: '加载中' }).waitFor({ state: 'detached' });
  }

  /** Types a message line by line (Shift+Enter between lines), checks the box holds it, sends with Enter. */
  async type(lines: string[]): Promise<void> {
    const input = this.page.locator('#input');
    await input.click();
    for (const [i, line] of lines.entries()) {
      if (i > 0) await input.press('Shift+Enter');
      await this.page.keyboard.insertText(line);
    }
    const typed = await input.inputValue();
    if (typed !== lines.join('\n')) throw new Error(`the message box holds ${JSON.stringify(typed)}, not the typed lines`);
    await input.press('Enter');
    // Sent: the page empties the box (its placeholder shows again).
    await this.page.locator('#input:placeholder-shown').waitFor();
  }

  /** Messages (bubbles and cards) in the open chat. */
  messages(): Locator {
    return this.page.locator('#messages .msg');
  }

  /** Card messages whose header title matches. */
  card(title: string | RegExp): Locator {
    return this.messages().filter({ has: this.page.locator('.card-title', { hasText: typeof title === 'string' ? exactly(title) : title }) });
  }

  /** Text bubbles containing `text`. */
  bubble(text: string | RegExp): Locator {
    return this.messages().filter({ has: this.page.locator('.bubble', { hasText: text }) });
  }

  button(scope: Locator, label: string): Locator {
    return scope.locator('.card-btn', { hasText: exactly(label) });
  }

  /** Waits for a toast with this text; returns its kind (success, info, warning, error). */
  async toast(text: string | RegExp): Promise<string> {
    const toast = this.page.locator('#toasts .toast', { hasText: text }).last();
    try {
      await toast.waitFor();
    } catch (error) {
      const shown = await this.page.locator('#toasts').innerText().catch(() => '');
      throw new Error(`no toast ${String(text)}; toasts shown: ${JSON.stringify(shown)}`, { cause: error });
    }
    const kind = /toast-(\w+)/.exec((await toast.getAttribute('class')) ?? '');
    return kind?.[1] ?? 'unknown';
  }

  /** Waits until `locator` shows `text`; on timeout says what it does show. */
  async expectText(locator: Locator, text: string | RegExp, timeout?: number): Promise<void> {
    try {
      await locator.filter({ hasText: text }).first().waitFor({ timeout });
    } catch (error) {
      const shown = await locator
        .first()
        .innerText({ timeout: 1000 })
        .catch(() => '(nothing there)');
      throw new Error(`expected ${String(locator)} to show ${String(text)}; it shows:\n${shown}`, { cause: error });
    }
  }

  /** How many unsupported/failed card parts the open chat shows. */
  async brokenCardParts(): Promise<number> {
    return this.page.locator('#messages').locator(BROKEN_CARD_PARTS).count();
  }

  async screenshot(name: string, focus?: Locator): Promise<void> {
    if (focus) await focus.scrollIntoViewIfNeeded();
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }
}
