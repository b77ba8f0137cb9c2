import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface DirectoryLock {
  release(): Promise<void>;
}

export class DirectoryInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`another yuqing-bot (pid ${pid}) is already using ${dir}; stop it first, or set DATA_DIR to another folder`);
    this.name = 'DirectoryInUseError';
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process where the OS tells us (Linux /proc), else undefined. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/**
 * A pid file created with O_EXCL. A file naming a dead process (the bot was SIGKILLed) is
 * stale and taken over; one naming a live node process means another bot owns the directory.
 */
export async function acquireDirectoryLock(dir: string): Promise<DirectoryLock> {
  const file = path.join(dir, 'yuqing-bot.pid');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx' });
      return {
        release: async () => {
          const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
          if (owner === process.pid) await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    const command = Number.isInteger(owner) && owner > 0 ? processCommandLine(owner) : undefined;
    const ownerIsLiveBot =
      owner !== process.pid && owner > 0 && isProcessAlive(owner) && (command === undefined || command.includes('node'));
    if (ownerIsLiveBot) throw new DirectoryInUseError(dir, owner);
    await fs.rm(file, { force: true });
  }
  throw new Error(`could not lock ${dir}`);
}
