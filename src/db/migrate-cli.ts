import { loadConfigFromProcess } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase } from './open.js';

/** `npm run db:migrate`: applies the migrations to the database the bot would use, then exits. */
const loaded = loadConfigFromProcess();
if (!loaded.ok) {
  for (const problem of loaded.problems) process.stderr.write(`yuqing-bot: ${problem}\n`);
  process.exit(1);
}
const log = createLogger(loaded.config.logLevel);
const database = await openDatabase(loaded.config, log);
process.stdout.write(`migrations applied: ${database.description}\n`);
await database.close();
