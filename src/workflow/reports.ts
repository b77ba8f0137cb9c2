import cronParser from 'cron-parser';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { digestCard } from '../../cards/digest.js';
import { customPeriod, lastCompletePeriod, periodContaining, previousPeriod, type Period, type PeriodKind } from '../domain/periods.js';
import type { Policy } from '../domain/policy.js';
import { endOfLocalDate, startOfLocalDate } from '../domain/time.js';
import { shapeReport, type ReportKind, type ReportView } from '../domain/report.js';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { listActiveUnits, openIdsOf } from '../db/queries/organisation.js';
import { enqueueOutbox, type SendTarget } from '../db/queries/outbox.js';
import { reportAggregates, type ReportScope } from '../db/queries/reports.js';
import { people, reportRuns } from '../db/schema/index.js';
import { eq, and } from 'drizzle-orm';

export interface BuiltReport {
  period: Period;
  view: ReportView;
  card: Record<string, unknown>;
}

const TREND_POINTS = 6;
const EXPORT_HINT: Record<ReportKind, string> = {
  daily: '完整数据请发送“/舆情 导出 今天”',
  weekly: '完整数据请发送“/舆情 导出 上周”',
  monthly: '完整数据请发送“/舆情 导出 上月”',
  custom: '完整数据请发送“/舆情 导出 <开始日期> <结束日期>”',
};

/** A period's report: SQL aggregates → the pure shaping → the digest card. */
export async function buildReport(db: DbOrTx, input: { period: Period; scope: ReportScope; now: Date; tz: string }): Promise<BuiltReport> {
  const { period, tz } = input;
  const previous = previousPeriod(period, tz);
  const trendPeriods: Period[] = [];
  let cursor = period;
  for (let i = 0; i < TREND_POINTS; i += 1) {
    trendPeriods.unshift(cursor);
    cursor = previousPeriod(cursor, tz);
  }
  const kind: ReportKind = period.kind;
  const aggregates = await reportAggregates(db, { kind, period, previous, trendPeriods, scope: input.scope, now: input.now, tz });
  const view = shapeReport(aggregates);
  return { period, view, card: digestCard(view, { exportHint: EXPORT_HINT[kind] }) };
}

/** The last time a report's cron fired at or before `now`, in the county's zone. */
export function lastFire(cron: string, now: Date, tz: string): Date {
  return cronParser.parseExpression(cron, { currentDate: new Date(now.getTime() + 1), tz }).prev().toDate();
}

/** Which period a scheduled report covers when it fires: the day so far, the last full week or month. */
export function scheduledPeriod(kind: PeriodKind, fire: Date, tz: string): Period {
  return kind === 'daily' ? periodContaining('daily', fire, tz) : lastCompletePeriod(kind, fire, tz);
}

async function recipients(tx: Tx, kind: PeriodKind): Promise<{ key: string; target: SendTarget }[]> {
  const units = await listActiveUnits(tx);
  const unitTargets = (roles: string[]) => units.filter((u) => roles.includes(u.role)).map((u) => ({ key: `unit:${u.code}`, target: { unit: u.code } as SendTarget }));
  if (kind === 'daily') return unitTargets(['news_office']);
  const leaders = await tx.select({ key: people.key }).from(people).where(and(eq(people.isCountyLeader, true), eq(people.active, true)));
  const leaderIds = await openIdsOf(tx, leaders.map((l) => l.key));
  return [...leaderIds.map((openId) => ({ key: `user:${openId}`, target: { openId } as SendTarget })), ...unitTargets(['government_office', 'propaganda', 'news_office'])];
}

/**
 * Sends each scheduled report whose time has come and that has not gone out yet: the run row and
 * the outbox messages commit together, so a period's report goes out exactly once, and a report
 * missed while the bot was down goes out when it is back.
 */
export async function runScheduledReports(db: Db, input: { policy: Policy; tz: string; now: Date; log: Logger }): Promise<string[]> {
  const sent: string[] = [];
  const [{ first } = { first: null }] = await db.execute<{ first: string | null }>(sql`select min(registered_at) as first from items where not drill`);
  // Nothing is reported for periods that ended before the county's first item: a county starting
  // today gets no empty weekly and monthly digests for last week and last month.
  if (first === null) return sent;
  const firstRegistered = new Date(first);
  const schedules: [PeriodKind, string][] = [
    ['daily', input.policy.reports.daily_log],
    ['weekly', input.policy.reports.weekly],
    ['monthly', input.policy.reports.monthly],
  ];
  for (const [kind, cron] of schedules) {
    const fire = lastFire(cron, input.now, input.tz);
    const period = scheduledPeriod(kind, fire, input.tz);
    if (period.to.getTime() <= firstRegistered.getTime()) continue;
    await db.transaction(async (tx) => {
      const [run] = await tx
        .insert(reportRuns)
        .values({ kind, periodStart: period.from.toISOString(), periodLabel: period.label, sentAt: input.now })
        .onConflictDoNothing()
        .returning();
      if (!run) return;
      const report = await buildReport(tx, { period, scope: {}, now: input.now, tz: input.tz });
      for (const recipient of await recipients(tx, kind)) {
        await enqueueOutbox(tx, `report:${kind}:${run.periodStart}:${recipient.key}`, { kind: 'send', target: recipient.target, message: { msgType: 'interactive', card: report.card } }, input.now);
      }
      sent.push(`${kind}:${period.label}`);
      input.log.info({ kind, period: period.label, total: report.view.total }, 'scheduled report sent');
    });
  }
  return sent;
}

/** `周` / `月` / `日` / `上周` / `2026-11-01 2026-11-30`: the period a person asks for. */
export function requestedPeriod(words: string[], now: Date, tz: string): Period | undefined {
  const [first = '周', second] = words;
  const named: Record<string, () => Period> = {
    日: () => periodContaining('daily', now, tz),
    今天: () => periodContaining('daily', now, tz),
    day: () => periodContaining('daily', now, tz),
    周: () => periodContaining('weekly', now, tz),
    本周: () => periodContaining('weekly', now, tz),
    week: () => periodContaining('weekly', now, tz),
    上周: () => lastCompletePeriod('weekly', now, tz),
    月: () => periodContaining('monthly', now, tz),
    本月: () => periodContaining('monthly', now, tz),
    month: () => periodContaining('monthly', now, tz),
    上月: () => lastCompletePeriod('monthly', now, tz),
  };
  if (named[first.toLowerCase()] && !second) return named[first.toLowerCase()]!();
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (date.test(first) && second && date.test(second)) {
    const from = startOfLocalDate(first, tz);
    const to = endOfLocalDate(second, tz);
    return from < to ? customPeriod(from, to, tz) : undefined;
  }
  return undefined;
}

/** The next time any scheduled report fires after `now` (the sandbox's 下一次报告). */
export function nextReportAfter(policy: Policy, now: Date, tz: string): Date | undefined {
  const fires = [policy.reports.daily_log, policy.reports.weekly, policy.reports.monthly].map((cron) =>
    cronParser.parseExpression(cron, { currentDate: now, tz }).next().toDate(),
  );
  return fires.sort((a, b) => a.getTime() - b.getTime())[0];
}
