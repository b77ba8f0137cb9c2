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
import { afterAll, beforeAll, expect, it } from 'vitest';
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

  /** The bot as `npm start` runs it, with only PATH, HOME, DATA_DIR, PORT=0 and LOG_LEVEL=warn. */
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
    // A card patched meanwhile is drawn again: the element found goes and its successor takes its
    // place, so look again (the locator finds the new one).
    for (let attempt = 1; focus; attempt += 1) {
      try {
        await focus.scrollIntoViewIfNeeded();
        break;
      } catch (error) {
        if (attempt >= 5 || !/not attached to the DOM/.test(String(error))) throw error;
        await delay(100);
      }
    }
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }

  /**
   * A screenshot of the page with one element shown in full (a tall card): the window is made tall
   * enough for it for the shot, then put back.
   */
  async screenshotOf(name: string, element: Locator): Promise<void> {
    const size = this.page.viewportSize() ?? { width: 1280, height: 900 };
    const box = await element.boundingBox();
    const height = Math.min(6000, Math.max(size.height, Math.ceil((box?.height ?? 0) + 320)));
    await this.page.setViewportSize({ width: size.width, height });
    try {
      await element.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'end' }));
      await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    } finally {
      await this.page.setViewportSize(size);
    }
  }

  /**
   * Moves the sandbox clock with one of the page's controls, as a person does: 下一个到期,
   * 下一次报告, +1 小时, +1 天, or 快进 N 小时. Resolves with the sandbox time the server moved to
   * (undefined when it answered that nothing is due), after the page's toast says so.
   */
  async moveClock(control: 'next_due' | 'next_report' | 'hour' | 'day' | { hours: number }): Promise<Date | undefined> {
    const answer = this.page.waitForResponse((r) => new URL(r.url()).pathname === '/sandbox/api/clock' && r.request().method() === 'POST');
    if (typeof control === 'object') {
      await this.page.locator('#adv-hours').fill(String(control.hours));
      await this.page.locator('#adv-form button[type=submit]').click();
    } else {
      const id = { next_due: '#adv-due', next_report: '#adv-report', hour: '#adv-hour', day: '#adv-day' }[control];
      await this.page.locator(id).click();
    }
    const response = await answer;
    if (!response.ok()) throw new Error(`the clock control was refused: HTTP ${response.status()} ${await response.text()}`);
    const body = (await response.json()) as { now: string; nothing?: boolean };
    if (body.nothing) {
      await this.toast(/^没有待/);
      return undefined;
    }
    const now = new Date(body.now);
    // The page's toast names the new time (to the minute, in the county's zone; it may read a second later).
    const shown = [now, new Date(now.getTime() + 60_000)].map((t) => `沙盒时间已快进到 ${localLabel(t)}`);
    await this.toast(new RegExp(shown.map(escapeRegExp).join('|')));
    return now;
  }
}

export const SANDBOX_ZONE = 'Asia/Shanghai';

/** How long a scene waits for the bot's first answer (a freshly started bot on a busy machine). */
export const FIRST_ANSWER_MS = 40_000;

/** M月D日 HH:mm in the county's zone, as the page and the bot write times. */
export function localLabel(at: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: SANDBOX_ZONE, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** The sandbox's time, asked of its API (what the bot's clock reads). */
export async function sandboxNow(baseUrl: string): Promise<Date> {
  const res = await fetch(new URL('sandbox/api/clock', baseUrl));
  return new Date(((await res.json()) as { now: string }).now);
}

// ---------------------------------------------------------------------------------------------
// A scene: one bot, one browser, steps that stop at the first failure
// ---------------------------------------------------------------------------------------------

export interface Scene {
  dataDir: string;
  bots: Bots;
  baseUrl: string;
  browser: Browser;
  ui: SandboxPage;
  consoleWatch: ReturnType<typeof watchConsole>;
}

/** A bot on a fresh data folder and a browser on its page (cleaning this scene's earlier screenshots). */
export async function startScene(prefix: string): Promise<Scene> {
  await cleanArtifacts((name) => name.startsWith(`${prefix}-`) && (name.endsWith('.png') || name.endsWith('.log')));
  const dataDir = await makeDataDir();
  const bots = new Bots(dataDir);
  const { port } = await bots.start();
  const browser = await openBrowser();
  const consoleWatch = watchConsole(browser.page);
  browser.page.on('dialog', (dialog) => void dialog.accept());
  const ui = new SandboxPage(browser.page);
  const baseUrl = `http://127.0.0.1:${port}/`;
  await ui.open(baseUrl);
  return { dataDir, bots, baseUrl, browser, ui, consoleWatch };
}

/** Closes the browser, stops the bot and removes its data; throws if a PostgreSQL server was left running. */
export async function endScene(scene: Scene | undefined): Promise<void> {
  if (!scene) return;
  await scene.browser.close();
  const stopped = await scene.bots.stopAll();
  await fs.rm(scene.dataDir, { recursive: true, force: true });
  if (stopped.orphanKilled) throw new Error(`a PostgreSQL server (pid ${stopped.orphanKilled}) was still running on ${scene.dataDir}; it was stopped`);
}

/**
 * `it` for the steps of one scene: after a failure the later steps are skipped (they would only fail
 * confusingly) and a screenshot `<prefix>-failed-<step>.png` shows the page as it was. `after` runs
 * after every step (e.g. no card drawn with a broken component).
 */
export function sceneSteps(prefix: string, scene: () => Scene | undefined, after?: (ui: SandboxPage) => Promise<void>) {
  let broken = false;
  return (name: string, fn: () => Promise<void>) =>
    it(name, async (ctx) => {
      if (broken) ctx.skip();
      const ui = scene()?.ui;
      try {
        if (!ui) throw new Error('the scene did not start');
        await fn();
        await after?.(ui);
      } catch (error) {
        broken = true;
        await ui?.screenshot(`${prefix}-failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        // What the bot logged (warnings and errors) says why it did not answer, if it did not.
        const bots = scene()?.bots.started ?? [];
        const log = bots.map((bot, i) => `--- bot ${i + 1} stdout ---\n${bot.stdout()}\n--- bot ${i + 1} stderr ---\n${bot.stderr()}`).join('\n');
        await fs.writeFile(path.join(ARTIFACTS, `${prefix}-failed-bot.log`), log).catch(() => undefined);
        throw error;
      }
    });
}

/**
 * A scene for a describe block: started before its steps and ended after them; each step also
 * checks that no card part failed to render. Name it at describe level:
 *   const { scene, ui, page, step } = useScene('intake');
 */
export function useScene(prefix: string) {
  let current: Scene | undefined;
  beforeAll(async () => {
    current = await startScene(prefix);
  });
  afterAll(async () => {
    await endScene(current);
  });
  const step = sceneSteps(prefix, () => current, async (sandbox) => {
    expect(await sandbox.brokenCardParts(), 'cards with an unsupported or failed component').toBe(0);
  });
  return { scene: () => current, ui: () => current!.ui, page: () => current!.ui.page, step };
}
