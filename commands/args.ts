import { z } from 'zod';
import type { Mention } from '../src/lark/events.js';
import type { Token } from './parse.js';

/** Argument schemas over tokens, with Chinese messages that say what was expected. */

export const word = (label: string) =>
  z.custom<string>((token) => typeof token === 'string' && token.length > 0, { error: `这里需要${label}` });

export const mention = (label: string) =>
  z
    .custom<{ mention: Mention }>((token) => typeof token === 'object' && token !== null && 'mention' in token, {
      error: `这里需要 @${label}（在飞书里输入 @ 选择此人）`,
    })
    .transform((token) => token.mention);

export const oneOf = <const T extends readonly [string, ...string[]]>(label: string, choices: Record<string, T[number]>) =>
  z.custom<string>((token) => typeof token === 'string' && token.toLowerCase() in choices, {
    error: `${label}只能是：${Object.keys(choices).join(' / ')}`,
  }).transform((token) => choices[token.toLowerCase()]!);

export const noArgs = z.tuple([]) as unknown as z.ZodType<[], Token[]>;

/** Chinese lines for what is wrong with the arguments, naming the position of each problem. */
export function describeArgProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.path.length === 0 && (issue.code === 'too_big' || issue.code === 'too_small')) {
      return issue.code === 'too_big' ? '参数多了' : '参数不够';
    }
    const position = typeof issue.path[0] === 'number' ? `第 ${issue.path[0] + 1} 个参数：` : '';
    return `${position}${issue.message}`;
  });
}
