/**
 * Time moves past a due time and the escalation appears (issue #6), played only through the page:
 * the news office registers a major item for the health bureau; 下一个到期 jumps to the 认领 clock's
 * due-soon reminder, which the liaison sees under the card in her unit's group; 快进 1 小时 takes
 * the clock past its due time: the bureau's leaders are @-mentioned under the card, the overseeing
 * county leader gets an urgent (加急) 超时督办 in private, the propaganda department is told, and
 * the card, looked up again, shows the clock overdue in red; the liaison's late 认领 is recorded
 * as late on the card. Screenshots: test/e2e/artifacts/escalation-NN-*.png.
 */
import { describe, expect, it } from 'vitest';
import { escapeRegExp, FIRST_ANSWER_MS, localLabel, sandboxNow, useScene } from './support.js';

const NEWS_STAFF = { openId: 'ou_demo_news_staff1', name: '林小梅' };
const LIAISON = { openId: 'ou_demo_health_liaison', name: '刘芳' };
const VICE_WANG = { openId: 'ou_demo_vice_wang', name: '王副县长' }; // oversees health
const PROPAGANDA = { openId: 'ou_demo_prop_leader', name: '周部长' };
const NEWS_GROUP = '县新闻办（网信办）工作群';
const HEALTH_GROUP = '县卫健委工作群';
const PROPAGANDA_GROUP = '县委宣传部工作群';
const BOT_CHAT = '舆情助手';

const TITLE = '县人民医院急诊等候时间过长 网友投诉';
const MAJOR_ACK_MINUTES = 60; // policy.clocks.ack.major in org.example.yaml

