import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * How `npm start` runs the bot, for the bench and the tests that start it as a process: they build
 * the same way and start node with the start script's arguments, without npm in between (so a
 * signal sent to the child reaches the bot).
 */
const ROOT = path.resolve(import.meta.dirname, '..');

/** `npm run build`: the compiled bot in dist/. */
export function buildForStart(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

/** The start script's words after `node`: its flags, then the entry point (relative to the root). */
export function startNodeArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`package.json's start script no longer starts with node: ${scripts.start}`);
  return args;
}
