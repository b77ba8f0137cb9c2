import { bindCommand } from './bind.js';
import { helpCommand } from './help.js';
import { liaisonCommand } from './liaison.js';
import { newCommand } from './new.js';
import { tipCommand } from './tip.js';
import { assessCommand } from './assess.js';
import { extendCommand } from './extend.js';
import { exportCommand, reportCommand } from './report.js';
import { specialCommand } from './special.js';
import { assignCommand, closeCommand, draftCommand, feedbackCommand, listCommand, recurCommand, reopenCommand, showCommand } from './item-commands.js';
import { rosterCommand } from './roster.js';
import type { AnyCommand } from './types.js';
import { whoamiCommand } from './whoami.js';

/** The only list of commands. Order is the order `help` shows them in. */
export const COMMANDS: readonly AnyCommand[] = [
  helpCommand(() => COMMANDS),
  newCommand,
  tipCommand,
  assessCommand,
  listCommand,
  showCommand,
  assignCommand,
  extendCommand,
  draftCommand,
  closeCommand,
  reopenCommand,
  recurCommand,
  feedbackCommand,
  reportCommand,
  specialCommand,
  exportCommand,
  whoamiCommand,
  rosterCommand,
  bindCommand,
  liaisonCommand,
];
