import { z } from 'zod';
import { can } from '../src/domain/permissions.js';
import { effectiveRoster } from '../src/db/queries/organisation.js';
import { standingRoles, unitsLedBy } from '../src/workflow/actor.js';
import { ensureAllowed } from '../src/workflow/errors.js';
import { changeRosterInTx } from '../src/workflow/organisation.js';
import { resolveUnit } from '../src/workflow/units.js';
import { mention, oneOf, word } from './args.js';
import { defineCommand } from './types.js';

const OPERATIONS = { add: 'add', remove: 'remove', 添加: 'add', 增加: 'add', 移除: 'remove', 删除: 'remove' } as const;

export const liaisonCommand = defineCommand({
  name: 'liaison',
  aliases: ['联络人'],
  summary: '添加或移除单位的联络人（县新闻办、系统管理员、本单位负责人）',
  usage: ['/yq liaison add <单位> @某人', '/yq liaison remove <单位> @某人'],
  examples: ['/舆情 联络人 添加 卫健委 @刘芳', '/yq liaison remove health @张伟'],
  args: z.tuple([oneOf<readonly ['add', 'remove']>('操作', OPERATIONS), word('单位'), mention('联络人')]),
  async run(ctx, [operation, unitQuery, person]) {
    const unit = await resolveUnit(ctx.tx, unitQuery);
    const permission = can(standingRoles(ctx.actor), 'edit_roster', { rosterUnit: unit.code, leaderOfUnits: unitsLedBy(ctx.actor) });
    ensureAllowed(permission, 'edit_roster');
    const present = operation === 'add';
    const roster = await effectiveRoster(ctx.tx, unit.code);
    if (roster.liaison.includes(person.openId) === present) {
      await ctx.reply({ msgType: 'text', text: present ? `${person.name} 已经是${unit.name}的联络人。` : `${person.name} 不是${unit.name}的联络人，无需移除。` });
      return;
    }
    await changeRosterInTx(ctx.tx, {
      unitCode: unit.code,
      personKey: person.openId,
      personName: person.name,
      role: 'liaison',
      present,
      actor: ctx.actor.openId,
      at: ctx.now,
    });
    await ctx.reply({ msgType: 'text', text: present ? `已将 ${person.name} 添加为${unit.name}的联络人。` : `已将 ${person.name} 从${unit.name}的联络人中移除。` });
  },
});
