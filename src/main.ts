import { startApp } from './app.js';
import { systemClock } from './clock.js';
import { loadConfigFromProcess } from './config.js';
import { DirectoryInUseError } from './db/dir-lock.js';
import { EmbeddedPostgresError } from './db/embedded.js';
import { createLogger } from './logger.js';
import { OrgFileError } from './org/load.js';

/** Start-up problems an operator can fix get plain lines on stderr, not a stack trace. */
function fail(lines: string[]): never {
  for (const line of lines) process.stderr.write(`yuqing-bot: ${line}\n`);
  process.exit(1);
}

const args = new Set(process.argv.slice(2));
const loaded = loadConfigFromProcess();
if (!loaded.ok) fail(['cannot start, fix these settings:', ...loaded.problems.map((p) => `  ${p}`)]);
// `npm run sandbox` plays Feishu locally even where Lark credentials are set.
const config = args.has('--sandbox') ? { ...loaded.config, mode: 'sandbox' as const, lark: undefined, host: '127.0.0.1' } : loaded.config;
const log = createLogger(config.logLevel);

try {
  const app = await startApp(config, { clock: systemClock, log, resetSandbox: args.has('--reset') });
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  log.info({ mode: config.mode, data: app.database.description, orgFile: app.org.path, port: app.port }, 'yuqing-bot is up');
  process.stdout.write(
    [
      `yuqing-bot is running (${config.mode === 'sandbox' ? 'sandbox: no Lark credentials' : `Lark ${config.mode}`}).`,
      `  data:              ${app.database.description}`,
      `  organisation file: ${app.org.path}`,
      `  http:              http://${shownHost}:${app.port}/  (health: /healthz, /readyz)`,
      ...(config.mode === 'sandbox' ? [`  sandbox:           open http://localhost:${app.port}/ to try it (沙盒：在浏览器里扮演县新闻办、联络人、领导)`] : []),
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof OrgFileError) fail(error.message.split('\n'));
  if (error instanceof DirectoryInUseError || error instanceof EmbeddedPostgresError) fail([error.message]);
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') fail([`port ${config.port} is in use; set PORT to a free port`]);
  log.fatal({ err: error }, 'start failed');
  fail([`start failed: ${error instanceof Error ? error.message : String(error)}`]);
}
