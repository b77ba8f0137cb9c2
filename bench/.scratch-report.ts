import { EXAMPLE_ORG_FILE } from '../src/config.js';
import { startBenchServer, tempRootFor } from './lib/postgres.js';
import { appStarter } from './lib/context.js';
import { startFakeLark } from './lib/fake-lark.js';
import { orgFacts } from './lib/seed.js';
import { seedReportItems } from './lib/report-data.js';
import { lastCompletePeriod } from '../src/domain/periods.js';
import { connectDatabase } from '../src/db/client.js';
import { buildReport } from '../src/workflow/reports.js';
import fs from 'node:fs';

const temp = await tempRootFor();
const server = await startBenchServer(temp);
try {
  await server.createDatabase('r');
  const lark = await startFakeLark();
  const app = await appStarter(server, temp, EXAMPLE_ORG_FILE, 'silent')('r', lark.url, 'x');
  await app.stop(); await lark.close();
  const sql = server.admin('r');
  const facts = await orgFacts(EXAMPLE_ORG_FILE);
  const period = lastCompletePeriod('monthly', new Date(), 'Asia/Shanghai');
  await seedReportItems(sql, Number(process.argv[2] ?? 100000), period.from, period.to, facts.units.map((u) => u.code));
  const P = [period.from.toISOString(), period.to.toISOString(), period.to.toISOString(), period.to.toISOString()];
  const q = fs.readFileSync('/tmp/scratch/q.sql', 'utf8');
  for (const wm of ['4MB', '64MB', '256MB']) {
    await sql.unsafe(`set work_mem = '${wm}'`);
    const t = performance.now();
    await sql.unsafe(q, P);
    console.log('ledger as is, work_mem', wm, (performance.now() - t).toFixed(0), 'ms');
  }
  const q2 = fs.readFileSync('/tmp/scratch/q2.sql', 'utf8');
  await sql.unsafe(`set work_mem = '4MB'`);
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    const r = await sql.unsafe(q2, P);
    console.log('ledger narrowed (id only, count(c.item_id))', (performance.now() - t).toFixed(0), 'ms', r.length);
  }
  const plan = await sql.unsafe('explain analyze ' + q, P);
  console.log(plan.map((r) => Object.values(r)[0]).filter((l) => /Sort|Execution|GroupAgg/.test(String(l))).join('\n'));
  const db = connectDatabase(server.urlFor('r'));
  const t = performance.now();
  await buildReport(db.db, { period, scope: {}, now: new Date(), tz: 'Asia/Shanghai' });
  console.log('buildReport', (performance.now() - t).toFixed(0));
  await db.close();
  await sql.end();
} finally { await server.stop(); }
