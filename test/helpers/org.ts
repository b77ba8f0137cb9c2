import pino from 'pino';
import { parseOrgText } from '../../src/org/load.js';
import { syncOrganisation } from '../../src/org/sync.js';
import type { Db } from '../../src/db/client.js';

/** A small county for tests; override pieces by passing YAML. */
export const TEST_ORG_YAML = `
admins: [ou_admin]
units:
  - code: news
    name: 县新闻办（网信办）
    role: news_office
    chat_id: oc_news
    leaders: [ou_news_lead]
    members: [ou_news_staff]
  - code: propaganda
    name: 县委宣传部
    role: propaganda
    leaders: [ou_prop_lead]
    liaisons: [ou_prop_liaison]
  - code: gov_office
    name: 县政府办
    role: government_office
    leaders: [ou_gov_lead]
  - code: health
    name: 县卫健委
    role: department
    chat_id: oc_health
    leaders: [ou_health_lead, ou_health_deputy]
    liaisons: [ou_health_liaison]
    keywords: [医院, 疫苗]
  - code: education
    name: 县教育局
    role: department
    leaders: [ou_edu_lead]
    liaisons: [ou_edu_liaison]
  - code: police
    name: 县公安局
    role: police
    chat_id: oc_police
    leaders: [ou_police_lead]
    liaisons: [ou_police_liaison]
    joint_meeting: true
county_leaders:
  - { id: ou_vice_wang, name: 王副县长, oversees: [health, education] }
people:
  ou_admin: 管理员
  ou_news_lead: 陈主任
  ou_news_staff: 林小梅
  ou_health_lead: 杨主任
  ou_health_deputy: 朱副主任
  ou_health_liaison: 刘芳
  ou_edu_lead: 马局长
  ou_edu_liaison: 胡静
  ou_police_lead: 孙局长
  ou_police_liaison: 钱警官
  ou_prop_lead: 周部长
  ou_prop_liaison: 吴晓燕
  ou_vice_wang: 王副县长
`;

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function seedOrganisation(db: Db, at: Date, yaml = TEST_ORG_YAML) {
  const org = parseOrgText(yaml, 'test-org.yaml');
  await syncOrganisation(db, { org, path: 'test-org.yaml', hash: 'test' }, at);
  return org;
}
