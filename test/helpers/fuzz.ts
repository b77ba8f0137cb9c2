import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { manualClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { handleInbound, type CardResponse, type InboundDeps } from '../../src/inbound/handle.js';
import { CARD_ACTIONS } from '../../src/inbound/card-actions.js';
import { validateCard } from '../../src/lark/card-schema.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { madeInBeforeAll } from './harness.js';
import { cardActionEvent, messageEvent } from './lark-webhook.js';
import { seedOrganisation, silentLog } from './org.js';

/**
 * Generated command texts and card payloads (fast-check) through the app's one entry point,
 * handleInbound, on a real database. Each must be answered (a reply queued, or a toast or card
 * returned) or refused cleanly: never a throw, never an unhandled rejection, never the "something
 * went wrong (reference …)" answer that an unexpected error produces.
 */

const PEOPLE = ['ou_admin', 'ou_news_lead', 'ou_news_staff', 'ou_health_lead', 'ou_health_liaison', 'ou_edu_liaison', 'ou_police_liaison', 'ou_vice_wang', 'ou_prop_liaison', 'ou_stranger'];
const CHATS = ['oc_news', 'oc_health', 'oc_police', 'oc_unbound_group'];
const WORDS = COMMANDS.flatMap((command) => [command.name, ...command.aliases]);
const UNITS = ['health', '县卫健委', '卫健委', 'police', '公安局', 'education', 'news', '不存在的单位'];
const FIELDS = ['来源', '级别', '部门', '链接', '摘要', '发布时间', '发现时间', '类别', '类型', '传播', '评论', '观点', '演练', '强制', '时限', '原因'];
const FORM_FIELDS = ['agreed', 'channel', 'comment', 'disposal', 'draft', 'drill', 'evidence', 'findings', 'journalist', 'keywords', 'lead', 'level', 'link', 'measures', 'name', 'nature', 'note', 'outcome', 'outlet', 'override_reason', 'published_at', 'reason', 'rectification', 'rectify_by', 'release', 'risks', 'suggested', 'text', 'title', 'trend', 'unit', 'url', 'wording'];

const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const token = fc.oneof(
  anyText,
  fc.constantFrom(...UNITS, ...WORDS, 'add', 'remove', '添加', '移除', 'weekly', 'monthly', '3d', '2天', '48h', 'yes', 'no', '--force', '@_user_2', '@_user_9'),
  fc.integer({ min: 1, max: 40 }).map((n) => `YQ-20261127-${String(n).padStart(3, '0')}`),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16).replace('T', ' ')),
  fc.webUrl(),
);
const fieldLine = fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(':', '：', ''), token).map(([field, colon, value]) => `${field}${colon} ${value}`);

export const commandText = fc.oneof(
  { weight: 1, arbitrary: anyText },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('/yq ', '/舆情 ', '', '/YQ ', '／舆情 '), fc.constantFrom(...WORDS), fc.array(token, { maxLength: 5 }), fc.array(fieldLine, { maxLength: 5 }))
      .map(([prefix, word, tokens, lines]) => [`${prefix}${word} ${tokens.join(' ')}`.trim(), ...lines].join('\n')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 5000 }).map((s) => `/yq new ${s}`) },
);

// U+0000 explicitly: PostgreSQL text cannot hold it, and a form text is stored as typed.
const withNul = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);
const formValue = fc.dictionary(fc.oneof(fc.constantFrom(...FORM_FIELDS), fc.string({ maxLength: 10 })), fc.oneof(token, fc.string({ maxLength: 1200 }), fc.constant(''), withNul), { maxKeys: 8 });
const jsonish = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1, maxKeys: 3 }));

export function cardValue(itemIds: () => number[]) {
  return fc.record(
    {
      action: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...Object.keys(CARD_ACTIONS)) }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')) }),
      item: fc.oneof({ weight: 4, arbitrary: fc.nat(1000).map((n) => itemIds()[n % Math.max(1, itemIds().length)] ?? 1) }, { weight: 1, arbitrary: jsonish }),
      extra: fc.dictionary(fc.constantFrom('form', 'unit', 'version', 'draft', 'lead', 'handover', 'consultation', 'dispute', 'assessment', 'agree', 'decision', 'to'), jsonish, { maxKeys: 3 }),
    },
    { requiredKeys: ['action'] },
  );
}

export interface FuzzTarget {
  deps: InboundDeps;
  itemIds(): number[];
}

/** A fresh test database seeded by fuzzTarget for a describe block: made in beforeAll, dropped in afterAll. */
export function useFuzzTarget(): { db: TestDatabase; target: FuzzTarget } {
  const made: { db?: TestDatabase; target?: FuzzTarget } = {};
  beforeAll(async () => {
    made.db = await createTestDatabase();
    made.target = await fuzzTarget(made.db.db);
  });
  afterAll(async () => {
    await made.db?.drop();
  });
  return { db: madeInBeforeAll('db', () => made.db), target: madeInBeforeAll('target', () => made.target) };
}