describe('the sandbox page: time moves past the 认领 due time of a major item and the escalation appears', () => {
  let ref = '';
  let registeredAt: Date;
  let ackDue: Date;

  const { scene, ui, page, step } = useScene('escalation');
  const itemCard = () => ui().card(TITLE);

  step('林小梅 registers a major item for the health bureau; its card shows the 认领 clock running', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    await ui().type([`/yq new ${TITLE}`, '级别: 重大', '部门: 卫健委']);
    const confirmation = ui().bubble(new RegExp(`^已登记 YQ-\\d{8}-\\d{3}：${escapeRegExp(TITLE)}`));
    await confirmation.waitFor({ timeout: FIRST_ANSWER_MS }); // a busy machine can make the first answer slow
    ref = /YQ-\d{8}-\d{3}/.exec(await confirmation.innerText())![0];

    // The 认领 clock of a major item: one hour from registration, shown to the minute, running.
    await ui().expectText(itemCard(), /认领\s*截止 \d+月\d+日 \d\d:\d\d\s*还剩 (1小时|\d+分)/);
    const text = await itemCard().innerText();
    const [, due] = /认领\s*截止 (\d+月\d+日 \d\d:\d\d)/.exec(text) ?? [];
    registeredAt = await sandboxNow(scene()!.baseUrl);
    // Registered moments ago: due one hour after (to the minute shown).
    const dueGuess = [0, -1].map((m) => localLabel(new Date(registeredAt.getTime() + (MAJOR_ACK_MINUTES + m) * 60_000)));
    expect(dueGuess).toContain(due);
  });

  step('刘芳 opens her unit group and presses 下一个到期: the clock jumps to 30 minutes before the due time and the due-soon reminder @-mentions her under the card', async () => {
    await ui().as(LIAISON.openId, LIAISON.name);
    await ui().openChat(HEALTH_GROUP);
    await ui().expectText(itemCard().locator('.card-subtitle'), `${ref} · 已交办`);

    const now = await ui().moveClock('next_due');
    expect(now).toBeDefined();
    // The first thing due is the 认领 clock's due-soon step, 30 minutes before its due time (+1 s).
    const minutesIn = (now!.getTime() - registeredAt.getTime()) / 60_000;
    expect(minutesIn).toBeGreaterThan(MAJOR_ACK_MINUTES - 31);
    expect(minutesIn).toBeLessThan(MAJOR_ACK_MINUTES - 29);
    ackDue = new Date(now!.getTime() - 1000 + 30 * 60_000);

    const reminder = ui().bubble(`【即将到期】${ref}「${TITLE}」认领将于`);
    await ui().expectText(reminder.locator('.bubble'), '还剩 30分钟');
    await ui().expectText(reminder.locator('.bubble'), '请尽快认领');
    await ui().expectText(reminder.locator('.mention-me'), '@刘芳'); // highlighted for her
    await ui().expectText(reminder.locator('.bubble'), '@杨主任');
    await ui().expectText(reminder.locator('.quote'), '回复：[卡片]'); // a reply under the card
    // Not yet overdue: nothing has gone to the county leader or the propaganda department.
    expect(await ui().bubble('【超时督办】').count()).toBe(0);

    await ui().screenshot('escalation-01-due-soon-reminder', reminder);
  });

  step('she moves the clock 1 hour on (快进 1 小时): past the due time, the bureau leaders are @-mentioned under the card', async () => {
    const now = await ui().moveClock({ hours: 1 });
    expect(now!.getTime()).toBeGreaterThan(ackDue.getTime());
    await expect.poll(() => page().locator('#adv-hours').inputValue()).toBe(''); // the box is emptied after the jump

    const due = ui().bubble(new RegExp(`【到期】${escapeRegExp(ref)}「${escapeRegExp(TITLE)}」认领`));
    await ui().expectText(due.locator('.bubble'), /已超时 \d+分|已于 .* 到期/);
    await ui().expectText(due.locator('.bubble'), '@杨主任');
    await ui().expectText(due.locator('.bubble'), '@朱副主任');
    await ui().expectText(due.locator('.quote'), '回复：[卡片]');
    await ui().screenshot('escalation-02-overdue-in-unit-group', due);
  });

  step('王副县长, who oversees the bureau, finds an urgent (加急) 超时督办 in his private chat with the bot', async () => {
    await ui().as(VICE_WANG.openId, VICE_WANG.name);
    await ui().expectText(ui().chatItem(BOT_CHAT).locator('.badge-urgent'), '加急');
    await ui().openChat(BOT_CHAT);
    const escalation = ui().bubble(`【超时督办】${ref}「${TITLE}」认领`);
    await ui().expectText(escalation.locator('.bubble'), /已超时 \d+分|已于 .* 到期/);
    await ui().expectText(escalation.locator('.badge-urgent'), '加急');
    expect(await escalation.first().getAttribute('class')).toContain('urgent');
    // The major item's card reached him at registration too (buzzed), so he knows what it is about.
    await ui().expectText(ui().card(TITLE).locator('.card-subtitle'), ref);
    await ui().screenshot('escalation-03-county-leader-urgent', escalation);
  });

  step('the propaganda department’s group is told as well', async () => {
    await ui().as(PROPAGANDA.openId, PROPAGANDA.name);
    await ui().openChat(PROPAGANDA_GROUP);
    await ui().expectText(ui().bubble(`【超时督办】${ref}`).locator('.bubble'), `「${TITLE}」认领`);
  });

  step('林小梅 looks the item up (/yq show): the card shows the 认领 clock overdue in red', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    // The news office was told too: 到期 and 超时督办, in one message.
    const told = ui().bubble(`【超时督办】${ref}`);
    await ui().expectText(told.locator('.bubble'), `【到期】${ref}`);

    const before = await ui().card(TITLE).count();
    await ui().type([`/yq show ${ref}`]);
    await expect.poll(() => ui().card(TITLE).count()).toBe(before + 1);
    const fresh = ui().card(TITLE).last();
    await ui().expectText(fresh.locator('.fc-red'), /^已超时 \d+分/);
    await ui().expectText(fresh, new RegExp(`认领\\s*截止 ${escapeRegExp(localLabel(ackDue))}`));
    await ui().screenshotOf('escalation-04-card-shows-overdue', fresh);
  });

  step('刘芳 acknowledges late: her card records 认领 as done, late', async () => {
    await ui().as(LIAISON.openId, LIAISON.name);
    await ui().openChat(HEALTH_GROUP);
    const card = itemCard();
    await ui().button(card, '认领').click();
    expect(await ui().toast(`已认领 ${ref}`)).toBe('success');
    await ui().expectText(card.locator('.card-subtitle'), `${ref} · 已认领`);
    await ui().expectText(card.locator('.fc-orange'), /已完成，超时 \d+分/);
    await ui().screenshot('escalation-05-acknowledged-late', card);
  });

  it('the page logged no console error and threw nothing', () => {
    expect(scene()?.consoleWatch.problems).toEqual([]);
  });
});
