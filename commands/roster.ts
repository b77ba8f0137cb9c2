import { z } from 'zod';
import { effectiveChatId, effectiveRoster, findPerson, unitsBoundToChat } from '../src/db/queries/organisation.js';
import type { Tx } from '../src/db/client.js';
import { InputError } from '../src/workflow/errors.js';
import { resolveUnit } from '../src/workflow/units.js';
import { word } from './args.js';
import { defineCommand } from './types.js';

async function names(tx: Tx, keys: string[]): Promise<string> {
  if (keys.length === 0) return '（无）';
  const people = await Promise.all(keys.map(async (key) => (await findPerson(tx, key))?.name ?? key));
  return people.join('、');
}

export const rosterCommand = defineCommand({
  name: 'roster',
  aliases: ['名单'],
  summary: '查看单位的负责人、联络人和工作群',
  usage: ['/yq roster [单位]'],
  examples: ['/舆情 名单 卫健委', '/yq roster health'],
  args: z.tuple([word('单位').optional()]),
  async run(ctx, [unitQuery]) {
    let codes: string[];
    if (unitQuery) {
      codes = [(await resolveUnit(ctx.tx, unitQuery)).code];
    } else if (ctx.chat.chatType === 'group') {
      codes = await unitsBoundToChat(ctx.tx, ctx.chat.chatId);
      if (codes.length === 0) throw new InputError('本群还没有绑定单位。请写明单位，例如：/舆情 名单 卫健委');
    } else {
      codes = ctx.actor.memberships.map((m) => m.unitCode);
      if (codes.length === 0) throw new InputError('请写明单位，例如：/舆情 名单 卫健委');
    }
    const blocks: string[] = [];
    for (const code of [...new Set(codes)]) {
      const unit = await resolveUnit(ctx.tx, code);
      const roster = await effectiveRoster(ctx.tx, code);
      const chatId = await effectiveChatId(ctx.tx, code);
      const lines = [`${unit.name}（${unit.code}）`, `负责人：${await names(ctx.tx, roster.leader)}`, `联络人：${await names(ctx.tx, roster.liaison)}`];
      if (roster.member.length > 0) lines.push(`工作人员：${await names(ctx.tx, roster.member)}`);
      lines.push(`工作群：${chatId ? '已绑定' : '未绑定（消息将私聊发送给负责人和联络人）'}`);
      blocks.push(lines.join('\n'));
    }
    await ctx.reply({ msgType: 'text', text: blocks.join('\n\n') });
  },
});
