import type { Mention } from '../src/lark/events.js';

/**
 * Turns a message's text into a command line. In groups the bot only hears messages that
 * @mention it, so the leading placeholders (`@_user_1`) address the bot and are dropped; later
 * ones are arguments (people) and become mention tokens. The `/yq` or `/舆情` prefix is optional:
 * whoever writes to the bot is talking to it.
 */

export type Token = string | { mention: Mention };

export interface CommandLine {
  /** The command word as typed (lower-cased), '' when the message held nothing. */
  word: string;
  /** Whether a /yq or /舆情 prefix was given. */
  prefixed: boolean;
  /** Arguments of the first line, split on spaces; mentions resolved. */
  tokens: Token[];
  /** Everything after the command word, all lines, with mentions shown as @name. */
  rest: string;
  /** What the person typed, with mentions shown as @name: echoed back so nothing is lost. */
  typed: string;
}

const PREFIX = /^[/／](yq|舆情)(?=$|[\s\u3000])/i;
const PLACEHOLDER = /@_user_\d+/g;

function readable(text: string, mentions: Map<string, Mention>): string {
  return text.replace(PLACEHOLDER, (key) => (mentions.has(key) ? `@${mentions.get(key)!.name || key}` : key));
}

export function parseCommandLine(text: string, mentions: Mention[]): CommandLine {
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  let body = text.replace(/\u00a0/g, ' ').trim();
  const typed = readable(body, byKey);
  // Drop the leading @mentions that address the bot.
  while (/^@_user_\d+/.test(body)) body = body.replace(/^@_user_\d+[\s\u3000]*/, '');
  const prefixMatch = PREFIX.exec(body);
  if (prefixMatch) body = body.slice(prefixMatch[0].length).replace(/^[\s\u3000]+/, '');
  const [firstLine = '', ...otherLines] = body.split('\n');
  const words = firstLine.split(/[\s\u3000]+/).filter(Boolean);
  const [word = '', ...args] = words;
  const tokens: Token[] = args.map((arg) => {
    const mention = byKey.get(arg);
    return mention ? { mention } : arg;
  });
  const restFirst = firstLine.trim().slice(word.length).trim();
  const rest = readable([restFirst, ...otherLines].join('\n').trim(), byKey);
  return { word: word.toLowerCase(), prefixed: Boolean(prefixMatch), tokens, rest, typed };
}

export function tokenText(token: Token): string {
  return typeof token === 'string' ? token : `@${token.mention.name}`;
}
