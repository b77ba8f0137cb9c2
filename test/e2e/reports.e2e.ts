/**
 * The page runs the sandbox clock to the scheduled reports and draws the digest cards with their
 * charts (issue #7), played only through the page: the news office registers two items; a county
 * leader presses 下一次报告 — each press lands on a report's scheduled time (日志 18:00, 周报
 * Monday 09:00, 月报 the 1st at 09:00) — until the weekly report of the items' week arrives in his
 * private chat; the card shows the headline, three charts drawn by VChart on a canvas, and the data
 * under each chart carries the report's numbers. Screenshots: test/e2e/artifacts/reports-NN-*.png.
 */
import { describe, expect, it } from 'vitest';
import { periodContaining } from '../../src/domain/periods.js';
import { escapeRegExp, FIRST_ANSWER_MS, SANDBOX_ZONE, sandboxNow, useScene } from './support.js';

const NEWS_STAFF = { openId: 'ou_demo_news_staff1', name: '林小梅' };
const VICE_WANG = { openId: 'ou_demo_vice_wang', name: '王副县长' };
const NEWS_GROUP = '县新闻办（网信办）工作群';
const BOT_CHAT = '舆情助手';

/** What is registered, and what the weekly report must count. */
const ITEMS = [
  { title: '城区多条道路路灯夜间不亮 市民反映出行不便', lines: ['类别: 公众切身利益', '部门: 住建局'], unit: '县住建局', category: '涉及公众切身利益' },
  { title: '网传县三中食堂使用过期食材', lines: ['类别: 民生', '部门: 教育局'], unit: '县教育局', category: '民生领域冲击道德底线' },
];
/** Presses of 下一次报告 before giving up: at most 7 daily logs, a monthly and the weekly lie ahead. */
const MAX_PRESSES = 12;

/** HH:mm:ss and weekday/day of month of an instant in the county's zone. */
function localTime(at: Date) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: SANDBOX_ZONE, weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { time: `${p.hour}:${p.minute}:${p.second}`, weekday: p.weekday, day: Number(p.day) };
}

