import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { manualClock } from '../../src/clock.js';
import { EXAMPLE_ORG_FILE, type AppConfig } from '../../src/config.js';
import { createLarkClient } from '../../src/lark/client.js';
import { createLarkGateway, LarkApiError } from '../../src/lark/gateway.js';
import { loadSandboxSecrets } from '../../src/sandbox/state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/app.js';
import { silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');

interface PageMessage {
  messageId: string;
  sender: { kind: string; name: string };
  msgType: string;
  text?: string;
  card?: Record<string, unknown>;
  replyTo?: string;
  urgent: boolean;
}

describe('the sandbox: a Feishu stand-in and the page API, through the real webhook path', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let dir: string;
  const url = (route: string) => `http://127.0.0.1:${app.port}${route}`;
  const get = async <T>(route: string) => (await (await fetch(url(route))).json()) as T;
  const post = async <T>(route: string, body: unknown) => {
    const response = await fetch(url(route), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as T };
  };
  const messages = (chat: string, as: string) => get<PageMessage[]>(`/sandbox/api/messages?chat=${chat}&as=${as}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yq-sbx-'));
    const config: AppConfig = { mode: 'sandbox', port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir: dir, databaseUrl: db.url, orgFile: EXAMPLE_ORG_FILE };
    app = await startApp(config, { clock: manualClock(AT), log: silentLog });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves the page and the demo county, each unit with its bound work group', async () => {
    const page = await fetch(url('/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const people = await get<{ openId: string; name: string; group: string }[]>('/sandbox/api/people');
    expect(people.find((p) => p.openId === 'ou_demo_health_liaison')).toMatchObject({ name: '刘芳', group: '各单位' });
    const chats = await get<{ chatId: string; name: string; kind: string }[]>('/sandbox/api/chats?as=ou_demo_health_liaison');
    expect(chats.map((c) => c.name)).toEqual(['县卫健委工作群', '舆情助手']);
  });

  it('a person registers an item by typing; the bot answers through the stand-in; a liaison acknowledges by clicking', async () => {
    const sent = await post('/sandbox/api/messages', { as: 'ou_demo_news_staff1', chatId: 'oc_sb_unit_news', text: '@舆情助手 /yq new 县医院挂号排长队\n部门: 卫健委' });
    expect(sent).toEqual({ status: 200, body: { ok: true, heard: true } });
    const confirmation = await eventually(async () => {
      const found = (await messages('oc_sb_unit_news', 'ou_demo_news_staff1')).find((m) => m.text?.startsWith('已登记'));
      if (!found) throw new Error('no confirmation yet');
      return found;
    });
    expect(confirmation.text).toMatch(/^已登记 YQ-20261127-001：县医院挂号排长队/);
    const card = await eventually(async () => {
      const found = (await messages('oc_sb_unit_health', 'ou_demo_health_liaison')).find((m) => m.msgType === 'interactive');
      if (!found) throw new Error('no card in the health group yet');
      return found;
    });
    expect(JSON.stringify(card.card)).toContain('<at id=ou_demo_health_liaison></at>');
    const value = findButton(card.card!, '认领');
    expect(value).toMatchObject({ action: 'acknowledge' });
    const clicked = await post<{ toast: { type: string; content: string } }>('/sandbox/api/click', { as: 'ou_demo_health_liaison', chatId: 'oc_sb_unit_health', messageId: card.messageId, value });
    expect(clicked.status).toBe(200);
    expect(clicked.body.toast).toEqual({ type: 'success', content: '已认领 YQ-20261127-001' });
    const after = (await messages('oc_sb_unit_health', 'ou_demo_health_liaison')).find((m) => m.messageId === card.messageId)!;
    expect(JSON.stringify(after.card)).toContain('已认领');
    const refused = await post<{ toast: { type: string } }>('/sandbox/api/click', { as: 'ou_demo_edu_liaison', chatId: 'oc_sb_unit_health', messageId: card.messageId, value });
    expect(refused.status).toBe(404); // not a member of that group: cannot click there at all
  });

  it('a group message that does not @mention the bot is not heard', async () => {
    expect((await post('/sandbox/api/messages', { as: 'ou_demo_news_staff1', chatId: 'oc_sb_unit_news', text: '大家好' })).body).toEqual({ ok: true, heard: false });
  });

  it('the clock only moves forward, and persists', async () => {
    const before = await get<{ now: string; offsetMs: number }>('/sandbox/api/clock');
    const moved = await post<{ now: string }>('/sandbox/api/clock', { advanceMs: 3600_000 });
    expect(new Date(moved.body.now).getTime() - new Date(before.now).getTime()).toBe(3600_000);
    expect((await post('/sandbox/api/clock', { advanceMs: -1 })).status).toBe(400);
    expect(app.clock.now().toISOString()).toBe(moved.body.now);
  });

  it('下一个到期 jumps to the next reminder and runs it: the reminder appears in the unit group', async () => {
    const before = new Date((await get<{ now: string }>('/sandbox/api/clock')).now);
    const moved = await post<{ now: string }>('/sandbox/api/clock', { to: 'next_due' });
    expect(moved.status).toBe(200);
    expect(new Date(moved.body.now).getTime()).toBeGreaterThan(before.getTime());
    const reminder = await eventually(async () => {
      const found = (await messages('oc_sb_unit_health', 'ou_demo_health_liaison')).find((m) => m.text?.includes('【'));
      if (!found) throw new Error('no reminder yet');
      return found;
    });
    expect(reminder.text).toMatch(/【(过半提醒|即将到期|到期|超时督办)】YQ-20261127-001/);
    const report = await post<{ now: string }>('/sandbox/api/clock', { to: 'next_report' });
    expect(report.status).toBe(200);
    const daily = await eventually(async () => {
      const found = (await messages('oc_sb_unit_news', 'ou_demo_news_staff1')).find((m) => JSON.stringify(m.card ?? '').includes('舆情日志'));
      if (!found) throw new Error('no daily log yet');
      return found;
    });
    expect(daily.msgType).toBe('interactive');
  });

  it('the stand-in refuses an invalid card the way Lark does, and throttles a busy chat', async () => {
    const secrets = await loadSandboxSecrets(app.database.db);
    const gateway = createLarkGateway(createLarkClient({ appId: secrets.appId, appSecret: secrets.appSecret, domain: `http://127.0.0.1:${app.port}` }, silentLog));
    const invalid = { schema: '2.0', body: { elements: [{ tag: 'action', actions: [] }] } };
    const refused = await gateway.send({ chatId: 'oc_sb_unit_news' }, { msgType: 'interactive', card: invalid }, 'uuid-invalid').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LarkApiError);
    expect(refused).toMatchObject({ code: 230099, retryable: false, status: 400 });
    const notInChat = await gateway.send({ chatId: 'oc_nowhere' }, { msgType: 'text', text: 'x' }, 'uuid-nowhere').catch((e: unknown) => e);
    expect(notInChat).toMatchObject({ code: 230002 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => gateway.send({ chatId: 'oc_sb_unit_legal' }, { msgType: 'text', text: `m${i}` }, `uuid-burst-${i}`).then(() => 'ok', (e: LarkApiError) => e.code)),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
    expect(results.filter((r) => r === 230020)).toHaveLength(3);
    // The same uuid is one message.
    const first = await gateway.send({ chatId: 'oc_sb_unit_petition' }, { msgType: 'text', text: 'once' }, 'uuid-once');
    const again = await gateway.send({ chatId: 'oc_sb_unit_petition' }, { msgType: 'text', text: 'once' }, 'uuid-once');
    expect(again.messageId).toBe(first.messageId);
  });
});

function findButton(card: Record<string, unknown>, label: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found || !node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.tag === 'button' && (n.text as { content?: string })?.content === label) {
      found = (n.behaviors as { value: Record<string, unknown> }[])[0]!.value;
      return;
    }
    for (const value of Object.values(n)) walk(value);
  };
  walk(card);
  return found;
}
