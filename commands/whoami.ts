import { noArgs } from './args.js';
import { defineCommand } from './types.js';

const ROLE_ZH = { leader: '负责人', liaison: '联络人', member: '工作人员' } as const;

export const whoamiCommand = defineCommand({
  name: 'whoami',
  aliases: ['我是谁'],
  summary: '查看机器人认识的您：单位、身份和权限',
  usage: ['/yq whoami'],
  examples: ['/舆情 我是谁'],
  args: noArgs,
  async run(ctx) {
    const { actor } = ctx;
    if (!actor.personKey) {
      await ctx.reply({
        msgType: 'text',
        text: `机器人的组织名单里没有您（open_id：${actor.openId}）。请联系县新闻办或系统管理员，把您加入所在单位的名单。`,
      });
      return;
    }
    const lines = [`您是 ${actor.name}（${actor.openId}）`];
    if (actor.memberships.length > 0) {
      lines.push(`单位：${actor.memberships.map((m) => `${m.unitName}${ROLE_ZH[m.role]}`).join('；')}`);
    } else {
      lines.push('单位：未加入任何单位名单');
    }
    if (actor.isCountyLeader) lines.push(`分管县领导，分管：${actor.oversees.join('、') || '（未设置）'}`);
    if (actor.isAdmin) lines.push('系统管理员：可以绑定群聊、编辑各单位名单');
    await ctx.reply({ msgType: 'text', text: lines.join('\n') });
  },
});
