import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../commands/parse.js';

const bot = { key: '@_user_1', openId: 'ou_bot', name: '舆情助手' };
const liu = { key: '@_user_2', openId: 'ou_liu', name: '刘芳' };

describe('parseCommandLine', () => {
  it.each([
    ['@_user_1 /yq help', 'help', true, []],
    ['@_user_1 /舆情 帮助 绑定', '帮助', true, ['绑定']],
    ['/YQ Bind health', 'bind', true, ['health']],
    ['whoami', 'whoami', false, []],
    ['@_user_1\u3000/舆情\u3000名单\u3000卫健委', '名单', true, ['卫健委']],
    ['／舆情 帮助', '帮助', true, []],
    ['/yqx help', '/yqx', false, ['help']],
    ['@_user_1', '', false, []],
  ])('%s → %s', (text, word, prefixed, tokens) => {
    const line = parseCommandLine(text, [bot]);
    expect(line.word).toBe(word);
    expect(line.prefixed).toBe(prefixed);
    expect(line.tokens).toEqual(tokens);
  });

  it('turns later @mentions into person tokens and shows them by name in the echo', () => {
    const line = parseCommandLine('@_user_1 /舆情 联络人 添加 卫健委 @_user_2', [bot, liu]);
    expect(line.tokens).toEqual(['添加', '卫健委', { mention: liu }]);
    expect(line.typed).toBe('@舆情助手 /舆情 联络人 添加 卫健委 @刘芳');
    expect(line.rest).toBe('添加 卫健委 @刘芳');
  });

  it('keeps the following lines in rest for multi-line commands', () => {
    const line = parseCommandLine('/yq new 某医院收费问题\n来源: 微博\n级别: 重大', []);
    expect(line.word).toBe('new');
    expect(line.tokens).toEqual(['某医院收费问题']);
    expect(line.rest).toBe('某医院收费问题\n来源: 微博\n级别: 重大');
  });
});
