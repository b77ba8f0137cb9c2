import { randomBytes } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { loadOrgFile } from '../../src/org/load.js';
import { signed, textMessage, type SignedRequest } from './lark-events.js';
import { waitFor } from './load.js';

/**
 * Seeding. A few dozen "template" items are registered through the real app (webhook, commands,
 * workflow, cards sent to a fake Lark), so their clocks, reminders, card copies and outbox rows
 * have exactly the shapes the code makes; then they are copied in SQL (insert … select …
 * generate_series) to the size a measurement needs.
 */

export async function post(port: number, request: SignedRequest): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, body: await response.text() };
}

let sequence = 0;
export function say(sender: string, chatId: string, chatType: 'p2p' | 'group', text: string): { request: SignedRequest; messageId: string } {
  sequence += 1;
  const tag = `${sequence}_${randomBytes(4).toString('hex')}`;
  const messageId = `om_bench_${tag}`;
  const nowMs = new Date().getTime();
  return { messageId, request: signed('/webhook/event', textMessage({ eventId: `ev_bench_${tag}`, messageId, sender, chatId, chatType, text, nowMs }), nowMs) };
}

export interface OrgFacts {
  /** Units other than the news office, with their chat in the bench and first liaison. */
  units: { code: string; name: string; chatId: string; liaison?: string; leader?: string }[];
  newsChat: string;
  newsStaff: string;
  admin: string;
  /** Everybody named in the file (for commands from many people). */
  people: string[];
}

export async function orgFacts(orgFile: string): Promise<OrgFacts> {
  const { org } = await loadOrgFile(orgFile);
  const file = org as unknown as {
    admins: string[];
    units: { code: string; name: string; role: string; leaders: string[]; liaisons: string[]; members: string[] }[];
    people: Record<string, string>;
  };
  const news = file.units.find((u) => u.role === 'news_office')!;
  return {
    units: file.units.filter((u) => u !== news).map((u) => ({ code: u.code, name: u.name, chatId: `oc_bench_${u.code}`, liaison: u.liaisons[0], leader: u.leaders[0] })),
    newsChat: `oc_bench_${news.code}`,
    newsStaff: news.members[0] ?? news.leaders[0]!,
    admin: file.admins[0]!,
    people: Object.keys(file.people),
  };
}

export async function openOutbox(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where sent_at is null and dead_at is null`;
  return row!.n;
}

/**
 * Through the app on `port`: binds a group chat to every unit (`/yq bind`), then registers
 * `perUnit` items led by each unit (`/yq new`, one message with fields), a few of them major and
 * some with a cooperating unit, and waits until the app has sent every card.
 */
export async function registerTemplates(port: number, sql: postgres.Sql, facts: OrgFacts, perUnit: number): Promise<number> {
  const all = [{ code: 'news', chatId: facts.newsChat }, ...facts.units];
  for (const unit of all) {
    const { request } = say(facts.admin, unit.chatId, 'group', `/yq bind ${unit.code}`);
    const answer = await post(port, request);
    if (answer.status !== 200) throw new Error(`binding ${unit.code} failed: ${answer.status} ${answer.body}`);
  }
  let n = 0;
  for (let round = 0; round < perUnit; round += 1) {
    for (const [index, unit] of facts.units.entries()) {
      n += 1;
      const major = round === 0 && index % 4 === 0;
      const cooperating = round === 1 ? facts.units[(index + 1) % facts.units.length] : undefined;
      const text = [
        `/yq new 基准测试舆情 ${n}：${unit.name}相关网帖`,
        `链接: https://bench.example.cn/post/${n}`,
        '来源: 微博',
        `级别: ${major ? '重大' : '一般'}`,
        `部门: ${unit.name}${cooperating ? `, ${cooperating.name}` : ''}`,
        '摘要: 网友反映的问题（基准测试数据）',
      ].join('\n');
      // Each registration from its own private chat, so the replies are not paced behind each other.
      const { request } = say(facts.newsStaff, `oc_bench_reg_${n}`, 'p2p', text);
      const answer = await post(port, request);
      if (answer.status !== 200) throw new Error(`registration ${n} failed: ${answer.status} ${answer.body}`);
    }
  }
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from items`;
  if (count!.n !== n) throw new Error(`expected ${n} registered items, found ${count!.n} (see the app log)`);
  // The cards go out paced (≤ 4/s per chat): wait until every one is delivered.
  await waitFor('the template cards to be sent', async () => ((await openOutbox(sql)) === 0 ? true : undefined), 180_000, 250);
  const [dead] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where dead_at is not null`;
  if (dead!.n > 0) throw new Error(`${dead!.n} outbox rows were dead-lettered while seeding`);
  return n;
}

/**
 * Copies the template items (and their units, clocks, reminders, card copies with the outbox rows
 * that sent them, and audit rows) until the database holds `total` items. Refs and links are made
 * unique; the copies keep the templates' states and times. The reminders (about fifteen rows per
 * item now that overdue repeats are stored one at a time; about a hundred before) are written by
 * one session per core, with their two secondary indexes built once at the end from the same
 * definitions; foreign keys are not checked row by row (superusers only; every copy
 * points at rows that exist).
 */
