import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchServer } from './postgres.js';
import { startChild, type Child } from './children.js';

/** The sizes and rates of a run: the issue's by default, smaller with BENCH_QUICK=1. */
export interface Params {
  quick: boolean;
  /** Load generator connections (the issue's reference figures used 5). */
  connections: number;
  clickRate: number;
  clickSeconds: number;
  /** Open items seeded for the click run (at least one per click: each is acknowledged once). */
  clickItems: number;
  commandRate: number;
  commandSeconds: number;
  sweepItems: number;
  /** Reminders made due at once for the claim-batch figures. */
  sweepDue: number;
  sweepBatch: number;
  outboundMessages: number;
  outboundChats: number;
  reportSizes: number[];
  /** Template items registered through the app per unit before copying. */
  templatesPerUnit: number;
  logLevel: string;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

export function paramsFromEnv(): Params {
  const quick = process.env.BENCH_QUICK === '1';
  const clickRate = intFromEnv('BENCH_CLICK_RATE', quick ? 50 : 200);
  const clickSeconds = intFromEnv('BENCH_CLICK_SECONDS', quick ? 10 : 60);
  return {
    quick,
    connections: intFromEnv('BENCH_CONNECTIONS', 5),
    clickRate,
    clickSeconds,
    clickItems: Math.max(intFromEnv('BENCH_ITEMS', 10_000), clickRate * clickSeconds),
    commandRate: intFromEnv('BENCH_COMMAND_RATE', 5),
    commandSeconds: intFromEnv('BENCH_COMMAND_SECONDS', quick ? 10 : 20),
    sweepItems: intFromEnv('BENCH_SWEEP_ITEMS', quick ? 20_000 : 100_000),
    sweepDue: intFromEnv('BENCH_SWEEP_DUE', quick ? 1_000 : 5_000),
    sweepBatch: 500,
    outboundMessages: intFromEnv('BENCH_OUTBOUND_MESSAGES', quick ? 200 : 1_000),
    outboundChats: intFromEnv('BENCH_OUTBOUND_CHATS', quick ? 40 : 200),
    reportSizes: quick ? [20_000, 100_000] : [100_000, 1_000_000],
    templatesPerUnit: 2,
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  };
}

/** One number of the results: printed in the table and written to the JSON. */
export interface Figure {
  section: string;
  name: string;
  value: number | string;
  unit: string;
  /** The baseline's figure this one is compared with, and value / baseline. */
  baseline?: number;
  ratio?: number;
  target?: string;
  pass?: boolean;
  note?: string;
  /** The parameters of the measurement that produced it (added by the runner). */
  params?: Record<string, unknown>;
  command?: string;
}

export interface BaselineFigures {
  p50: number;
  p99: number;
  cpuPerRequestMs: number;
  rssMb: number;
}

export interface BenchContext {
  params: Params;
  server: BenchServer;
  tempRoot: string;
  orgFile: string;
  /** Database with the organisation synced, unit chats bound and the template items. */
  baseDatabase: string;
  templateItems: number;
  baseline?: BaselineFigures;
  /** Extra detail for the JSON (per measurement). */
  details: Record<string, unknown>;
  record(figure: Figure): void;
  note(line: string): void;
  /** The app in its own process, webhook mode, on a database of the server. */
  startApp(database: string, larkDomain: string, tag: string): Promise<Child>;
}

/** BENCH_CPU_PROFILE=1: the app children write V8 CPU profiles to bench/results/profiles/. */
export const PROFILE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'results', 'profiles');

export function appStarter(server: BenchServer, tempRoot: string, orgFile: string, logLevel: string) {
  const profile = process.env.BENCH_CPU_PROFILE === '1';
  return (database: string, larkDomain: string, tag: string) =>
    startChild(
      'app',
      {
        databaseUrl: server.urlFor(database),
        larkDomain,
        orgFile,
        dataDir: path.join(tempRoot, `data-${tag}`),
        logFile: path.join(tempRoot, 'logs', `${tag}.log`),
        logLevel,
      },
      // One directory per child (a worker thread, such as pino's, writes a profile of its own).
      profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, `${tag}-${new Date().toISOString().replace(/[:.]/g, '-')}`)}`] : [],
    );
}

export const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
