/**
 * `npm run bench` (issue #8, part 1): the bot measured through its real HTTP port and a real
 * PostgreSQL, side by side with a baseline, in one invocation. `BENCH_QUICK=1` for a short run;
 * `BENCH_DATABASE_URL` to use a server of your own instead of an embedded one in a temp dir.
 * Prints a table and writes bench/results/<timestamp>.json. Everything listens on 127.0.0.1.
 *
 *   1 baseline        express + our verification/decryption + one INSERT in one transaction + {}
 *   2 card clicks     acknowledge on distinct open items, at a fixed rate, through /webhook/card
 *   3 text commands   /yq whoami and /yq list through /webhook/event: webhook answer and reply at Lark
 *   4 reminder sweeper  sweep with nothing due, claim batches of 500, memory, timers
 *   5 outbound        reminder messages due at one instant, real sender → sandbox stand-in (Lark's limits)
 *   6 monthly report  buildReport over SQL-seeded items, slowest statement with EXPLAIN, and what
 *                     candidate indexes or more work_mem change (in the scratch database only)
 *   7 memory, start-up  RSS idle and under click load, start on an existing database
 *   0 run conditions  how much CPU other processes took during each measurement
 *
 * Other knobs (numbers): BENCH_CLICK_RATE, BENCH_CLICK_SECONDS, BENCH_ITEMS, BENCH_CONNECTIONS,
 * BENCH_COMMAND_RATE, BENCH_COMMAND_SECONDS, BENCH_SWEEP_ITEMS, BENCH_SWEEP_DUE,
 * BENCH_OUTBOUND_MESSAGES, BENCH_OUTBOUND_CHATS; BENCH_ONLY=1,2 runs some sections only;
 * BENCH_LOG_LEVEL (the app's pino level, info by default as in production); BENCH_KEEP_LOGS=1 keeps
 * the app children's logs under bench/results/; BENCH_CPU_PROFILE=1
 * writes V8 CPU profiles of the app processes to bench/results/profiles/.
 *
 * Cleans up on success, failure, Ctrl-C and crashes (children killed, the embedded server stopped,
 * the temp dir removed); only a SIGKILL of the bench itself can leave a server behind.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_ORG_FILE } from '../src/config.js';
import { killChildren } from './lib/children.js';
import { snapshot, usageBetween } from './lib/cpu.js';
import { appStarter, paramsFromEnv, PROFILE_DIR, round, type BenchContext, type Figure, type Params } from './lib/context.js';
import { startFakeLark } from './lib/fake-lark.js';
import { startBenchServer, tempRootFor, type BenchServer } from './lib/postgres.js';
import { commandLine, machine, sourceDigest, table, writeResults } from './lib/results.js';
import { orgFacts, registerTemplates } from './lib/seed.js';
import { measureBaseline } from './measure/1-baseline.js';
import { measureClicks } from './measure/2-clicks.js';
import { measureCommands } from './measure/3-commands.js';
import { measureSweeper } from './measure/4-sweeper.js';
import { measureOutbound } from './measure/5-outbound.js';
import { measureReport } from './measure/6-report.js';
import { measureStartup } from './measure/7-startup.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const startedAt = new Date();
const t0 = performance.now();
const say = (line: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

/** The measurements, in the issue's order, each with the parameters its figures depend on. */
const STEPS: { id: string; title: string; run: (ctx: BenchContext) => Promise<void>; params: (p: Params) => Record<string, unknown> }[] = [
  { id: '1', title: 'baseline', run: measureBaseline, params: (p) => ({ rate: p.clickRate, seconds: p.clickSeconds, connections: p.connections }) },
  { id: '2', title: 'card clicks', run: measureClicks, params: (p) => ({ action: 'acknowledge', rate: p.clickRate, seconds: p.clickSeconds, connections: p.connections, openItems: p.clickItems, logLevel: p.logLevel }) },
  { id: '3', title: 'text commands', run: measureCommands, params: (p) => ({ commands: ['/yq whoami', '/yq list'], rate: p.commandRate, seconds: p.commandSeconds, connections: p.connections, openItems: p.clickItems }) },
  { id: '4', title: 'reminder sweeper', run: measureSweeper, params: (p) => ({ openItems: p.sweepItems, dueAtOnce: p.sweepDue, batchSize: p.sweepBatch }) },
  { id: '5', title: 'outbound', run: measureOutbound, params: (p) => ({ messages: p.outboundMessages, chats: p.outboundChats, larkLimits: '5/s per chat, 50/s and 1000/min per app' }) },
  { id: '6', title: 'monthly report', run: measureReport, params: (p) => ({ items: p.reportSizes, allInTheReportedMonth: true }) },
  { id: '7', title: 'memory, start-up', run: measureStartup, params: (p) => ({ database: `the click run's (${p.clickItems} items)`, starts: 3, clickRate: p.clickRate }) },
];

