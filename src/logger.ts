import pino, { type Logger } from 'pino';

/** Paths that may hold secrets anywhere in a log object. */
const REDACT = [
  'appSecret', '*.appSecret', 'encryptKey', '*.encryptKey', 'verificationToken', '*.verificationToken',
  'password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization',
  'databaseUrl', '*.databaseUrl',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'yuqing-bot' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}

/** Hides the password of a connection URL so it can be printed. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
