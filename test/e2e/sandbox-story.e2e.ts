/**
 * The sandbox story in headless Chromium, played only through the page: the news office registers
 * a major item by typing a command; the health bureau's liaison acknowledges, verifies and drafts in
 * the unit's group; the bot is killed and restarted on the same data (nothing is lost on the page);
 * the leader returns the draft, the liaison resubmits, the leader approves, the liaison records
 * publication. Screenshots of each step go to test/e2e/artifacts/NN-step.png.
 */
import fs from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/db/dir-lock.js';
import type { BotProcess } from '../helpers/bot-process.js';
import { Bots, cleanArtifacts, makeDataDir, openBrowser, postmasterPid, SandboxPage, watchConsole, type Browser } from './support.js';

const NEWS_STAFF = { openId: 'ou_demo_news_staff1', name: '林小梅' };
const LIAISON = { openId: 'ou_demo_health_liaison', name: '刘芳' };
const LEADER = { openId: 'ou_demo_health_leader', name: '杨主任' };
const NEWS_GROUP = '县新闻办（网信办）工作群';
const HEALTH_GROUP = '县卫健委工作群';

const TITLE = '县医院挂号难 网友质疑';
const FINDINGS = '经核实，县医院门诊早高峰挂号排队较长，已安排增开窗口。';
const DRAFT_1 = '县医院已增开挂号窗口，并推行分时段预约挂号。';
const DRAFT_2 = '预约可通过县医院微信公众号办理，每日8:00起放号。';
const RETURN_COMMENT = '请补充预约渠道和放号时间';
const LINK = 'https://www.example.gov.cn/wjw/2026/guahao.html';