async function main(): Promise<number> {
  const params = paramsFromEnv();
  const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
  // 7 restarts the app on the click run's database.
  if (only?.has('7')) only.add('2');
  const tempRoot = await tempRootFor();
  let server: BenchServer | undefined;
  // Once, whoever asks first (the end of the run, a signal, a crash); later callers wait for it.
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      killChildren(true);
      await server?.stop().catch((error: unknown) => say(`could not stop PostgreSQL: ${String(error)}`));
      if (process.env.BENCH_KEEP_LOGS === '1') {
        const kept = path.join(PROFILE_DIR, '..', `logs-${new Date().toISOString().replace(/[:.]/g, '-')}`);
        await fs.cp(path.join(tempRoot, 'logs'), kept, { recursive: true }).then(() => say(`app logs kept in ${kept}`), () => undefined);
      }
      await fs.rm(tempRoot, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  // An error thrown outside the measurements (an event handler): still stop the database. While
  // cleaning up, connections cut by the stopping server may throw too: those are expected.
  process.on('uncaughtException', (error) => {
    if (cleaning) return say(`(while cleaning up) ${error.message}`);
    say(`uncaught: ${error.stack ?? error.message}; cleaning up`);
    void cleanup().finally(() => process.exit(1));
  });

  const figures: Figure[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const command = commandLine();
  let ctx: BenchContext | undefined;
  try {
    say(`${params.quick ? 'quick' : 'default'} run; temp dir ${tempRoot}`);
    server = await startBenchServer(tempRoot);
    say(`PostgreSQL: ${server.description}`);

    // The base database: created empty, migrated and synced by the app itself, unit chats bound
    // and template items registered through the webhook.
    await server.createDatabase('bench_base');
    const startApp = appStarter(server, tempRoot, EXAMPLE_ORG_FILE, params.logLevel);
    const lark = await startFakeLark();
    const seedApp = await startApp('bench_base', lark.url, 'seed');
    say(`app started on a new database in ${Math.round(seedApp.startMs)} ms (migrations, organisation file synced)`);
    const baseSql = server.admin('bench_base');
    const templates = await registerTemplates(seedApp.port, baseSql, await orgFacts(EXAMPLE_ORG_FILE), params.templatesPerUnit);
    await seedApp.stop();
    await lark.close();
    await baseSql.end({ timeout: 5 });
    say(`base database: ${templates} template items registered through the webhook, cards delivered`);

    let current = '';
    ctx = {
      params,
      server,
      tempRoot,
      orgFile: EXAMPLE_ORG_FILE,
      baseDatabase: 'bench_base',
      templateItems: templates,
      details: { newDatabaseStartMs: seedApp.startMs },
      record: (figure) => {
        figures.push({ ...figure, baseline: figure.baseline === undefined ? undefined : round(figure.baseline), command, params: STEPS.find((s) => s.id === current)?.params(params) });
        say(`  ${figure.section} · ${figure.name}: ${figure.value}${figure.unit ? ` ${figure.unit}` : ''}${figure.ratio !== undefined ? ` (${figure.ratio}× baseline)` : ''}`);
      },
      note: (line) => {
        notes.push(line);
        say(`  ${line}`);
      },
      startApp,
    };
    for (const step of STEPS) {
      if (only && !only.has(step.id)) continue;
      if (cleaning) break;
      current = step.id;
      say(`${step.id} ${step.title}`);
      const stepStarted = performance.now();
      const before = snapshot();
      try {
        await step.run(ctx);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push(`${step.id} ${step.title}: ${message}`);
        say(`${step.id} ${step.title} FAILED: ${message}`);
        killChildren();
      }
      const usage = usageBetween(before, snapshot(), os.cpus().length);
      const seconds = (performance.now() - stepStarted) / 1000;
      ctx.record({
        section: '0 run conditions',
        name: `during ${step.id} ${step.title}: CPU used by others / by the bench`,
        value: `${Math.round(usage.others * 100)} % / ${Math.round(usage.ours * 100)} %`,
        unit: '',
        note: `of ${os.cpus().length} cores over ${seconds.toFixed(0)} s; load average ${os.loadavg()[0]!.toFixed(1)}`,
      });
      say(`${step.id} ${step.title} took ${seconds.toFixed(1)} s`);
    }
  } catch (error) {
    failures.push(`set-up: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    say(`set-up FAILED: ${failures.at(-1)}`);
  }

  const resultsDir = path.join(here, 'results');
  const result = {
    command,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    wallSeconds: Math.round((performance.now() - t0) / 1000),
    machine: machine(),
    database: server?.description,
    source: await sourceDigest(path.join(here, '..')),
    params,
    figures,
    notes,
    failures,
    details: ctx?.details ?? {},
  };
  if (failures.length > 0) {
    // Keep the app logs next to the results: the temp dir is about to go.
    const logs = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}-logs`);
    await fs.cp(path.join(tempRoot, 'logs'), logs, { recursive: true }).catch(() => undefined);
    say(`app logs kept in ${logs}`);
  }
  await cleanup();
  const file = await writeResults(resultsDir, result);
  process.stdout.write(`\n${command}  (${result.wallSeconds} s, ${machine().cpus} CPUs, ${result.database})\n\n${table(figures)}\n\n`);
  for (const failure of failures) process.stdout.write(`FAILED ${failure.split('\n')[0]}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killChildren();
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
