import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Policy } from '../src/domain/policy.js';
import type { WorkingCalendar } from '../src/domain/calendar.js';
import type { Tx } from '../src/db/client.js';
import type { OutgoingMessage } from '../src/db/queries/outbox.js';
import type { Actor } from '../src/workflow/actor.js';

/** What a handler may use. Nothing stateful is imported by a command; it all comes in here. */
export interface CommandContext {
  tx: Tx;
  now: Date;
  log: Logger;
  actor: Actor;
  chat: { chatId: string; chatType: 'p2p' | 'group' };
  org: { timezone: string; policy: Policy; calendar?: WorkingCalendar };
  /** Queues a reply to the message that carried the command (sent after commit). */
  reply(message: OutgoingMessage): Promise<void>;
}

export interface CommandDefinition<A = unknown> {
  /** English name, typed after /yq. */
  name: string;
  /** Chinese aliases, typed after /舆情 (either prefix takes either name). */
  aliases: readonly string[];
  /** One line for the command list. */
  summary: string;
  /** Usage lines, e.g. `/yq bind <单位>`. */
  usage: readonly string[];
  examples: readonly string[];
  /** Validates the arguments (the tokens after the command word). Messages are Chinese. */
  args: z.ZodType<A>;
  run(ctx: CommandContext, args: A, rest: string): Promise<void>;
}

/** Keeps each command's argument type while listing them together. */
export function defineCommand<A>(definition: CommandDefinition<A>): CommandDefinition<A> {
  return definition;
}

/** Any command, for lists: each keeps its own argument type inside its definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDefinition<any>;