describe('the sandbox page: 下一次报告 runs the clock to the weekly report, and the digest card draws its charts', () => {
  let weekLabel = '';
  let weekShortLabel = '';
  const refs: string[] = [];

  const { scene, ui, page, step } = useScene('reports');
  const weekly = () => ui().card('舆情周报').filter({ has: page().locator('.card-subtitle', { hasText: weekLabel }) });

  step('林小梅 registers two items for two units, in two categories', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    for (const item of ITEMS) {
      await ui().type([`/yq new ${item.title}`, ...item.lines]);
      const confirmation = ui().bubble(new RegExp(`^已登记 YQ-\\d{8}-\\d{3}：${escapeRegExp(item.title)}`));
      await confirmation.waitFor({ timeout: FIRST_ANSWER_MS }); // a busy machine can make the first answer slow
      refs.push(/YQ-\d{8}-\d{3}/.exec(await confirmation.innerText())![0]);
      await ui().expectText(confirmation.locator('.bubble'), `牵头单位：${item.unit}`);
    }
    expect(new Set(refs).size).toBe(2);
    // The weekly report that must count them covers the week (from Monday) they were registered in.
    const week = periodContaining('weekly', await sandboxNow(scene()!.baseUrl), SANDBOX_ZONE);
    weekLabel = week.label;
    weekShortLabel = week.shortLabel;
    expect(weekLabel).toMatch(/^\d{4}年\d+月\d+日—/);
  });

  step('王副县长 presses 下一次报告 until his weekly report for that week arrives; each press lands on a report’s scheduled time', async () => {
    await ui().as(VICE_WANG.openId, VICE_WANG.name);
    await ui().openChat(BOT_CHAT);
    const landed: string[] = [];
    for (let press = 1; press <= MAX_PRESSES && (await weekly().count()) === 0; press += 1) {
      const now = await ui().moveClock('next_report');
      expect(now, 'a report is always scheduled').toBeDefined();
      const t = localTime(now!);
      landed.push(`${t.weekday} ${t.day}日 ${t.time}`);
      // One second past 18:00 (日志), Monday 09:00 (周报) or the 1st at 09:00 (月报).
      const isReportTime = t.time === '18:00:01' || (t.time === '09:00:01' && (t.weekday === 'Mon' || t.day === 1));
      expect(isReportTime, `the clock landed on ${landed.at(-1)}`).toBe(true);
      if (t.time === '09:00:01' && t.weekday === 'Mon') {
        // The weekly report goes out now: it reaches his chat through the outbox within moments.
        await weekly().waitFor({ timeout: 15_000 }).catch(() => undefined);
      }
    }
    expect(await weekly().count(), `no 舆情周报 for ${weekLabel} after pressing 下一次报告 at ${landed.join(', ')}`).toBe(1);
    expect(landed.at(-1)).toMatch(/^Mon /);
  });

  step('the weekly report reads first as a headline: two items registered that week', async () => {
    const card = weekly();
    await ui().expectText(card, '本周登记事项 2 件');
    for (const item of ITEMS) await ui().expectText(card, item.unit);
    await ui().screenshotOf('reports-01-weekly-digest', card);
  });

  step('its three charts are drawn by VChart on a canvas, with something painted on each', async () => {
    const charts = weekly().locator('.card-chart');
    await expect.poll(() => charts.count()).toBe(3);
    const titles = (await charts.locator('.chart-title').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(titles).toEqual(['图表 各单位牵头事项 · bar', '图表 事项类别 · pie', '图表 近 6 期事项数 · line']);
    for (let i = 0; i < 3; i += 1) {
      const canvas = charts.nth(i).locator('.chart-canvas canvas').first();
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(100);
      // Painted pixels, not an empty canvas.
      const painted = await canvas.evaluate((el) => {
        const c = el as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        if (data) for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) n += 1;
        return n;
      });
      expect(painted, `painted pixels in chart ${titles[i]}`).toBeGreaterThan(500);
    }
    await ui().screenshot('reports-02-charts', charts.first());
  });

  step('the data under each chart (数据) shows the report’s numbers', async () => {
    const charts = weekly().locator('.card-chart');
    const rows = async (i: number) => {
      const chart = charts.nth(i);
      await chart.locator('details.chart-data > summary', { hasText: '数据' }).click();
      const table = chart.locator('table.chart-table');
      await table.waitFor();
      // Rows as { column: cell } (the columns are the chart data's fields, in whatever order they come).
      const head = await table.locator('thead th').allInnerTexts();
      const cells = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      return cells.map((r) => Object.fromEntries(head.map((h, j) => [h, r[j]])));
    };
    const byUnit = await rows(0);
    expect(byUnit.map((r) => `${r.unit}:${r.count}`).sort()).toEqual(ITEMS.map((i) => `${i.unit}:1`).sort());
    const byCategory = await rows(1);
    expect(byCategory.map((r) => `${r.category}:${r.count}`).sort()).toEqual(ITEMS.map((i) => `${i.category}:1`).sort());
    const trend = await rows(2);
    expect(trend).toHaveLength(6);
    // The last point is this week, with its two items; the weeks before had none.
    expect(trend.map((r) => r.total)).toEqual(['0', '0', '0', '0', '0', '2']);
    // The axis labels are the periods' short forms (11.23—11.29), never cut.
    expect(trend.at(-1)!.period).toBe(weekShortLabel);
    expect(trend.map((r) => r.period).every((label) => /^\d+\.\d+—\d+\.\d+$/u.test(label ?? ''))).toBe(true);
    await ui().screenshotOf('reports-03-chart-data', charts.nth(0));
  });

  step('the news office gets the same weekly report in its group', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    await ui().expectText(weekly(), '本周登记事项 2 件');
    await weekly().locator('.chart-canvas canvas').first().waitFor();
  });

  it('the page logged no console error and threw nothing', () => {
    expect(scene()?.consoleWatch.problems).toEqual([]);
  });
});
