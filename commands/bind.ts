import { z } from 'zod';
import { can } from '../src/domain/permissions.js';
import { effectiveChatId } from '../src/db/queries/organisation.js';
import { ensureAllowed, InputError } from '../src/workflow/errors.js';
import { standingRoles } from '../src/workflow/actor.js';
import { bindUnitChatInTx } from '../src/workflow/organisation.js';
import { resolveUnit } from '../src/workflow/units.js';
import { word } from './args.js';
import { defineCommand } from './types.js';

export const bindCommand = defineCommand({
  name: 'bind',
  aliases: ['绑定'],
  summary: '在单位的工作群里发送，把本群绑定为该单位的工作群（县新闻办、系统管理员）',
  usage: ['/yq bind <单位>'],
  examples: ['@舆情助手 /舆情 绑定 卫健委', '@舆情助手 /yq bind health'],
  args: z.tuple([word('单位')]),
  async run(ctx, [unitQuery]) {
    ensureAllowed(can(standingRoles(ctx.actor), 'bind_chat'), 'bind_chat');
    if (ctx.chat.chatType !== 'group') throw new InputError('请在要绑定的单位工作群里 @舆情助手 发送这条命令，私聊里不能绑定。');
    const unit = await resolveUnit(ctx.tx, unitQuery);
    const previous = await effectiveChatId(ctx.tx, unit.code);
    if (previous === ctx.chat.chatId) {
      await ctx.reply({ msgType: 'text', text: `本群已经是${unit.name}的工作群，无需重复绑定。` });
      return;
    }
    await bindUnitChatInTx(ctx.tx, { unitCode: unit.code, chatId: ctx.chat.chatId, actor: ctx.actor.openId, at: ctx.now });
    const note = previous ? '（原工作群已解除绑定）' : '';
    await ctx.reply({ msgType: 'text', text: `已将本群绑定为${unit.name}的工作群${note}。今后交办给${unit.name}的舆情会发到这里。` });
  },
});