/** Seeds the test county and a few items (registered through the handler itself) to click on. */
export async function fuzzTarget(db: Db): Promise<FuzzTarget> {
  const at = new Date('2026-11-27T02:00:00Z');
  const org = await seedOrganisation(db, at);
  const deps: InboundDeps = { db, clock: manualClock(at), log: silentLog, org: { timezone: org.timezone, policy: org.policy }, commands: COMMANDS };
  for (const [i, unit] of ['卫健委', '公安局', '教育局', '卫健委'].entries()) {
    await handleInbound(deps, toInboundEvent(messageEvent({ text: `/yq new 模糊测试种子舆情${i}\n部门: ${unit}`, sender: 'ou_news_staff', chatType: 'p2p', chatId: 'oc_p2p_seed', messageId: `om_seed_${i}` })));
  }
  let ids: number[] = [];
  const refresh = async () => {
    ids = (await db.execute<{ id: number }>(sql`select id::int from items order by id`)).map((row) => Number(row.id));
  };
  await refresh();
  expect(ids.length).toBeGreaterThanOrEqual(4);
  return { deps, itemIds: () => ids };
}

const INTERNAL_REPLY = '处理这条命令时出错了';
const INTERNAL_TOAST = '操作失败（参考编号';

/** Runs `runs` generated inputs; every failure is a counterexample fast-check shrinks and prints. */
export async function fuzzInbound(db: Db, target: FuzzTarget, runs: number): Promise<{ messages: number; clicks: number; internalErrors: Record<string, number> }> {
  /** Clicks answered with the internal-error toast: each must be empty (asserted after the run). */
  // A fixed seed keeps CI repeatable; FUZZ_SEED explores others.
  const seed = Number(process.env.FUZZ_SEED ?? 20261128);
  const internal: { action: string; value: Record<string, unknown>; form?: Record<string, unknown> }[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  let n = 0;
  const counts = { messages: 0, clicks: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('message' as const), text: commandText, sender: fc.constantFrom(...PEOPLE), chat: fc.constantFrom(...CHATS), p2p: fc.boolean() }),
          fc.record({ kind: fc.constant('click' as const), value: cardValue(target.itemIds), operator: fc.constantFrom(...PEOPLE), chat: fc.constantFrom(...CHATS), form: fc.option(formValue, { nil: undefined }) }),
        ),
        async (input) => {
          n += 1;
          if (input.kind === 'message') {
            counts.messages += 1;
            const messageId = `om_fuzz_${n}_${Math.random().toString(36).slice(2, 8)}`;
            const event = messageEvent({ text: input.text, sender: input.sender, chatType: input.p2p ? 'p2p' : 'group', chatId: input.p2p ? `oc_p2p_${input.sender}` : input.chat, messageId });
            const response = await handleInbound(target.deps, toInboundEvent(event));
            expect(response).toEqual({});
            const replies = await db.execute<{ text: string | null }>(sql`select payload->'message'->>'text' as text from outbox where key like ${`reply:${messageId}:%`}`);
            expect(replies.length, 'every command is answered').toBeGreaterThan(0);
            for (const reply of replies) expect(reply.text ?? '').not.toContain(INTERNAL_REPLY);
          } else {
            counts.clicks += 1;
            const { extra, ...value } = input.value;
            const event = cardActionEvent(input.operator, { ...extra, ...value });
            event.header.event_id = `ev_fuzz_${n}_${Math.random().toString(36).slice(2, 8)}`;
            event.event.context.open_chat_id = input.chat;
            event.event.context.open_message_id = `om_fuzz_card_${n}`;
            if (input.form) (event.event.action as Record<string, unknown>).form_value = input.form;
            const response: CardResponse = await handleInbound(target.deps, toInboundEvent(event));
            expect(response.toast ?? response.card, 'every click is answered').toBeDefined();
            // An unexpected error inside an action is answered with a reference and rolled back;
            // a forged or garbled payload must be refused cleanly instead. Such inputs are
            // collected (the run goes on, so one report names them all) and fail the run below.
            if (response.toast?.content.includes(INTERNAL_TOAST)) internal.push({ action: String(value.action), value: { ...extra, ...value }, ...(input.form ? { form: input.form } : {}) });
            if (response.card) expect(validateCard(response.card.data)).toMatchObject({ ok: true });
          }
        },
      ),
      // A fixed seed keeps CI repeatable; FUZZ_SEED explores others (fast-check prints it on failure).
      { numRuns: runs, endOnFailure: true, seed },
    );
    // Let any stray promise settle before looking for unhandled rejections.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rejections).toEqual([]);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  const internalErrors: Record<string, number> = {};
  for (const { action } of internal) internalErrors[action] = (internalErrors[action] ?? 0) + 1;
  expect(internal, `card actions answered with an internal-error toast (seed ${seed}): ${JSON.stringify(internalErrors)}`).toEqual([]);
  return { ...counts, internalErrors };
}
