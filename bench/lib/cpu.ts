import fs from 'node:fs';

/**
 * How busy the machine was while a measurement ran, and how much of that was the bench's own
 * process tree (the bench, the app and baseline children, the embedded PostgreSQL): other work on
 * the same cores (e.g. a test suite) slows the figures down, so the results say how much there was.
 */

const TICK_MS = 10; // USER_HZ = 100 on Linux

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, ms: reaped children count through their parent. */
  cpuMs: number;
}

function processes(): Proc[] {
  const list: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      list.push({ pid: Number(entry), ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * TICK_MS });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}

/** CPU ms used by this process and all its descendants (live ones, and reaped ones via c-times). */
export function treeCpuMs(root = process.pid): number {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let total = 0;
  const stack = all.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop()!;
    total += p.cpuMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return total;
}

/** Busy CPU ms of the whole machine (all cores) since boot. */
export function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * TICK_MS;
}

export interface Snapshot {
  at: number;
  machine: number;
  ours: number;
}

export function snapshot(): Snapshot {
  return { at: performance.now(), machine: machineBusyMs(), ours: treeCpuMs() };
}

/** Share of the machine's cores used by others, and by us, between two snapshots (0–1 each). */
export function usageBetween(a: Snapshot, b: Snapshot, cores: number): { others: number; ours: number } {
  const capacity = (b.at - a.at) * cores;
  const ours = b.ours - a.ours;
  return { others: Math.max(0, (b.machine - a.machine - ours) / capacity), ours: ours / capacity };
}
