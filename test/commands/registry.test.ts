import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { findCommand, usageText } from '../../commands/help.js';

const HAS_CHINESE = /[\u4e00-\u9fff]/;

describe('the command list', () => {
  it('has unique English names and Chinese aliases', () => {
    const words = COMMANDS.flatMap((c) => [c.name, ...c.aliases]);
    expect(new Set(words).size).toBe(words.length);
    for (const command of COMMANDS) {
      expect(command.name).toMatch(/^[a-z]+$/);
      expect(command.aliases.length).toBeGreaterThan(0);
      for (const alias of command.aliases) expect(alias).toMatch(HAS_CHINESE);
    }
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s has Chinese help with usage and examples', (_name, command) => {
    expect(command.summary).toMatch(HAS_CHINESE);
    expect(command.usage.length).toBeGreaterThan(0);
    expect(command.examples.length).toBeGreaterThan(0);
    for (const usage of command.usage) expect(usage).toMatch(new RegExp(`^/yq ${command.name}\\b`));
    const text = usageText(command);
    expect(text.split('\n')[0]).toBe(`${command.name}（${command.aliases.join('、')}）：${command.summary}`);
  });

  it.each([
    ['help', 'help'],
    ['帮助', 'help'],
    ['HELP', 'help'],
    ['绑定', 'bind'],
    ['联络人', 'liaison'],
    ['nothing', undefined],
  ])('finds %s → %s', (word, name) => {
    expect(findCommand(COMMANDS, word)?.name).toBe(name);
  });

  it('every example parses with its own command schema', async () => {
    const { parseCommandLine } = await import('../../commands/parse.js');
    for (const command of COMMANDS) {
      for (const example of command.examples) {
        // Examples write @someone; in Feishu that arrives as a placeholder with a mention.
        let index = 1;
        const mentions: { key: string; openId: string; name: string }[] = [];
        const text = example.replace(/@(\S+)/g, (_all, name: string) => {
          index += 1;
          mentions.push({ key: `@_user_${index}`, openId: `ou_${index}`, name });
          return `@_user_${index}`;
        });
        const line = parseCommandLine(text, mentions);
        expect(findCommand(COMMANDS, line.word)?.name, example).toBe(command.name);
        expect(command.args.safeParse(line.tokens).success, example).toBe(true);
      }
    }
  });
});
