import { buildForStart } from '../../scripts/npm-start.js';

/**
 * Once per run, before any test file: `npm run build`, so tests that start the bot as a process
 * run the compiled build the way `npm start` does (test/helpers/bot-process.ts).
 */
export default buildForStart;
