import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { validateCard } from '../../src/lark/card-schema.js';
import { auditLog, items, leads, outbox, securityEvents } from '../../src/db/schema/index.js';
import { findLead } from '../../src/db/queries/leads.js';
import { findItemByRef } from '../../src/db/queries/items.js';
import { INTAKE_BODY_LIMIT } from '../../src/http/intake.js';
import { eventually } from '../helpers/app.js';
import { rowCount } from '../helpers/db.js';
import { seededRandom } from '../helpers/faults.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z'); // 10:00 in Asia/Shanghai
const TOKEN = 'monitor-token-0123456789abcdef';
const OTHER_TOKEN = 'vendor2-token-0123456789abcdef';

function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '网传县二中食堂饭菜变质 家长群炸锅',
    link: 'https://m.weibo.cn/detail/4911111111111111?from=timeline&wm=3333',
    source: '微博',
    publishedAt: '2026-11-27T09:12:00+08:00',
    summary: '有网民发帖称县二中食堂饭菜变质，多名学生腹痛，帖文配图为食堂餐盘。',
    spread: { views: 12000, reposts: 340, comments: 87 },
    sentiment: 'negative',
    keywords: ['县二中', '食堂'],
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// A tiny generator of malformed bodies: a seeded PRNG (faults.ts) and mutations that each make
// a valid body invalid, applied one to three at a time; plus bodies that are not objects at all.

type Mutation = (body: Record<string, unknown>, pick: <T>(xs: readonly T[]) => T) => void;
const WRONG_TYPES = [null, 42, true, [], {}, ['x']] as const;
const REQUIRED = ['title', 'link', 'source', 'publishedAt'] as const;
const MUTATIONS: [string, Mutation][] = [
  ['drop a required field', (b, pick) => void delete b[pick(REQUIRED)]],
  ['a required field of the wrong type', (b, pick) => void (b[pick(REQUIRED)] = pick(WRONG_TYPES))],
  ['an empty text', (b, pick) => void (b[pick(['title', 'source'])] = pick(['', '   ']))],
  ['a text too long', (b, pick) => {
    const [name, max] = pick([['title', 200], ['source', 50], ['summary', 5000]] as const);
    b[name] = '长'.repeat(max + 1);
  }],
  ['a bad link', (b, pick) => void (b.link = pick(['not a link', 'ftp://example.com/a', 'javascript:alert(1)', 'https://exa mple.com/x', '', 'weibo.com/1234567890/N5xYz', `https://a.com/${'x'.repeat(2000)}`]))],
  ['a bad time', (b, pick) => void (b.publishedAt = pick(['yesterday', '2026-11-27 09:30', '2026-11-27T09:30', '', 1764200000, '2099-01-01T00:00:00Z', '27/11/2026']))],
  ['bad spread figures', (b, pick) => void (b.spread = pick([{ views: -1 }, { views: 1.5 }, { reposts: '300' }, { comments: null }, { likes: 3 }, 'lots', [1, 2, 3], 12]))],
  ['an unknown sentiment', (b, pick) => void (b.sentiment = pick(['bad', 'NEGATIVE', '', 0, null]))],
  ['bad keywords', (b, pick) => void (b.keywords = pick(['县二中', [1, 2], [''], [null], { a: 1 }, Array.from({ length: 51 }, (_, i) => `k${i}`), ['长'.repeat(51)]]))],
  ['a field nobody asked for', (b, pick) => void (b[pick(['id', 'extra', '__proto_x', 'Title'])] = 'x')],
  ['summary of the wrong type', (b, pick) => void (b.summary = pick([123, [], {}, false]))],
];
const NOT_OBJECTS = ['[]', '[{"title":"x"}]', '42', '"text"', 'null', 'true'];

