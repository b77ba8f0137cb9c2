/**
 * Leads (线索) arriving and the news office deciding on them (issue #9), played only through the
 * page: a town's liaison reports a lead with `/yq tip` in her unit's group and the news office
 * registers it from the lead card (登记为舆情); another town's liaison reports one with `/舆情 报送`
 * and the news office declines it (不予登记) with a reason each reporter is told in private; the
 * page's 模拟监测推送 pushes an alert to `POST /api/intake` with the sandbox's demo monitoring token,
 * which becomes a 监测预警线索 card the news office registers for the education bureau; a push with a
 * wrong token is refused. Screenshots: test/e2e/artifacts/intake-NN-*.png.
 */
import { describe, expect, it } from 'vitest';
import { escapeRegExp, FIRST_ANSWER_MS, useScene } from './support.js';

const NEWS_STAFF = { openId: 'ou_demo_news_staff1', name: '林小梅' };
const QS_LIAISON = { openId: 'ou_demo_qs_liaison', name: '彭小军' };
const BS_LIAISON = { openId: 'ou_demo_bs_liaison', name: '蒋丽华' };
const EDU_LIAISON = { openId: 'ou_demo_edu_liaison', name: '胡静' };
const NEWS_GROUP = '县新闻办（网信办）工作群';
const QS_GROUP = '青松镇人民政府工作群';
const BS_GROUP = '白沙镇人民政府工作群';
const EDU_GROUP = '县教育局工作群';
const BOT_CHAT = '舆情助手';

const TIP = {
  title: '青松镇菜市场摊位费上涨引发议论',
  link: 'https://m.weibo.cn/status/4900000000000777',
  lines: ['链接: https://m.weibo.cn/status/4900000000000777', '来源: 微博', '摘要: 有网民称菜市场摊位费一年涨了三成', '部门: 青松镇'],
};
const DECLINED = { title: '白沙镇集市周边商户占道经营', lines: ['来源: 微信群', '摘要: 有居民在微信群里抱怨赶集日商户占道'] };
const REASON = '属于日常城市管理诉求，已转白沙镇综合执法队办理，不作为舆情登记';
const MONITOR_TITLE = '网传县二中食堂饭菜变质'; // the first of the sandbox's sample alerts

