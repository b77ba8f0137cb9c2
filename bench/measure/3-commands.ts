import type postgres from 'postgres';
import { round, type BenchContext } from '../lib/context.js';
import { startFakeLark } from '../lib/fake-lark.js';
import { percentiles, runOpenLoop, sleep, waitFor } from '../lib/load.js';
import { cloneItems, orgFacts, say } from '../lib/seed.js';

/** Closed items from earlier months with the records their work left (one verification each). */
async function seedHistory(sql: postgres.Sql, n: number) {
  await sql.begin(async (tx) => {
    await tx`insert into items (ref, title, summary, source, url, url_key, discovered_at, registered_at, registered_by, category, level, kind, state, acknowledged_at, closed_at, drill, version, updated_at)
      select 'YQ-H' || lpad(g::text, 8, '0'), '历史舆情 ' || g, '已办结', 'weibo', 'https://h.example.cn/' || g, 'h.example.cn/' || g,
        now() - interval '200 days' + (g || ' minutes')::interval, now() - interval '200 days' + (g || ' minutes')::interval, 'ou_demo_news_staff1',
        'general', 'general', 'opinion', 'closed', now() - interval '199 days', now() - interval '190 days', false, 9, now() - interval '190 days'
      from generate_series(1, ${n}::int) g`;
    await tx`insert into verifications (item_id, outcome, findings, rectification_needed, measures, rectify_by, by, at)
      select id, 'partly', '经核实，部分属实。', (id % 10 = 0), null, null, 'ou_demo_health_liaison', registered_at + interval '5 hours' from items where ref like 'YQ-H%'`;
    await tx`insert into rectifications (item_id, note, done_at, by, at)
      select id, '已整改', registered_at + interval '5 days', 'ou_demo_health_liaison', registered_at + interval '5 days' from items where ref like 'YQ-H%' and id % 10 = 0`;
    await tx`insert into extensions (item_id, clock, previous_due_at, new_due_at, reason, by, at)
      select id, 'respond', registered_at + interval '48 hours', registered_at + interval '72 hours', '需要进一步核实', 'ou_demo_news_staff1', registered_at + interval '20 hours'
      from items where ref like 'YQ-H%' and id % 50 = 0`;
  });
  await sql`analyze`;
  const [counts] = await sql<{ items: number; verifications: number; rectifications: number; extensions: number }[]>`
    select (select count(*)::int from items where ref like 'YQ-H%') as items, (select count(*)::int from verifications) as verifications,
      (select count(*)::int from rectifications) as rectifications, (select count(*)::int from extensions) as extensions`;
  return counts!;
}

/**
 * 3. Text commands: `/yq whoami` and `/yq list` (the 30 newest open items, each with its clocks
 * worked out) as private messages through the webhook route, from everybody in the organisation
 * file in turn, on a database with the click run's number of open items. Two times: the webhook
 * answer to Lark (the transaction committed, the reply queued) and the reply arriving at Lark
 * (the outbox sender woken by the commit).
 */
export const COMMANDS_DATABASE = 'bench_commands';

