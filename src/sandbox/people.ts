import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { membershipsOf } from '../db/queries/organisation.js';
import { people } from '../db/schema/index.js';

export interface SandboxPerson {
  openId: string;
  name: string;
  title: string;
  group: string;
}

const ROLE_ZH = { leader: '负责人', liaison: '联络人', member: '工作人员' } as const;
const GROUP_ORDER = ['县新闻办', '县委宣传部', '县政府办', '县领导', '各单位', '管理员'];

/** Everyone the demo county knows, with what they are, for the page's "who am I" picker. */
export async function sandboxPeople(db: Db): Promise<SandboxPerson[]> {
  const rows = await db.select().from(people).where(and(eq(people.active, true), isNotNull(people.openId)));
  const list: SandboxPerson[] = [];
  for (const person of rows) {
    const memberships = await membershipsOf(db, person.key);
    const titles = memberships.map((m) => `${m.unitName} ${ROLE_ZH[m.role]}`);
    if (person.isCountyLeader) titles.unshift('分管县领导');
    if (person.isAdmin) titles.push('系统管理员');
    const roles = new Set(memberships.map((m) => m.unitRole));
    const group = roles.has('news_office')
      ? '县新闻办'
      : roles.has('propaganda')
        ? '县委宣传部'
        : roles.has('government_office')
          ? '县政府办'
          : person.isCountyLeader
            ? '县领导'
            : memberships.length > 0
              ? '各单位'
              : '管理员';
    list.push({ openId: person.openId!, name: person.name, title: titles.join('；') || '（未加入单位）', group });
  }
  return list.sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || a.title.localeCompare(b.title, 'zh'));
}
