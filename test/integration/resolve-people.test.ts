import nock from 'nock';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, people } from '../../src/db/schema/index.js';
import { createLarkClient } from '../../src/lark/client.js';
import { createLarkGateway } from '../../src/lark/gateway.js';
import { resolvePeopleOpenIds } from '../../src/org/resolve-people.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedOrganisation, silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');
const ORG = `
units:
  - code: news
    name: 县新闻办
    role: news_office
    leaders: ['+8613800000001', chen@county.gov.cn]
    members: [ou_staff, '+8613900000009']
people: { '+8613800000001': 陈主任, chen@county.gov.cn: 陈二, ou_staff: 林 }
`;

describe('people named by mobile or email', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    nock.disableNetConnect();
    db = await createTestDatabase();
    await seedOrganisation(db.db, AT, ORG);
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await db.drop();
  });

  it('get their open_id from the contact API; unknown ones are reported, not guessed', async () => {
    const domain = 'http://contact.test';
    let asked: unknown;
    nock(domain).post('/open-apis/auth/v3/tenant_access_token/internal').reply(200, { code: 0, tenant_access_token: 't', expire: 7200 });
    nock(domain)
      .post('/open-apis/contact/v3/users/batch_get_id', (body) => {
        asked = body;
        return true;
      })
      .query({ user_id_type: 'open_id' })
      .reply(200, {
        code: 0,
        data: {
          user_list: [
            { user_id: 'ou_chen', mobile: '13800000001' },
            { user_id: 'ou_chen2', email: 'chen@county.gov.cn' },
            { mobile: '13900000009' },
          ],
        },
      });
    const gateway = createLarkGateway(createLarkClient({ appId: 'cli_a1b2c3d4e5f60718', appSecret: 's', domain }, silentLog));
    const result = await resolvePeopleOpenIds(db.db, gateway, AT, silentLog);
    expect(asked).toEqual({ mobiles: ['13800000001', '13900000009'], emails: ['chen@county.gov.cn'], include_resigned: false });
    expect(result).toEqual({ resolved: 2, unresolved: ['+8613900000009'] });
    const [chen] = await db.db.select().from(people).where(eq(people.key, '+8613800000001'));
    expect(chen?.openId).toBe('ou_chen');
    const trail = await db.db.select().from(auditLog).where(eq(auditLog.action, 'org.person.resolved'));
    expect(trail.map((row) => [row.subject, row.after])).toEqual([
      ['person:+8613800000001', { openId: 'ou_chen' }],
      ['person:chen@county.gov.cn', { openId: 'ou_chen2' }],
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
