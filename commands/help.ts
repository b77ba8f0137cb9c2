import { z } from 'zod';
import { word } from './args.js';
import { defineCommand, type AnyCommand } from './types.js';

/** `help` needs the list it describes; index.ts passes it in to avoid an import cycle. */
export function helpCommand(all: () => readonly AnyCommand[]) {
  return defineCommand({
    name: 'help',
    aliases: ['帮助'],
    summary: '列出所有命令；“帮助 命令名”查看用法和示例',
    usage: ['/yq help', '/yq help <命令>'],
    examples: ['/舆情 帮助', '/yq help bind'],
    args: z.tuple([word('命令名').optional()]),
    async run(ctx, [name]) {
      const commands = all();
      if (!name) {
        const lines = commands.map((c) => `• ${c.usage[0]}（${c.aliases.join('、')}）— ${c.summary}`);
        await ctx.reply({
          msgType: 'text',
          text: ['舆情助手可用命令：', ...lines, '', '命令前缀可写 /yq 或 /舆情，中英文命令名均可；在群里请先 @舆情助手。', '查看某个命令的用法：/舆情 帮助 <命令名>'].join('\n'),
        });
        return;
      }
      const command = findCommand(commands, name);
      if (!command) {
        await ctx.reply({ msgType: 'text', text: `没有“${name}”这个命令。发送“/舆情 帮助”查看全部命令。` });
        return;
      }
      await ctx.reply({ msgType: 'text', text: usageText(command) });
    },
  });
}

export function findCommand<C extends AnyCommand>(commands: readonly C[], word: string): C | undefined {
  const wanted = word.toLowerCase();
  return commands.find((c) => c.name === wanted || c.aliases.includes(wanted));
}

export function usageText(command: AnyCommand): string {
  return [
    `${command.name}（${command.aliases.join('、')}）：${command.summary}`,
    '用法：',
    ...command.usage.map((u) => `  ${u}`),
    '示例：',
    ...command.examples.map((e) => `  ${e}`),
  ].join('\n');
}