export async function cloneItems(url: string, total: number): Promise<{ items: number; reminders: number; clocks: number; cards: number; ms: number }> {
  const started = performance.now();
  const sessions = Math.max(1, Math.min(4, os.cpus().length));
  const sql = postgres(url, { max: sessions, onnotice: () => undefined, connection: { TimeZone: 'UTC' } });
  try {
    const [role] = await sql<{ su: boolean }[]>`select rolsuper as su from pg_roles where rolname = current_user`;
    const bulk = async (tx: postgres.TransactionSql) => {
      if (role?.su) await tx`set local session_replication_role = replica`;
      await tx`set local synchronous_commit = off`;
      await tx`set local maintenance_work_mem = '256MB'`;
    };
    const copies = await sql.begin(async (tx) => {
      await bulk(tx);
      const [{ k } = { k: 0 }] = await tx<{ k: number }[]>`select count(*)::int as k from items`;
      const n = total - k;
      if (n <= 0) return 0;
      await tx`drop table if exists bench_clone_map`;
      await tx`create unlogged table bench_clone_map as
        select g, t.id as tid, nextval(pg_get_serial_sequence('items', 'id')) as nid
        from generate_series(1, ${n}::int) g
        join (select id, (row_number() over (order by id) - 1)::int as rn from items) t on t.rn = (g - 1) % ${k}::int`;
      await tx`create index on bench_clone_map (tid)`;
      await tx`insert into items (id, ref, title, summary, source, url, url_key, posted_at, discovered_at, registered_at, registered_by, spread,
          propagation_path, comment_situation, netizen_views, category, level, kind, state, acknowledged_at, closed_at, drill, routing_note, version, updated_at)
        select m.nid, 'YQ-' || to_char(date '2001-01-01' + (m.g / 1000), 'YYYYMMDD') || '-' || lpad((m.g % 1000)::text, 3, '0'),
          i.title || ' #' || m.g, i.summary, i.source, i.url || '?copy=' || m.g, i.url_key || '?copy=' || m.g, i.posted_at, i.discovered_at,
          i.registered_at, i.registered_by, i.spread, i.propagation_path, i.comment_situation, i.netizen_views, i.category, i.level, i.kind,
          i.state, i.acknowledged_at, i.closed_at, i.drill, i.routing_note, i.version, i.updated_at
        from bench_clone_map m join items i on i.id = m.tid`;
      await tx`insert into item_units (item_id, unit_code, role, active, since)
        select m.nid, u.unit_code, u.role, u.active, u.since from bench_clone_map m join item_units u on u.item_id = m.tid`;
      await tx`insert into clocks (item_id, kind, starts_at, due_at, extended_due_at, met_at, met_by, beyond_calendar, updated_at)
        select m.nid, c.kind, c.starts_at, c.due_at, c.extended_due_at, c.met_at, c.met_by, c.beyond_calendar, c.updated_at
        from bench_clone_map m join clocks c on c.item_id = m.tid`;
      await tx`insert into outbox (key, kind, lane, target, payload, created_at, attempts, next_attempt_at, claimed_until, sent_at, dead_at, result, last_error)
        select regexp_replace(o.key, '^card:[0-9]+:', 'card:' || m.nid || ':'), o.kind, o.lane, o.target, o.payload, o.created_at, o.attempts,
          o.next_attempt_at, o.claimed_until, o.sent_at, o.dead_at, o.result, o.last_error
        from bench_clone_map m join item_cards c on c.item_id = m.tid join outbox o on o.key = c.send_key`;
      await tx`insert into item_cards (item_id, audience, variant, unit_code, send_key, version, sent_at, moved_at)
        select m.nid, c.audience, c.variant, c.unit_code, regexp_replace(c.send_key, '^card:[0-9]+:', 'card:' || m.nid || ':'), c.version, c.sent_at, c.moved_at
        from bench_clone_map m join item_cards c on c.item_id = m.tid`;
      await tx`insert into audit_log (at, actor, action, item_id, subject, before, after)
        select a.at, a.actor, a.action, m.nid, a.subject, a.before, a.after from bench_clone_map m join audit_log a on a.item_id = m.tid`;
      return n;
    });
    if (copies > 0) {
      const indexes = await sql<{ name: string; def: string }[]>`
        select indexname as name, indexdef as def from pg_indexes where tablename = 'reminders' and indexname <> 'reminders_pkey'`;
      for (const index of indexes) await sql.unsafe(`drop index "${index.name}"`);
      await Promise.all(
        Array.from({ length: sessions }, (_, part) =>
          sql.begin(async (tx) => {
            await bulk(tx);
            await tx`insert into reminders (item_id, clock, step, clock_due_at, due_at, audience, urgent_for, status, attempts, sent_at)
              select m.nid, r.clock, r.step, r.clock_due_at, r.due_at, r.audience, r.urgent_for, r.status, r.attempts, r.sent_at
              from bench_clone_map m join reminders r on r.item_id = m.tid where m.g % ${sessions}::int = ${part}::int`;
          }),
        ),
      );
      await sql.begin(async (tx) => {
        await bulk(tx);
        for (const index of indexes) await tx.unsafe(index.def);
      });
      await sql`drop table bench_clone_map`;
    }
    await sql`analyze`;
    const [counts] = await sql<{ items: number; reminders: number; clocks: number; cards: number }[]>`
      select (select count(*)::int from items) as items, (select count(*)::int from reminders) as reminders,
        (select count(*)::int from clocks) as clocks, (select count(*)::int from item_cards) as cards`;
    return { ...counts!, ms: performance.now() - started };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