function malformedBodies(seed: number, n: number): { text: string; why: string[] }[] {
  const random = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const out: { text: string; why: string[] }[] = [];
  for (let i = 0; i < n; i += 1) {
    if (random() < 0.1) {
      out.push({ text: pick(NOT_OBJECTS), why: ['not an object'] });
      continue;
    }
    const body = validBody();
    const count = 1 + Math.floor(random() * 3);
    const why: string[] = [];
    for (let k = 0; k < count; k += 1) {
      const [name, mutate] = pick(MUTATIONS);
      mutate(body, pick);
      why.push(name);
    }
    out.push({ text: JSON.stringify(body), why });
  }
  return out;
}

describe('monitoring-system push (POST /api/intake)', () => {
  const { db, lark, harness, d } = useAppHarness({
    at: AT,
    intakeTokens: [
      { source: 'yuqing-monitor', token: TOKEN },
      { source: 'vendor2', token: OTHER_TOKEN },
    ],
  });

  const post = (body: string | Buffer, options: { token?: string | null; contentType?: string | null; method?: string } = {}) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? TOKEN : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const type = options.contentType === undefined ? 'application/json' : options.contentType;
    if (type !== null) headers['content-type'] = type;
    return fetch(harness.url('/api/intake'), { method: options.method ?? 'POST', headers, body });
  };
  const count = (table: typeof leads | typeof items | typeof auditLog | typeof outbox | typeof securityEvents) => rowCount(db.db, table);
  const snapshot = async () => ({ leads: await count(leads), items: await count(items), audit: await count(auditLog), outbox: await count(outbox), security: await count(securityEvents) });
  /** A refused request writes exactly one security event and nothing else. */
  async function expectOnlySecurityEvent(before: Awaited<ReturnType<typeof snapshot>>, kind: string) {
    expect(await snapshot()).toEqual({ ...before, security: before.security + 1 });
    const [last] = await db.db.select().from(securityEvents).orderBy(sql`id desc`).limit(1);
    expect(last).toMatchObject({ kind, action: 'intake' });
    expect(JSON.stringify(last)).not.toContain(TOKEN);
  }

  let firstLead: number;

  it('a valid push becomes a lead and a lead card for the news office, never an item', async () => {
    const response = await post(JSON.stringify(validBody()));
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { lead: number; merged: boolean };
    expect(answer).toEqual({ lead: expect.any(Number), merged: false });
    firstLead = answer.lead;
    const lead = (await findLead(db.db, answer.lead))!;
    expect(lead).toMatchObject({
      channel: 'intake',
      reporter: 'monitor:yuqing-monitor',
      unitCode: null,
      status: 'open',
      pushes: 1,
      urlKey: 'https://m.weibo.cn/status/4911111111111111',
      reportedAt: AT,
    });
    expect(lead.fields).toMatchObject({ source: 'weibo', sentiment: 'negative', keywords: ['县二中', '食堂'], spread: { views: 12000, reposts: 340, comments: 87 }, postedAt: '2026-11-27T01:12:00.000Z' });
    expect(await count(items)).toBe(0);
    const card = await d.cardWith('网传县二中食堂饭菜变质', (m) => m.receiveId === 'oc_news');
    expect(validateCard(card.content)).toMatchObject({ ok: true });
    const text = JSON.stringify(card.content);
    for (const marker of ['监测预警线索', '监测系统 yuqing-monitor', '负面', '县二中、食堂', '阅读1.2万', '登记为舆情']) expect(text).toContain(marker);
    const audit = await db.db.select().from(auditLog).where(eq(auditLog.subject, `lead:${answer.lead}`));
    expect(audit.map((row) => [row.actor, row.action])).toEqual([['monitor:yuqing-monitor', 'lead.reported']]);
  });

  it('the same article under another link form, pushed again within the window, merges into that lead', async () => {
    harness.clock.set(new Date(AT.getTime() + 30 * 60_000));
    const before = await count(leads);
    const response = await post(JSON.stringify(validBody({ link: 'https://m.weibo.cn/status/4911111111111111', spread: { views: 56000, reposts: 1200 }, keywords: ['县二中', '腹痛'] })), { token: OTHER_TOKEN });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ lead: firstLead, merged: true });
    expect(await count(leads)).toBe(before);
    const lead = (await findLead(db.db, firstLead))!;
    expect(lead).toMatchObject({ pushes: 2, lastPushedAt: new Date(AT.getTime() + 30 * 60_000), version: 2 });
    expect(lead.fields).toMatchObject({ spread: { views: 56000, reposts: 1200, comments: 87 }, keywords: ['县二中', '食堂', '腹痛'] });
    const card = await d.cardWith('网传县二中食堂饭菜变质', (m) => m.receiveId === 'oc_news');
    await eventually(() => {
      const patch = lark.patches.filter((p) => p.messageId === card.messageId).at(-1);
      expect(JSON.stringify(patch?.content)).toContain('监测系统已推送 2 次');
      expect(validateCard(patch!.content)).toMatchObject({ ok: true });
    });
  });

  it('three pushes of one new article at the same moment make one lead', async () => {
    const before = await count(leads);
    const body = JSON.stringify(validBody({ title: '同时推送', link: 'https://www.douyin.com/video/7300000000000000001?previous_page=app_code_link' }));
    const answers = (await Promise.all([1, 2, 3].map(async () => (await post(body)).json()))) as { lead: number; merged: boolean }[];
    expect(await count(leads)).toBe(before + 1);
    expect(answers.filter((a) => !a.merged)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.lead)).size).toBe(1);
    expect((await findLead(db.db, answers[0]!.lead))!.pushes).toBe(3);
  });

  it('once the lead is an item, a further push is recorded against the item instead of a new lead', async () => {
    const card = await d.cardWith('网传县二中食堂饭菜变质', (m) => m.receiveId === 'oc_news');
    await d.click('ou_news_staff', { action: 'lead_register', lead: firstLead }, 'oc_news', { messageId: card.messageId });
    const registered = await d.click('ou_news_staff', { action: 'register_submit', lead: firstLead }, 'oc_news', {
      formValue: { title: '县二中食堂饭菜被指变质', url: 'https://m.weibo.cn/status/4911111111111111', source: 'weibo', category: 'livelihood', level: 'major', kind: 'opinion', lead: 'education', drill: 'no' },
    });
    expect(registered.toast).toEqual({ type: 'success', content: '已登记 YQ-20261127-001' });
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    expect((await findLead(db.db, firstLead))!).toMatchObject({ status: 'registered', itemId: item.id });

    const before = await count(leads);
    const response = await post(JSON.stringify(validBody({ link: 'https://m.weibo.cn/detail/4911111111111111?from=share' })));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ lead: firstLead, merged: true, item: 'YQ-20261127-001' });
    expect(await count(leads)).toBe(before);
    expect(await count(items)).toBe(1);
    const onItem = await db.db.select().from(auditLog).where(and(eq(auditLog.itemId, item.id), eq(auditLog.action, 'item.intake_push')));
    expect(onItem).toHaveLength(1);
    expect(onItem[0]).toMatchObject({ actor: 'monitor:yuqing-monitor', after: { system: 'yuqing-monitor', lead: firstLead } });
  });

  it('an article registered directly is recorded against its item', async () => {
    const reply = await d.say('ou_news_staff', '/yq new 县城南路段积水严重\n链接: https://mp.weixin.qq.com/s/AbCdEf123456\n部门: 教育局', 'oc_news');
    expect(reply).toMatch(/^已登记 YQ-20261127-002/);
    const response = await post(JSON.stringify(validBody({ title: '城南积水', link: 'https://mp.weixin.qq.com/s/AbCdEf123456?scene=1&chksm=abc' })));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ lead: null, merged: true, item: 'YQ-20261127-002' });
  });

  it('after the merge window the same article starts a new lead', async () => {
    harness.clock.set(new Date(AT.getTime() + 73 * 3600_000));
    const response = await post(JSON.stringify(validBody({ link: 'https://m.toutiao.com/is/abc123/', title: '窗口外的新线索' })));
    expect(response.status).toBe(202);
    const first = (await response.json()) as { lead: number };
    harness.clock.set(new Date(AT.getTime() + (73 + 73) * 3600_000));
    const again = await post(JSON.stringify(validBody({ link: 'https://m.toutiao.com/is/abc123/', title: '窗口外的新线索' })));
    const second = (await again.json()) as { lead: number; merged: boolean };
    expect(second.merged).toBe(false);
    expect(second.lead).not.toBe(first.lead);
  });

  describe('refusals write nothing but a security event', () => {
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['no token', () => post(JSON.stringify(validBody()), { token: null }), 401, 'bad_token'],
      ['a wrong token', () => post(JSON.stringify(validBody()), { token: 'monitor-token-0123456789abcdeX' }), 401, 'bad_token'],
      ['a token of another scheme', () => fetch(harness.url('/api/intake'), { method: 'POST', headers: { authorization: `Basic ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(validBody()) }), 401, 'bad_token'],
      ['a wrong token on an oversized body (the token is checked first)', () => post(Buffer.alloc(INTAKE_BODY_LIMIT + 10, 'a'), { token: 'nope' }), 401, 'bad_token'],
      ['text/plain', () => post(JSON.stringify(validBody()), { contentType: 'text/plain' }), 415, 'bad_request'],
      ['a form', () => post('title=x&link=y', { contentType: 'application/x-www-form-urlencoded' }), 415, 'bad_request'],
      ['no content type', () => post(JSON.stringify(validBody()), { contentType: null }), 415, 'bad_request'],
      ['JSON in another charset', () => post(JSON.stringify(validBody()), { contentType: 'application/json; charset=gbk' }), 415, 'bad_request'],
      ['an oversized body', () => post(JSON.stringify(validBody({ summary: 'x'.repeat(INTAKE_BODY_LIMIT) }))), 413, 'bad_request'],
      ['not JSON', () => post('{"title": "x",'), 400, 'bad_request'],
      ['an empty body', () => post(''), 400, 'bad_request'],
    ];
    it.each(cases)('%s → %i', async (_name, send, status, kind) => {
      const before = await snapshot();
      const response = await send();
      expect(response.status).toBe(status);
      await expectOnlySecurityEvent(before, kind);
    });

    it('a malformed body gets 400 with every field error named', async () => {
      const before = await snapshot();
      const response = await post(JSON.stringify(validBody({ title: '', link: 'ftp://x', spread: { views: -3 }, sentiment: 'angry', extra: 1 })));
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: string; fields: { field: string; message: string }[] };
      expect(answer.error).toBe('invalid_body');
      expect(answer.fields.map((f) => f.field).sort()).toEqual(['(body)', 'link', 'sentiment', 'spread.views', 'title']);
      await expectOnlySecurityEvent(before, 'bad_request');
    });

    it('property: every generated malformed body gets 400 and writes nothing but its security event', async () => {
      const bodies = malformedBodies(20261127, 80);
      const before = await snapshot();
      for (const { text, why } of bodies) {
        const response = await post(text);
        const answer = (await response.json()) as { error: string; fields?: unknown[] };
        expect(response.status, `${why.join(' + ')}: ${text.slice(0, 200)}`).toBe(400);
        expect(['invalid_body', 'invalid_json']).toContain(answer.error);
        if (answer.error === 'invalid_body') expect(answer.fields?.length, text.slice(0, 200)).toBeGreaterThan(0);
      }
      expect(await snapshot()).toEqual({ ...before, security: before.security + bodies.length });
    });

    it('the generator only makes bodies the schema refuses, and the valid body passes', async () => {
      const { intakeBodySchema } = await import('../../src/http/intake.js');
      expect(intakeBodySchema.safeParse(validBody()).success).toBe(true);
      for (const { text } of malformedBodies(7, 300)) {
        const value: unknown = JSON.parse(text);
        const parsed = intakeBodySchema.safeParse(value);
        // The one mutation the schema cannot see is a future time: the route checks it against the clock.
        const future = parsed.success && new Date(parsed.data.publishedAt).getTime() > Date.parse('2030-01-01T00:00:00Z');
        expect(parsed.success && !future, text.slice(0, 200)).toBe(false);
      }
    });
  });
});