describe('the sandbox page: leads from a unit (/yq tip, /舆情 报送) and from a monitoring system (模拟监测推送)', () => {
  const leads: Record<string, string> = {};

  const { scene, ui, page, step } = useScene('intake');
  const leadCard = (title: string) => ui().card(title).filter({ has: page().locator('.card-subtitle', { hasText: /线索 #\d+/ }) });

  /** As the news office, in its group: 登记为舆情 on a lead card, check the pre-filled form, submit it. */
  async function registerLead(title: string, expectFilled: { url?: string; from: RegExp }, choose?: { lead: string }): Promise<string> {
    const card = leadCard(title);
    const lead = leads[title]!;
    await ui().button(card, '登记为舆情').click();
    await ui().toast('已发出表单，请在下方填写');
    const form = ui().card('登记舆情').filter({ has: page().locator('.card-subtitle', { hasText: `${lead} · ` }) });
    await ui().expectText(form.locator('.card-subtitle'), expectFilled.from);
    expect(await form.locator('input[name=title]').inputValue()).toBe(title);
    if (expectFilled.url) expect(await form.locator('input[name=url]').inputValue()).toBe(expectFilled.url);
    if (choose) await form.locator('select[name=lead]').selectOption({ label: choose.lead });
    await ui().screenshot(`intake-form-lead-${lead.replace('#', '')}`, form);
    const formId = (await form.getAttribute('id'))!;
    await ui().button(form, '登记').click();
    expect(await ui().toast(/^已登记 YQ-\d{8}-\d{3}$/)).toBe('success');
    // The form turns into its receipt, in place.
    const receipt = page().locator(`[id="${formId}"] .card-title`);
    await ui().expectText(receipt, /^已登记 YQ-\d{8}-\d{3}$/);
    const ref = /YQ-\d{8}-\d{3}/.exec(await receipt.innerText())![0];
    // The lead card, patched: registered, with the item's reference, and no buttons any more.
    await ui().expectText(card.locator('.card-subtitle'), `${lead} · 已登记`);
    await ui().expectText(card, `处理结果：已登记为 ${ref}（林小梅`);
    expect(await card.locator('.card-btn').count()).toBe(0);
    return ref;
  }

  step('彭小军, liaison of 青松镇, reports a lead with /yq tip in his unit group; the bot files it', async () => {
    await ui().as(QS_LIAISON.openId, QS_LIAISON.name);
    await ui().openChat(QS_GROUP);
    await ui().type([`/yq tip ${TIP.title}`, ...TIP.lines]);
    const reply = ui().bubble(new RegExp(`^已报送线索 #\\d+：${escapeRegExp(TIP.title)}`));
    await ui().expectText(reply.locator('.bubble'), '县新闻办会决定是否登记为舆情，处理结果会私信告诉您', FIRST_ANSWER_MS); // a busy machine can make the first answer slow
    leads[TIP.title] = /#\d+/.exec(await reply.locator('.bubble').innerText())![0];
    await ui().screenshot('intake-01-tip-sent', reply);
  });

  step('林小梅 of the news office sees the lead card (舆情线索 · 待处理) with who reported it and the facts', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    const card = leadCard(TIP.title);
    await ui().expectText(card.locator('.card-subtitle'), `舆情线索 ${leads[TIP.title]} · 待处理`);
    await ui().expectText(card, /报送：青松镇人民政府 彭小军（\d+月\d+日 \d\d:\d\d|报送：青松镇人民政府 彭小军（\d\d:\d\d/);
    await ui().expectText(card, '来源：微博');
    await ui().expectText(card, '建议牵头单位：青松镇人民政府');
    await ui().expectText(card, '有网民称菜市场摊位费一年涨了三成');
    expect(await card.locator('.card-btn').allInnerTexts()).toEqual(['登记为舆情', '不予登记']);
    await ui().screenshot('intake-02-lead-card', card);
  });

  step('she clicks 登记为舆情: the pre-filled registration form registers the item, and the lead card says so', async () => {
    const ref = await registerLead(TIP.title, { url: TIP.link, from: /青松镇人民政府 彭小军 报送；请核对后登记/ });
    leads[`${TIP.title}:ref`] = ref;
    await ui().screenshot('intake-03-lead-registered', leadCard(TIP.title));
  });

  step('彭小军 is told in private, and the item’s card in his unit group names the lead it came from', async () => {
    const ref = leads[`${TIP.title}:ref`]!;
    await ui().as(QS_LIAISON.openId, QS_LIAISON.name);
    await ui().openChat(BOT_CHAT);
    await ui().expectText(
      ui().bubble(`您报送的线索「${TIP.title}」（${leads[TIP.title]}）已登记为舆情 ${ref}`).locator('.bubble'),
      '交由青松镇人民政府办理',
    );
    await ui().openChat(QS_GROUP);
    const item = ui().card(TIP.title).filter({ has: page().locator('.card-subtitle', { hasText: ref }) });
    await ui().expectText(item, /线索来源：青松镇人民政府 彭小军/);
    await ui().screenshot('intake-04-item-from-lead', item);
  });

  step('蒋丽华 of 白沙镇 reports another lead with /舆情 报送; the news office declines it (不予登记) with a reason', async () => {
    await ui().as(BS_LIAISON.openId, BS_LIAISON.name);
    await ui().openChat(BS_GROUP);
    await ui().type([`/舆情 报送 ${DECLINED.title}`, ...DECLINED.lines]);
    const reply = ui().bubble(new RegExp(`^已报送线索 #\\d+：${escapeRegExp(DECLINED.title)}`));
    await reply.waitFor();
    leads[DECLINED.title] = /#\d+/.exec(await reply.locator('.bubble').innerText())![0];

    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    const card = leadCard(DECLINED.title);
    await ui().expectText(card, '报送：白沙镇人民政府 蒋丽华');
    await ui().button(card, '不予登记').click();
    await ui().toast('已发出表单，请在下方填写');
    const form = ui().card(`不予登记 · 线索 ${leads[DECLINED.title]}`);
    await ui().expectText(form, '理由会私信告知报送人');
    // The reason is required: the page names it before anything is sent.
    await ui().button(form, '不予登记').click();
    await ui().expectText(form.locator('.form-message'), '请填写：不予登记的理由');
    await form.locator('textarea[name=reason]').fill(REASON);
    await ui().button(form, '不予登记').click();
    expect(await ui().toast('已不予登记，理由已私信告知报送人')).toBe('success');
    await ui().expectText(card.locator('.card-subtitle'), `${leads[DECLINED.title]} · 不予登记`);
    await ui().expectText(card, `处理结果：不予登记（林小梅`);
    await ui().expectText(card, REASON);
    expect(await card.locator('.card-btn').count()).toBe(0);
    await ui().screenshot('intake-05-lead-declined', card);

    await ui().as(BS_LIAISON.openId, BS_LIAISON.name);
    await ui().openChat(BOT_CHAT);
    const told = ui().bubble(`您报送的线索「${DECLINED.title}」（${leads[DECLINED.title]}），县新闻办决定不予登记为舆情。`);
    await ui().expectText(told.locator('.bubble'), `理由：${REASON}`);
    await ui().expectText(told.locator('.bubble'), '处理人：林小梅');
    await ui().screenshot('intake-06-reporter-told-reason', told);
  });

  step('模拟监测推送 on the page pushes an alert to POST /api/intake with the demo token; it becomes a 监测预警线索 card', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    const push = page().locator('#monitor-push');
    await ui().expectText(push, '模拟监测推送');
    const intake = page().waitForResponse((r) => new URL(r.url()).pathname === '/sandbox/api/monitor-push');
    await push.click();
    const answer = (await (await intake).json()) as { status: number; body: { lead: number; merged: boolean } };
    expect(answer.status).toBe(202);
    expect(answer.body.merged).toBe(false);
    const lead = `#${answer.body.lead}`;
    expect(await ui().toast(`监测系统 sandbox-demo 已推送“${MONITOR_TITLE}”：成为线索 ${lead}，线索卡片已发给县新闻办`)).toBe('success');
    leads[MONITOR_TITLE] = lead;

    const card = leadCard(MONITOR_TITLE);
    await ui().expectText(card.locator('.card-subtitle'), `监测预警线索 ${lead} · 待处理`);
    await ui().expectText(card, '报送：监测系统 sandbox-demo');
    await ui().expectText(card, '来源：微博');
    await ui().expectText(card, '倾向：负面');
    await ui().expectText(card, '关键词：县二中、食堂');
    await ui().expectText(card, /传播：.*1\.2万/);
    expect(await card.locator('.card-btn').allInnerTexts()).toEqual(['登记为舆情', '不予登记']);
    await ui().screenshot('intake-07-monitor-lead-card', card);
  });

  step('a push with a wrong token (or none) is refused with 401, and no lead card appears', async () => {
    const before = await page().locator('#messages .card-subtitle', { hasText: /线索 #\d+/ }).count();
    const url = new URL('api/intake', scene()!.baseUrl);
    const body = JSON.stringify({ title: '伪造的推送', link: 'https://example.com/forged.html', source: '微博', publishedAt: new Date().toISOString() });
    for (const authorization of ['Bearer not-the-sandbox-demo-token-000', undefined]) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'bad_token' });
    }
    await page().waitForTimeout(1500); // a card, had one been queued, would be delivered by now
    expect(await page().locator('#messages .card-subtitle', { hasText: /线索 #\d+/ }).count()).toBe(before);
    expect(await ui().card('伪造的推送').count()).toBe(0);
  });

  step('林小梅 registers the monitoring lead for the education bureau; its liaison gets the item card, naming the monitoring system', async () => {
    const ref = await registerLead(MONITOR_TITLE, { from: /监测系统 sandbox-demo 报送；请核对后登记/ }, { lead: '县教育局' });
    await ui().screenshot('intake-08-monitor-lead-registered', leadCard(MONITOR_TITLE));

    await ui().as(EDU_LIAISON.openId, EDU_LIAISON.name);
    await ui().openChat(EDU_GROUP);
    const item = ui().card(MONITOR_TITLE).filter({ has: page().locator('.card-subtitle', { hasText: ref }) });
    await ui().expectText(item, '牵头单位：县教育局');
    await ui().expectText(item, /线索来源：监测系统 sandbox-demo/);
    await ui().expectText(item.locator('.mention-me'), '@胡静');
    await ui().screenshot('intake-09-monitor-item-in-unit-group', item);
  });

  it('the page logged no console error and threw nothing', () => {
    expect(scene()?.consoleWatch.problems).toEqual([]);
  });
});
