import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Once per run, before any test file: `npm run build`, so tests that start the bot as a process
 * run the compiled build the way `npm start` does (test/helpers/bot-process.ts).
 */
export default function buildOnce(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: 'inherit' });
}
