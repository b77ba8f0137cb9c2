/**
 * Every card the bot can send renders in the sandbox page, in real Chromium, with no "unsupported"
 * placeholder (cards.js marks one with `data-unsupported-tag`) and no component that failed to
 * draw (`.card-render-error`), and the page logs no console error while doing it.
 *
 * Two halves: (1) a bot of its own, made to send a wide range of cards through the page (the
 * registration form, a critical item with its publication, hand-over, dispute and media forms, a
 * consultation group, a day of reminders), then every chat of every person is opened and checked;
 * (2) every card builder in cards/ rendered by the page's own cards.js, screenshot as a gallery.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_SAMPLES, exportedCardBuilders } from '../helpers/card-samples.js';
import { ARTIFACTS, Bots, cleanArtifacts, makeDataDir, openBrowser, postmasterPid, SandboxPage, watchConsole, type Browser } from './support.js';

const NEWS_STAFF = { openId: 'ou_demo_news_staff1', name: '林小梅' };
const LIAISON = { openId: 'ou_demo_health_liaison', name: '刘芳' };
const CRITICAL = '网传县医院发生医疗事故致多人受伤';

interface ChatVisit {
  person: string;
  chat: string;
  cards: number;
  broken: number;
  titles: string[];
}

describe('every card the bot sends renders in the page, in headless Chromium', () => {
  let dataDir: string;
  let bots: Bots;
  let baseUrl: string;
  let browser: Browser;
  let ui: SandboxPage;
  let consoleWatch: ReturnType<typeof watchConsole>;
  let ref = '';
  const visits: ChatVisit[] = [];

  beforeAll(async () => {
    await cleanArtifacts((name) => name.startsWith('cards-'));
    dataDir = await makeDataDir();
    bots = new Bots(dataDir);
    baseUrl = `http://127.0.0.1:${(await bots.start()).port}/`;
    browser = await openBrowser();
    ui = new SandboxPage(browser.page);
    consoleWatch = watchConsole(browser.page);
    browser.page.on('dialog', (dialog) => void dialog.accept()); // 申请改派 asks to confirm
  });

  afterAll(async () => {
    await browser?.close();
    const stopped = await bots?.stopAll();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    if (stopped?.orphanKilled) throw new Error(`a PostgreSQL server (pid ${stopped.orphanKilled}) was still running on ${dataDir}; it was stopped`);
  });

  it('the news office asks for the registration form and registers a critical rumour; its card offers the news office’s forms', async () => {
    await ui.open(baseUrl);
    await ui.as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui.openChat('县新闻办（网信办）工作群');

    await ui.type(['/yq new']);
    const registerForm = ui.card('登记舆情');
    await registerForm.locator('input[name=title]').waitFor();
    await ui.screenshot('cards-01-register-form', registerForm);

    await ui.type([`/yq new ${CRITICAL}`, '级别: 特别重大', '类别: 谣言', '部门: 卫健委']);
    const confirmation = ui.bubble(new RegExp(`^已登记 YQ-\\d{8}-\\d{3}：${CRITICAL}`));
    await confirmation.waitFor();
    ref = /YQ-\d{8}-\d{3}/.exec(await confirmation.innerText())![0];
    const item = ui.card(CRITICAL);
    await ui.expectText(item.locator('.text-tag').first(), '特别重大');

    await ui.button(item, '登记发布').click();
    await ui.card(`登记发布 · ${ref}`).waitFor();
    await ui.button(item, '移交公安网信').click();
    const handover = ui.card(`移交公安网信 · ${ref}`);
    await handover.waitFor();
    await handover.locator('label.chip', { hasText: '县公安局' }).click();
    await handover.locator('textarea[name=evidence]').fill('原帖截图与转发链');
    await ui.button(handover, '移交').click();
    await handover.waitFor({ state: 'detached' }); // answered with its receipt
    await ui.button(item, '发起会商').click();
    await ui.toast('会商群正在创建');
    await ui.screenshot('cards-02-news-office-forms', item);
    expect(await ui.brokenCardParts()).toBe(0);
  });

  it('the liaison opens the unit’s forms (申请改派, 媒体沟通), and a day passes on the sandbox clock', async () => {
    await ui.as(LIAISON.openId, LIAISON.name);
    await ui.openChat('县卫健委工作群');
    const item = ui.card(CRITICAL);
    await ui.button(item, '申请改派').click();
    await ui.card(`申请改派 · ${ref}`).waitFor();
    await ui.button(item, '媒体沟通').click();
    await ui.card(`媒体沟通 · ${ref}`).waitFor();
    expect(await ui.brokenCardParts()).toBe(0);

    await ui.page.locator('#adv-day').click();
    await ui.toast(/沙盒时间已快进到/);
  });

  it('every chat of every person shows its cards with no unsupported or failed component', async () => {
    const people = await ui.page.locator('#as-select option').evaluateAll((options) => options.map((o) => [o.value, o.textContent] as [string, string]));
    expect(people.length).toBeGreaterThan(20);
    for (const [openId, label] of people) {
      const name = label.replace(/（.*$/u, '');
      await ui.as(openId, name);
      const chats = await ui.page.locator('#chat-list .chat-item .chat-name').allInnerTexts();
      for (const chat of chats) {
        await ui.openChat(chat);
        const titles = await ui.messages().locator('.card .card-title').allInnerTexts();
        const broken = await ui.brokenCardParts();
        visits.push({ person: name, chat, cards: titles.length, broken, titles });
        if (broken > 0) await ui.screenshot(`cards-broken-${openId}-${visits.length}`);
      }
    }
    await fs.writeFile(path.join(ARTIFACTS, 'cards-chats-visited.json'), `${JSON.stringify(visits, null, 1)}\n`);

    expect(visits.filter((v) => v.broken > 0)).toEqual([]);
    const titles = new Set(visits.flatMap((v) => v.titles.map((t) => t.replace(/ ?[·｜]? ?YQ-\d{8}-\d{3}.*$/u, ''))));
    // The cards this run made the bot send, each seen in someone's chat.
    const expected = [CRITICAL, '登记舆情', '登记发布', '已移交', '涉嫌造谣传谣线索移交', '重大舆情会商', '会商记录', '申请改派', '媒体沟通'];
    for (const kind of expected) expect([...titles], kind).toContain(kind);
    expect(visits.reduce((n, v) => n + v.cards, 0)).toBeGreaterThan(15);
    expect(visits.some((v) => v.chat.startsWith('会商'))).toBe(true);

    await ui.as(NEWS_STAFF.openId, NEWS_STAFF.name);
    const consultation = (await ui.page.locator('#chat-list .chat-item .chat-name').allInnerTexts()).find((c) => c.startsWith('会商'));
    if (consultation) {
      await ui.openChat(consultation);
      await ui.screenshot('cards-03-consultation-group');
    }
  });

  it('every card builder in cards/ renders with the page’s cards.js: nothing unsupported, nothing failed, no markup from card text', async () => {
    const exported = await exportedCardBuilders();
    expect(exported.filter((name) => !(name in CARD_SAMPLES)), 'builders missing from test/e2e/card-samples.ts').toEqual([]);
    const samples = Object.entries(CARD_SAMPLES).flatMap(([builder, variants]) => Object.entries(variants).map(([variant, build]) => [`${builder} (${variant})`, build()] as const));

    const gallery = await browser.context.newPage();
    const galleryConsole = watchConsole(gallery);
    try {
      const results = await renderGallery(gallery, baseUrl, samples);
      expect(results.map((r) => r.name)).toEqual(samples.map(([name]) => name));
      const bad = results.filter((r) => r.error !== undefined || r.unsupported.length > 0 || r.failed.length > 0 || r.foreignElements > 0 || r.height < 40);
      expect(bad).toEqual([]);
      await gallery.screenshot({ path: path.join(ARTIFACTS, 'cards-gallery.png'), fullPage: true });
      expect(galleryConsole.problems).toEqual([]);
    } finally {
      await gallery.close();
    }
  });

  it('the page logged no console error and threw nothing', () => {
    expect(consoleWatch.problems).toEqual([]);
  });

  it('the bot stops cleanly (SIGTERM) and leaves no PostgreSQL running', async () => {
    const { exitCodes, orphanKilled } = await bots.stopAll();
    expect(exitCodes).toEqual([0]);
    expect(orphanKilled).toBeUndefined();
    expect(await postmasterPid(dataDir)).toBeUndefined();
  });
});

interface RenderResult {
  name: string;
  error?: string;
  unsupported: string[];
  failed: string[];
  /** script / img / iframe / style elements: the renderer never makes them, so any came from card text. */
  foreignElements: number;
  height: number;
}

