import type postgres from 'postgres';

/**
 * Items for the monthly report, made in SQL (generate_series) because a million cannot go through
 * the app in a bench: every item registered inside the reported month, not drills except 0.5 %,
 * each with its lead unit (15 % with a cooperating one), its clocks (met on time, late or still
 * open, by state), and a few extensions, disputes, consultations and reopenings — the rows the
 * report's SQL reads.
 */
export async function seedReportItems(sql: postgres.Sql, n: number, from: Date, to: Date, unitCodes: string[]): Promise<{ ms: number; rebuildMs: number; counts: Record<string, number> }> {
  const started = performance.now();
  const units = sql.array(unitCodes);
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    // Bulk-load speed: no per-row foreign-key checks (superusers only; every reference is made here).
    const [role] = await tx<{ su: boolean }[]>`select rolsuper as su from pg_roles where rolname = current_user`;
    if (role?.su) await tx`set local session_replication_role = replica`;
    await tx`set local maintenance_work_mem = '256MB'`;
    // Shapes by g: ~10 % dispatched, 5 % acknowledged, 5 % verified, 5 % in review, 5 % responded, 10 % watching, 60 % closed.
    await tx`insert into items (ref, title, summary, source, url, url_key, posted_at, discovered_at, registered_at, registered_by, spread,
        category, level, kind, state, acknowledged_at, closed_at, drill, version, updated_at)
      select 'YQ-R' || lpad(g::text, 8, '0'), '报表基准舆情 ' || g, '网友反映的问题（基准测试数据）',
        (array['weibo','wechat','douyin','portal','forum','news_comments','blog','press','tv','other'])[1 + (g * 7) % 10],
        'https://r.example.cn/p/' || g, 'r.example.cn/p/' || g, reg - interval '3 hours', reg - interval '1 hour', reg, 'ou_demo_news_staff1',
        jsonb_build_object('views', (g * 37) % 100000, 'reposts', g % 500, 'comments', g % 300),
        (array['general','general','public_interest','livelihood','policy_misread','emergency','higher_demand','rumour'])[1 + (g * 13) % 8],
        case when g % 50 = 0 then 'critical' when g % 12 = 0 then 'major' else 'general' end,
        case when g % 5 = 0 then 'inquiry' else 'opinion' end,
        st.state,
        case when st.state <> 'dispatched' then reg + ((g % 180) || ' minutes')::interval end,
        case when st.state = 'closed' then reg + interval '9 days' end,
        g % 200 = 0, 5, reg
      from (select g, ${from.toISOString()}::timestamptz + (${to.toISOString()}::timestamptz - ${from.toISOString()}::timestamptz) * ((g - 0.5) / ${n}::int) as reg
            from generate_series(1, ${n}::int) g) s
      cross join lateral (select (array['dispatched','dispatched','acknowledged','verified','in_review','responded','watching','watching',
        'closed','closed','closed','closed','closed','closed','closed','closed','closed','closed','closed','closed'])[1 + (g * 31) % 20] as state) st`;
    await tx`create temp table r on commit drop as
      select id, registered_at as reg, discovered_at as disc, state, level, kind, acknowledged_at as ack, row_number() over (order by id) as g
      from items where ref like 'YQ-R%'`;
    await tx`insert into item_units (item_id, unit_code, role, active, since)
      select id, (${units}::text[])[1 + g % cardinality(${units}::text[])], 'lead', true, reg from r`;
    await tx`insert into item_units (item_id, unit_code, role, active, since)
      select id, (${units}::text[])[1 + (g + 1) % cardinality(${units}::text[])], 'cooperating', true, reg from r where g % 7 = 0`;
    const past = (states: string[]) => tx`r.state = any(${tx.array(states)}::text[])`;
    await tx`insert into clocks (item_id, kind, starts_at, due_at, met_at, met_by, updated_at)
      select id, 'ack', reg, reg + case level when 'critical' then interval '30 minutes' when 'major' then interval '1 hour' else interval '2 hours' end,
        ack, case when ack is not null then 'acknowledge' end, reg from r`;
    await tx`insert into clocks (item_id, kind, starts_at, due_at, met_at, met_by, updated_at)
      select id, 'verify', reg, reg + case level when 'critical' then interval '6 hours' when 'major' then interval '12 hours' else interval '24 hours' end,
        case when ${past(['verified', 'in_review', 'responded', 'watching', 'closed'])} then reg + ((g % 30) || ' hours')::interval end,
        case when ${past(['verified', 'in_review', 'responded', 'watching', 'closed'])} then 'verification' end, reg from r`;
    await tx`insert into clocks (item_id, kind, starts_at, due_at, met_at, met_by, updated_at)
      select id, 'respond', disc, disc + case level when 'critical' then interval '24 hours' else interval '48 hours' end,
        case when ${past(['responded', 'watching', 'closed'])} then disc + ((g % 60) || ' hours')::interval end,
        case when ${past(['responded', 'watching', 'closed'])} then 'publication:official_site' end, reg from r`;
    await tx`insert into clocks (item_id, kind, starts_at, due_at, met_at, met_by, updated_at)
      select id, 'answer', reg, reg + interval '3 days', case when ${past(['responded', 'watching', 'closed'])} then reg + ((g % 90) || ' hours')::interval end,
        case when ${past(['responded', 'watching', 'closed'])} then 'publication:official_site' end, reg from r where kind = 'inquiry'`;
    await tx`insert into clocks (item_id, kind, starts_at, due_at, met_at, updated_at)
      select id, 'watch', disc + interval '40 hours', disc + interval '40 hours' + interval '7 days', case when r.state = 'closed' then disc + interval '40 hours' + interval '7 days' end, reg
      from r where ${past(['responded', 'watching', 'closed'])}`;
    // The audit trail's registrations and acknowledgements (two rows per item) are not seeded: the
    // report reads only reopenings from it (through audit_reopened), and the export, which reads it
    // all, is not part of this measure.
    await tx`insert into audit_log (at, actor, action, item_id, subject, before, after)
      select reg + interval '10 days', 'ou_demo_news_staff1', 'item.reopened', id, 'item:YQ-R' || g, null, null from r where g % 200 = 7`;
    await tx`insert into extensions (item_id, clock, previous_due_at, new_due_at, reason, by, at)
      select id, 'respond', disc + interval '48 hours', disc + interval '72 hours', '需要进一步核实', 'ou_demo_news_staff1', reg + interval '20 hours' from r where g % 100 = 3`;
    await tx`update clocks c set extended_due_at = c.due_at + interval '24 hours' from r where c.item_id = r.id and c.kind = 'respond' and r.g % 100 = 3`;
    await tx`insert into disputes (item_id, from_unit, reason, by, at)
      select id, (${units}::text[])[1 + g % cardinality(${units}::text[])], '不属于本单位职责', 'ou_demo_health_liaison', reg + interval '1 hour' from r where g % 200 = 11`;
    await tx`insert into consultations (item_id, chat_key, convened_by, convened_at)
      select id, 'create-chat:bench:' || g, 'ou_demo_news_director', reg + interval '2 hours' from r where g % 300 = 13`;
  });
  await sql`analyze`;
  // The bulk load bypassed the rollup triggers (replica role): count everything once, as the
  // migration does for an existing database and the bot does for a new zone.
  const rebuildStarted = performance.now();
  await sql`select yq_report_rebuild()`;
  const rebuildMs = performance.now() - rebuildStarted;
  await sql`analyze report_rollup`;
  const [counts] = await sql<Record<string, number>[]>`
    select (select count(*)::int from items) as items, (select count(*)::int from clocks) as clocks, (select count(*)::int from item_units) as item_units,
      (select count(*)::int from audit_log) as audit_log, (select count(*)::int from consultations) as consultations,
      (select count(*)::int from extensions) as extensions, (select count(*)::int from disputes) as disputes,
      (select count(*)::int from report_rollup) as report_rollup`;
  return { ms: performance.now() - started, rebuildMs, counts: counts! };
}