describe('the sandbox page in headless Chromium: a major item from registration to publication, across a bot restart', () => {
  let dataDir: string;
  let bots: Bots;
  let bot: BotProcess;
  let baseUrl: string;
  let browser: Browser;
  let ui: SandboxPage;
  let consoleWatch: ReturnType<typeof watchConsole>;
  let ref = '';
  let broken = false;

  const page = () => ui.page;
  const itemCard = () => ui.card(TITLE);
  const stateOf = (card: Locator, label: string) => ui.expectText(card.locator('.card-subtitle'), `${ref} · ${label}`);
  const noBrokenCards = async () => expect(await ui.brokenCardParts(), 'cards with an unsupported or failed component').toBe(0);

  /** One step of the story; after a failure the rest are skipped (they would only fail confusingly). */
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async (ctx) => {
      if (broken) ctx.skip();
      try {
        await fn();
        await noBrokenCards();
      } catch (error) {
        broken = true;
        await ui?.screenshot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw error;
      }
    });

  beforeAll(async () => {
    await cleanArtifacts((name) => /^(\d\d-|failed-).*\.png$/.test(name));
    dataDir = await makeDataDir();
    bots = new Bots(dataDir);
    const started = await bots.start();
    bot = started.bot;
    baseUrl = `http://127.0.0.1:${started.port}/`;
    browser = await openBrowser();
    ui = new SandboxPage(browser.page);
    consoleWatch = watchConsole(browser.page);
    browser.page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    const stopped = await bots?.stopAll();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    if (stopped?.orphanKilled) throw new Error(`a PostgreSQL server (pid ${stopped.orphanKilled}) was still running on ${dataDir}; it was stopped`);
  });

  step('林小梅 of the news office registers a major item by typing a multi-line command in the office group', async () => {
    await ui.open(baseUrl);
    await ui.as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui.openChat(NEWS_GROUP);
    await ui.expectText(page().locator('#composer-hint'), '自动在前面加上 @舆情助手');

    await ui.type([`/yq new ${TITLE}`, '级别: 重大', '部门: 卫健委']);

    // Her message, with the @舆情助手 the page adds in a group, keeps its line breaks.
    const mine = page().locator('#messages .msg.mine').last();
    await ui.expectText(mine.locator('.bubble'), `@舆情助手 /yq new ${TITLE}\n级别: 重大\n部门: 卫健委`);
    // The bot answers it with the reference and the deadlines.
    const confirmation = ui.bubble(/^已登记 YQ-\d{8}-\d{3}：/);
    await ui.expectText(confirmation.locator('.bubble'), `：${TITLE}`);
    const text = await confirmation.locator('.bubble').innerText();
    ref = /YQ-\d{8}-\d{3}/.exec(text)![0];
    expect(text).toContain('牵头单位：县卫健委（由登记人指定）');
    expect(text).toMatch(/认领：\d+月\d+日 \d\d:\d\d 前/);
    await ui.expectText(confirmation.locator('.quote'), `回复：@舆情助手 /yq new ${TITLE}`);
    // And posts the item card to the office's group too.
    const card = itemCard();
    await stateOf(card, '已交办');
    expect(await card.locator('.text-tag').allInnerTexts()).toContain('重大');
    await ui.expectText(card, '牵头单位：县卫健委');

    await ui.screenshot('01-registered', confirmation);
  });

  step('刘芳, the health bureau liaison, finds the card in her unit group and acknowledges it (认领)', async () => {
    await ui.as(LIAISON.openId, LIAISON.name);
    await ui.openChat(HEALTH_GROUP);
    const card = itemCard();
    await stateOf(card, '已交办');
    await ui.expectText(card.locator('.mention-me'), '@刘芳'); // the card @-mentions her, highlighted
    await ui.expectText(card, '下一步：等待县卫健委认领');
    await ui.screenshot('02-dispatched-to-unit', card);

    // The page marks a card 已更新 only when it changed more than a second after it was posted
    // (app.js), so a patch right behind the send does not look like an edit. A person takes longer
    // than that to read and click; so does this scene, however fast the bot is.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await ui.button(card, '认领').click();
    expect(await ui.toast(`已认领 ${ref}`)).toBe('success');
    await stateOf(card, '已认领');
    await ui.expectText(card, '下一步：等待县卫健委提交核实情况');
    await ui.expectText(card.locator('.msg-edited'), '已更新');
    expect(await ui.button(card, '认领').count()).toBe(0);

    await ui.screenshot('03-acknowledged', card);
  });

  step('she opens 提交核实: the page refuses an empty form and names the required fields, then she submits 属实 / 无需整改', async () => {
    const card = itemCard();
    await ui.button(card, '提交核实').click();
    await ui.toast('已发出表单，请在下方填写');
    const form = ui.card(`提交核实 · ${ref}`);
    await ui.expectText(form.locator('.quote'), '回复：');

    await ui.button(form, '提交核实').click();
    await ui.expectText(form.locator('.form-message'), '请填写：核实结论、核实情况、是否需要整改');

    await form.locator('select[name=outcome]').selectOption({ label: '属实' });
    await form.locator('textarea[name=findings]').fill(FINDINGS);
    await form.locator('select[name=rectification]').selectOption({ label: '无需整改' });
    await ui.screenshot('04-verify-form-filled', form);

    await ui.button(form, '提交核实').click();
    expect(await ui.toast('核实情况已提交')).toBe('success');
    // The form turns into its receipt, so it cannot be submitted twice.
    const receipt = ui.card(`已提交核实 ${ref}`);
    await ui.expectText(receipt, '核实结论：属实');
    await ui.expectText(receipt, FINDINGS);
    expect(await form.count()).toBe(0);
    await stateOf(card, '已核实');

    await ui.screenshot('05-verified', receipt);
  });

  step('she drafts the response (起草回应) and submits it for review', async () => {
    const card = itemCard();
    await ui.button(card, '起草回应').click();
    await ui.toast('已发出表单，请在下方填写');
    const form = ui.card(`起草回应 · ${ref}`);
    await form.locator('textarea[name=text_1]').fill(DRAFT_1);
    await ui.expectText(form.locator('.field-counter').first(), `${[...DRAFT_1].length}/1000`);
    await ui.button(form, '提交审核').click();
    expect(await ui.toast('已提交审核')).toBe('success');

    await ui.expectText(ui.card('已提交第 1 版回应稿'), `${ref}：等待负责人审核`);
    await stateOf(card, '待审核');
    const review = ui.card(`审核回应稿 · ${ref}`);
    await ui.expectText(review, '回应稿（第 1 版）');
    await ui.expectText(review, DRAFT_1);
    await ui.expectText(review, '起草人：刘芳');
    await ui.expectText(ui.bubble(`第 1 版回应稿待审核（${ref}）`), '@杨主任');

    await ui.screenshot('06-draft-submitted', review);
  });

  step('the bot is killed (SIGKILL) and restarted on the same data: the page shows everything it showed before', async () => {
    const snapshot = () => ui.messages().evaluateAll((els) => els.map((e) => [e.id, (e.querySelector('.card-title') ?? e.querySelector('.bubble'))?.textContent ?? '']));
    const before = await snapshot();
    expect(before.length).toBe(5); // item card, two receipts, the review card, the "待审核" notice
    const oldServer = await postmasterPid(dataDir);
    expect(oldServer !== undefined && isProcessAlive(oldServer)).toBe(true);

    // While the bot is down the page's polls fail; those failed requests are the only errors allowed.
    consoleWatch.tolerate = (text) => /Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(text);
    bot.child.kill('SIGKILL');
    await bot.exited;
    expect(bot.child.signalCode).toBe('SIGKILL');
    await ui.expectText(page().locator('#conn'), '与沙盒的连接中断，正在重试');
    await ui.screenshot('07-bot-killed');

    const restarted = await bots.start();
    bot = restarted.bot;
    // The new bot stopped the PostgreSQL server the killed one left behind, and runs its own.
    expect(isProcessAlive(oldServer!)).toBe(false);
    baseUrl = `http://127.0.0.1:${restarted.port}/`;
    const url = new URL(page().url());
    url.port = String(restarted.port);
    await page().goto(url.toString());
    consoleWatch.tolerate = undefined;

    await ui.expectText(page().locator('#chat-title'), HEALTH_GROUP);
    expect(await page().locator('#as-select').inputValue()).toBe(LIAISON.openId);
    await ui.messagesLoaded();
    await stateOf(itemCard(), '待审核');
    expect(await snapshot()).toEqual(before);
    // The receipts of both forms, and the review card with its buttons, are still there.
    await ui.expectText(ui.card(`已提交核实 ${ref}`), FINDINGS);
    await ui.expectText(ui.card('已提交第 1 版回应稿'), `${ref}：等待负责人审核`);
    const review = ui.card(`审核回应稿 · ${ref}`);
    await ui.expectText(review, DRAFT_1);
    expect(await review.locator('.card-btn').allInnerTexts()).toEqual(['审核通过', '退回修改']);
    expect(await page().locator('#conn').isHidden()).toBe(true);

    await ui.screenshot('08-after-restart', itemCard());
  });

  step('杨主任, the bureau leader, returns the draft (退回修改): first without a comment (warned), then with one', async () => {
    await ui.as(LEADER.openId, LEADER.name);
    await ui.openChat(HEALTH_GROUP);
    const review = ui.card(`审核回应稿 · ${ref}`);
    await ui.expectText(review, DRAFT_1);

    await ui.button(review, '退回修改').click();
    expect(await ui.toast('退回时请写明修改意见。')).toBe('warning');
    await stateOf(itemCard(), '待审核');

    await review.locator('textarea[name=comment]').fill(RETURN_COMMENT);
    await ui.button(review, '退回修改').click();
    expect(await ui.toast('已退回修改')).toBe('success');
    const receipt = ui.card(`已退回 ${ref} 第 1 版`);
    await ui.expectText(receipt, `修改意见：${RETURN_COMMENT}`);
    await stateOf(itemCard(), '起草中');

    await ui.screenshot('09-returned', receipt);
  });

  step('刘芳 resubmits from the re-posted draft form, pre-filled with version 1 and showing the comment', async () => {
    await ui.as(LIAISON.openId, LIAISON.name);
    await ui.openChat(HEALTH_GROUP);
    await ui.expectText(ui.bubble(`第 1 版回应稿被退回：${RETURN_COMMENT}`).locator('.mention-me'), '@刘芳');
    const form = ui.card(`起草回应 · ${ref}`);
    await ui.expectText(form, '第 1 版已被退回，退回意见：');
    await ui.expectText(form, RETURN_COMMENT);
    await ui.expectText(form, '下方已预填第 1 版，修改后提交审核。');
    expect(await form.locator('textarea[name=text_1]').inputValue()).toBe(DRAFT_1);
    await form.locator('textarea[name=text_2]').fill(DRAFT_2);
    await form.locator('input[name=note]').fill('补充了预约渠道和放号时间');
    await ui.screenshot('10-redraft-form', form);

    await ui.button(form, '提交审核').click();
    expect(await ui.toast('已提交审核')).toBe('success');
    await ui.expectText(ui.card('已提交第 2 版回应稿'), `${ref}：等待负责人审核`);
    await stateOf(itemCard(), '待审核');
  });

  step('杨主任 sees what changed and approves version 2 (审核通过)', async () => {
    await ui.as(LEADER.openId, LEADER.name);
    await ui.openChat(HEALTH_GROUP);
    const review = ui.card(`审核回应稿 · ${ref}`).filter({ hasText: '回应稿（第 2 版）' });
    await ui.expectText(review, '与上一版相比');
    await ui.expectText(review, `＋ ${DRAFT_2}`);
    await review.locator('textarea[name=comment]').fill('同意');
    await ui.screenshot('11-review-v2', review);

    await ui.button(review, '审核通过').click();
    expect(await ui.toast('审核通过')).toBe('success');
    const receipt = ui.card(`审核通过 ${ref}`);
    await ui.expectText(receipt, '第 2 版已审核通过');
    await stateOf(itemCard(), '已审核');

    await ui.screenshot('12-approved', receipt);
  });

  step('刘芳 records publication (登记发布): 政府网站, a link and the time', async () => {
    await ui.as(LIAISON.openId, LIAISON.name);
    await ui.openChat(HEALTH_GROUP);
    await ui.button(itemCard(), '登记发布').click();
    await ui.toast('已发出表单，请在下方填写');
    const form = ui.card(`登记发布 · ${ref}`);
    expect(await form.locator('select[name=draft]').inputValue()).toBe('2'); // the approved version is chosen

    await form.locator('select[name=channel]').selectOption({ label: '政府网站' });
    await form.locator('input[name=link]').fill(LINK);
    // Published "now" by the sandbox clock, to the minute.
    const now = (await page().locator('#clock-now').innerText()).trim();
    const [, y, mo, d, hh, mm] = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)/.exec(now)!;
    await form.locator('input[name=published_at]').fill(`${y}-${mo}-${d}T${hh}:${mm}`);
    await ui.screenshot('13-publication-form', form);

    await ui.button(form, '登记发布').click();
    expect(await ui.toast('发布已登记')).toBe('success');
    const receipt = ui.card(`已登记发布 ${ref}`);
    await ui.expectText(receipt, `政府网站：${Number(mo)}月${Number(d)}日 ${hh}:${mm}`);
    await ui.expectText(receipt, '发布稿件：第 2 版');
    await stateOf(itemCard(), '跟踪中');

    await ui.screenshot('14-published', receipt);
  });

  step('the news office sees the same card, now 跟踪中, in its own group', async () => {
    await ui.as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui.openChat(NEWS_GROUP);
    await stateOf(itemCard(), '跟踪中');
    await ui.screenshot('15-news-office-sees-watching', itemCard());
  });

  step('the page logged no errors and threw nothing (apart from the requests that failed while the bot was down)', async () => {
    expect(consoleWatch.problems).toEqual([]);
  });

  step('stopping the bot (SIGTERM) exits cleanly and leaves no PostgreSQL running on the data folder', async () => {
    const { exitCodes, orphanKilled } = await bots.stopAll();
    expect(exitCodes.at(-1)).toBe(0);
    expect(orphanKilled).toBeUndefined();
    expect(await postmasterPid(dataDir)).toBeUndefined();
  });
});