export async function measureCommands(ctx: BenchContext): Promise<void> {
  const section = '3 text commands';
  const { commandRate, commandSeconds, connections, clickItems } = ctx.params;
  const database = COMMANDS_DATABASE;
  // The click run leaves a copy of its seeded database before any click (or make one here).
  if (!ctx.details.commandsDatabaseReady) {
    await ctx.server.createDatabase(database, ctx.baseDatabase);
    await cloneItems(ctx.server.urlFor(database), clickItems);
  }
  // Not while the server still works off the click run (autovacuum of its writes).
  const quietAfterMs = await ctx.server.quiet(60_000);
  ctx.note(`commands: started once the database server had been quiet for a second (waited ${(quietAfterMs / 1000).toFixed(1)} s)`);
  const sql = ctx.server.admin(database);
  const facts = await orgFacts(ctx.orgFile);
  const lark = await startFakeLark();
  const app = await ctx.startApp(database, lark.url, 'commands');
  try {
    await sleep(2000);
    const total = commandRate * commandSeconds;
    const build = (i: number) => {
      const person = facts.people[i % facts.people.length]!;
      const text = i % 2 === 0 ? '/yq whoami' : '/yq list';
      return { ...say(person, `oc_bench_p2p_${person}`, 'p2p', text), text };
    };
    await runOpenLoop({ port: app.port, rate: commandRate, connections, requests: Array.from({ length: 20 }, (_, i) => build(i).request) });
    await sleep(1000);
    const messages = Array.from({ length: total }, (_, i) => build(i));
    const result = await runOpenLoop({ port: app.port, rate: commandRate, connections, requests: messages.map((m) => m.request) });
    // Replies go out through the outbox: wait for the last one (or give up after 60 s).
    await waitFor('the command replies', () => (messages.every((m) => lark.replies.has(m.messageId)) ? true : undefined), 60_000, 100).catch(() => undefined);
    const answerMs = { whoami: [] as number[], list: [] as number[] };
    let missing = 0;
    messages.forEach((m, i) => {
      const arrived = lark.replies.get(m.messageId);
      if (arrived === undefined) return void (missing += 1);
      answerMs[m.text === '/yq whoami' ? 'whoami' : 'list'].push(arrived - (result.startedAt + result.dueAt[i]!));
    });
    const http = { whoami: [] as number[], list: [] as number[] };
    result.byIndex.forEach((l, i) => {
      if (!Number.isNaN(l)) http[messages[i]!.text === '/yq whoami' ? 'whoami' : 'list'].push(l);
    });
    const baseline = ctx.baseline;
    const ratio = (value: number, base?: number) => (base ? round(value / base) : undefined);
    ctx.details.commands = {
      webhook: { whoami: percentiles(http.whoami), list: percentiles(http.list) },
      reply: { whoami: percentiles(answerMs.whoami), list: percentiles(answerMs.list) },
      statuses: result.statuses,
      fakeLarkCalls: { ...lark.counts },
    };
    for (const command of ['whoami', 'list'] as const) {
      const hook = percentiles(http[command]);
      const reply = percentiles(answerMs[command]);
      ctx.record({ section, name: `${command}: webhook answer p50`, value: round(hook.p50), unit: 'ms', baseline: baseline?.p50, ratio: ratio(hook.p50, baseline?.p50) });
      ctx.record({ section, name: `${command}: webhook answer p99`, value: round(hook.p99), unit: 'ms', baseline: baseline?.p99, ratio: ratio(hook.p99, baseline?.p99), target: '< 50 ms', pass: hook.p99 < 50 });
      ctx.record({ section, name: `${command}: reply at Lark p50`, value: round(reply.p50), unit: 'ms', baseline: baseline?.p50, ratio: ratio(reply.p50, baseline?.p50) });
      ctx.record({ section, name: `${command}: reply at Lark p99`, value: round(reply.p99), unit: 'ms', baseline: baseline?.p99, ratio: ratio(reply.p99, baseline?.p99), target: '< 50 ms', pass: reply.p99 < 50 });
    }
    ctx.record({ section, name: 'errors / replies missing', value: `${result.errors} / ${missing}`, unit: '', target: '0 / 0', pass: result.errors === 0 && missing === 0 });

    // The same `/yq list` once the records tables hold a county's history (closed items with their
    // verifications, rectifications and extensions): every listed row (and every click, through
    // the clocks) reads them by item, through their item_id indexes (migration 0009).
    const history = await seedHistory(sql, clickItems);
    ctx.note(`commands: added ${history.items} closed items with ${history.verifications} verifications, ${history.rectifications} rectifications, ${history.extensions} extensions`);
    await sql`analyze`;
    const lists = Array.from({ length: Math.max(20, commandRate * 5) }, (_, i) => say(facts.people[i % facts.people.length]!, `oc_bench_p2p_hist_${i % facts.people.length}`, 'p2p', '/yq list'));
    const run = await runOpenLoop({ port: app.port, rate: Math.min(commandRate, 10), connections, requests: lists.slice(0, ctx.params.quick ? 15 : lists.length).map((l) => l.request) });
    const withHistory = percentiles(run.latencies);
    // What one of those reads costs (latestVerification: by item, newest first).
    const [open] = await sql<{ id: number }[]>`select id::int as id from items where state = 'dispatched' order by registered_at desc limit 1`;
    const plan = (await sql.unsafe(`explain (analyze) select * from verifications where item_id = ${Number(open!.id)} order by id desc limit 1`)).map((row) => String(Object.values(row)[0]));
    const scan = `${plan.find((l) => /Scan/.test(l))?.trim().replace(/\s+\(cost.*$/, '').replace(/^->\s*/, '') ?? '?'}, ${plan.find((l) => /Execution Time/.test(l))?.replace(/.*: /, '') ?? '?'}`;
    ctx.record({ section, name: 'list with a county\'s history: p50 / p99', value: `${round(withHistory.p50)} / ${round(withHistory.p99)}`, unit: 'ms', target: 'p99 < 50 ms', pass: withHistory.p99 < 50, note: `${history.verifications} verification rows; one read by item: ${scan}` });
    ctx.details.commandsHistory = { history, withHistory, plan };
  } finally {
    await app.stop();
    await lark.close();
    await sql.end({ timeout: 5 });
    await ctx.server.dropDatabase(database);
  }
}
