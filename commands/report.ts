import { z } from 'zod';
import { can } from '../src/domain/permissions.js';
import { CLOCK_LABELS_ZH, type ClockKind } from '../src/domain/clocks.js';
import { STATE_LABELS_ZH, type ItemState } from '../src/domain/lifecycle.js';
import { sql } from 'drizzle-orm';
import { enqueueOutbox } from '../src/db/queries/outbox.js';
import { toCsv } from '../src/lark/csv.js';
import { standingRoles, type Actor } from '../src/workflow/actor.js';
import { InputError, RefusedError } from '../src/workflow/errors.js';
import { buildReport, requestedPeriod } from '../src/workflow/reports.js';
import { formatLocalTime } from '../src/workflow/present.js';
import type { ReportScope } from '../src/db/queries/reports.js';
import { defineCommand, type CommandContext } from './types.js';

const PERIOD_HELP = '周期可写：日/今天、周/本周、上周、月/本月、上月，或“2026-11-01 2026-11-30”';

/** County-wide for the news office, the propaganda dept and county leaders; otherwise one's own unit. */
function scopeFor(actor: Actor): ReportScope {
  const roles = standingRoles(actor);
  if (can(roles, 'report_county').allowed) return {};
  const own = actor.memberships.find((m) => m.role !== 'member');
  if (!own) throw new RefusedError('report_own_unit', '只有县新闻办、县委宣传部、县领导可以查看全县报告；各单位负责人和联络人可以查看本单位的报告。', 'role_not_allowed');
  return { unitCode: own.unitCode, unitName: own.unitName };
}

function periodOf(ctx: CommandContext, words: string[]) {
  const period = requestedPeriod(words, ctx.now, ctx.org.timezone);
  if (!period) throw new InputError(`看不懂这个周期。${PERIOD_HELP}`);
  return period;
}

export const reportCommand = defineCommand({
  name: 'report',
  aliases: ['报告'],
  summary: '舆情报告：全县（县新闻办、宣传部、县领导）或本单位（各单位负责人、联络人）',
  usage: ['/yq report [周期]'],
  examples: ['/舆情 报告 周', '/舆情 报告 上月', '/yq report 2026-11-01 2026-11-30'],
  args: z.array(z.string({ error: '周期只能是文字' })).max(2, { error: PERIOD_HELP }),
  async run(ctx, words) {
    const scope = scopeFor(ctx.actor);
    const report = await buildReport(ctx.tx, { period: periodOf(ctx, words), scope, now: ctx.now, tz: ctx.org.timezone });
    await ctx.reply({ msgType: 'interactive', card: report.card });
  },
});

export const exportCommand = defineCommand({
  name: 'export',
  aliases: ['导出'],
  summary: '导出台账和办理记录（CSV，私聊发给您）',
  usage: ['/yq export [周期]'],
  examples: ['/舆情 导出 上周', '/yq export 2026-11-01 2026-11-30'],
  args: z.array(z.string({ error: '周期只能是文字' })).max(2, { error: PERIOD_HELP }),
  async run(ctx, words) {
    const scope = scopeFor(ctx.actor);
    const period = periodOf(ctx, words);
    const tz = ctx.org.timezone;
    const unitFilter = scope.unitCode ? sql` and lu.unit_code = ${scope.unitCode}` : sql``;
    const rows = await ctx.tx.execute<Record<string, unknown>>(sql`
      select i.id, i.ref, i.title, i.category, i.level, i.kind, i.source, i.url, i.state, i.registered_at, i.discovered_at, un.name as lead,
        (select string_agg(c.kind || ':' || coalesce(to_char(c.met_at at time zone ${tz}, 'YYYY-MM-DD HH24:MI'), '未完成') || '/' || to_char(coalesce(c.extended_due_at, c.due_at) at time zone ${tz}, 'YYYY-MM-DD HH24:MI'), '; ' order by c.kind) from clocks c where c.item_id = i.id and c.kind <> 'watch') as clocks
      from items i left join item_units lu on lu.item_id = i.id and lu.role = 'lead' and lu.active left join units un on un.code = lu.unit_code
      where not i.drill and i.registered_at >= ${period.from.toISOString()}::timestamptz and i.registered_at < ${period.to.toISOString()}::timestamptz${unitFilter}
      order by i.registered_at`);
    const ledger = toCsv(
      ['编号', '标题', '类别', '级别', '类型', '来源', '链接', '牵头单位', '状态', '登记时间', '发现时间', '时限（完成/截止）'],
      rows.map((r) => [
        r.ref, r.title, r.category, r.level, r.kind, r.source, r.url, r.lead,
        STATE_LABELS_ZH[r.state as ItemState] ?? r.state,
        formatLocalTime(new Date(String(r.registered_at)), tz), formatLocalTime(new Date(String(r.discovered_at)), tz),
        String(r.clocks ?? '').replace(/\b(ack|verify|respond|answer|rectify)\b/g, (k) => CLOCK_LABELS_ZH[k as ClockKind]),
      ]),
    );
    const ids = rows.map((r) => Number(r.id));
    const trail = ids.length === 0 ? [] : await ctx.tx.execute<Record<string, unknown>>(sql`
      select a.at, a.actor, a.action, i.ref from audit_log a join items i on i.id = a.item_id
      where a.item_id in ${sql.raw(`(${ids.join(',')})`)} order by a.at, a.id`);
    const audit = toCsv(['时间', '编号', '操作人', '操作'], trail.map((r) => [formatLocalTime(new Date(String(r.at)), tz), r.ref, r.actor, r.action]));
    const stamp = period.label.replace(/[—\s]/g, '_');
    const base = `${scope.unitName ?? '全县'}_${stamp}`;
    await enqueueOutbox(ctx.tx, `export:${ctx.actor.openId}:${ctx.now.getTime()}:ledger`, { kind: 'send_file', target: { openId: ctx.actor.openId }, fileName: `舆情台账_${base}.csv`, content: ledger }, ctx.now);
    await enqueueOutbox(ctx.tx, `export:${ctx.actor.openId}:${ctx.now.getTime()}:audit`, { kind: 'send_file', target: { openId: ctx.actor.openId }, fileName: `办理记录_${base}.csv`, content: audit }, ctx.now);
    await ctx.reply({ msgType: 'text', text: `已导出 ${period.label} 的 ${rows.length} 条舆情和 ${trail.length} 条办理记录，文件已私聊发给您。` });
  },
});
