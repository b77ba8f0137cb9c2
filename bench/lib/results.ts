import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Figure } from './context.js';

const cell = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** The figures as a plain-text table, in section order. */
export function table(figures: Figure[]): string {
  const rows = [['section', 'figure', 'value', 'baseline', 'ratio', 'target', 'ok', 'note']];
  for (const f of [...figures].sort((a, b) => a.section.localeCompare(b.section, 'en', { numeric: true }))) {
    rows.push([
      f.section,
      f.name,
      `${cell(f.value)}${f.unit ? ` ${f.unit}` : ''}`,
      cell(f.baseline),
      f.ratio === undefined ? '' : `${f.ratio}×`,
      cell(f.target),
      f.pass === undefined ? '' : f.pass ? 'yes' : 'NO',
      cell(f.note),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.min(c === 7 ? 80 : 60, Math.max(...rows.map((r) => [...r[c]!].length))));
  const line = (r: string[]) => r.map((v, c) => (c === 7 ? v : v.padEnd(widths[c]!))).join(' | ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

export function machine() {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1073741824),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** The command that produced the figures, as someone would type it again. */
export function commandLine(): string {
  const env = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_') && name !== 'BENCH_CHILD_OPTIONS' && name !== 'BENCH_DATABASE_URL')
    .map(([name, value]) => `${name}=${value}`);
  if (process.env.BENCH_DATABASE_URL) env.push('BENCH_DATABASE_URL=…');
  return [...env, 'npm run bench'].join(' ');
}

export async function writeResults(dir: string, result: Record<string, unknown>): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${stamp}.json`);
  await fs.writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * A digest of the code measured (src, commands, cards, migrations, lock file), so a result can be
 * matched to the tree it came from without asking git.
 */
export async function sourceDigest(root: string): Promise<{ sha256: string; files: number; newest: string }> {
  const hash = createHash('sha256');
  let files = 0;
  let newest = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        hash.update(path.relative(root, full)).update(await fs.readFile(full));
        newest = Math.max(newest, (await fs.stat(full)).mtimeMs);
        files += 1;
      }
    }
  };
  for (const part of ['src', 'commands', 'cards', 'drizzle']) await walk(path.join(root, part));
  for (const file of ['package-lock.json', 'org.example.yaml']) {
    hash.update(file).update(await fs.readFile(path.join(root, file)).catch(() => Buffer.alloc(0)));
  }
  return { sha256: hash.digest('hex').slice(0, 16), files, newest: new Date(newest).toISOString() };
}