const GALLERY_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>cards</title>
<link rel="stylesheet" href="/styles.css">
<style>
  html, body { height: auto; overflow: visible; display: block; }
  #gallery { columns: 3 460px; column-gap: 16px; padding: 16px; }
  .sample { break-inside: avoid; margin: 0 0 16px; }
  .sample h2 { font: 600 13px/1.4 sans-serif; color: #646a73; margin: 0 0 6px; }
</style></head><body><main id="gallery"></main></body></html>`;

/** In the page's origin, imports /cards.js and renders each card into a gallery; reports what it drew. */
async function renderGallery(page: Page, baseUrl: string, samples: readonly (readonly [string, Record<string, unknown>])[]): Promise<RenderResult[]> {
  const url = new URL('e2e-card-gallery.html', baseUrl).toString();
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: GALLERY_HTML }));
  await page.setViewportSize({ width: 1500, height: 900 });
  await page.goto(url);
  // Plain JavaScript run in the browser (the project's TypeScript has no DOM types).
  const script = `(async (samples) => {
    const { renderCard, findUnsupportedTags } = await import('/cards.js');
    const people = await (await fetch('/sandbox/api/people')).json();
    const peopleById = new Map(people.map((p) => [p.openId, p]));
    const gallery = document.getElementById('gallery');
    const results = [];
    for (const [name, card] of samples) {
      const section = document.createElement('section');
      section.className = 'sample';
      const heading = document.createElement('h2');
      heading.textContent = name;
      section.appendChild(heading);
      gallery.appendChild(section);
      try {
        const el = renderCard(card, { peopleById, people, viewerOpenId: 'ou_demo_health_liaison', onAction: () => undefined, confirm: () => true, openUrl: () => undefined });
        section.appendChild(el);
        results.push({
          name,
          unsupported: [...el.querySelectorAll('[data-unsupported-tag]')].map((e) => e.getAttribute('data-unsupported-tag')).concat(findUnsupportedTags(card)),
          failed: [...el.querySelectorAll('.card-render-error')].map((e) => e.textContent),
          foreignElements: el.querySelectorAll('script, img, iframe, style, object, embed').length,
          height: el.getBoundingClientRect().height,
        });
      } catch (error) {
        results.push({ name, error: String(error && error.stack || error), unsupported: [], failed: [], foreignElements: 0, height: 0 });
      }
    }
    return results;
  })(${JSON.stringify(samples)})`;
  return (await page.evaluate(script)) as RenderResult[];
}
