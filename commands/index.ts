import { bindCommand } from './bind.js';
import { helpCommand } from './help.js';
import { liaisonCommand } from './liaison.js';
import { rosterCommand } from './roster.js';
import type { CommandDefinition } from './types.js';
import { whoamiCommand } from './whoami.js';

/** The only list of commands. Order is the order `help` shows them in. */
export const COMMANDS: readonly CommandDefinition<never>[] = [
  helpCommand(() => COMMANDS),
  whoamiCommand,
  rosterCommand,
  bindCommand,
  liaisonCommand,
] as unknown as readonly CommandDefinition<never>[];
