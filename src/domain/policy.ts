import { z } from 'zod';

/**
 * Every number of DESIGN.md §1a (clocks), §1b (reminder ladder) and §2c (policy), with the
 * defaults the county notice implies. Durations are written in the organisation file as
 * `30m`, `2h`, `3d` (or a bare number of minutes) and held here as minutes.
 */

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/i;

export function parseDurationMinutes(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  const minutes = unit === 'd' ? value * 1440 : unit === 'h' ? value * 60 : value;
  return Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes) : undefined;
}

export const durationSchema = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const minutes = parseDurationMinutes(value);
  if (minutes === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration; write e.g. 30m, 2h or 3d` });
    return z.NEVER;
  }
  return minutes;
});

const clockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'write a local time as HH:MM, e.g. 07:30');

const perLevel = (critical: string, major: string, general: string) =>
  z
    .object({
      critical: durationSchema.prefault(critical),
      major: durationSchema.prefault(major),
      general: durationSchema.prefault(general),
    })
    .strict()
    .prefault({});

const cronSchema = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'write a five-field cron expression, e.g. "0 9 * * 1"');

export const policySchema = z
  .object({
    clocks: z
      .object({
        ack: perLevel('30m', '1h', '2h'),
        verify: perLevel('6h', '12h', '24h'),
        respond: perLevel('24h', '48h', '48h'),
        /** Critical items meet the respond clock only with a press conference (notice §3.5). */
        critical_respond_needs_press_conference: z.boolean().default(true),
        /** Authoritative online answer to a confirmed inquiry (notice §3.4): whole days. */
        answer_days: z.number().int().positive().default(3),
        watch: durationSchema.prefault('7d'),
      })
      .strict()
      .prefault({}),
    /** `calendar`: day clocks count calendar days; `working_days`: the official calendar. */
    calendar: z.enum(['calendar', 'working_days']).default('calendar'),
    reminders: z
      .object({
        half_elapsed: z.boolean().default(true),
        due_soon: durationSchema.prefault('2h'),
        /** Used instead of `due_soon` for clocks no longer than `due_soon` (a due-soon step at the start helps nobody). */
        due_soon_short: durationSchema.prefault('30m'),
        overdue_repeat_after: z.array(durationSchema).min(1).prefault(['12h', '24h', '48h']),
        /** After the last `overdue_repeat_after` step, repeat this often until met. */
        overdue_repeat_every: durationSchema.prefault('48h'),
      })
      .strict()
      .prefault({}),
    quiet_hours: z
      .object({
        enabled: z.boolean().default(true),
        start: clockTimeSchema.default('22:00'),
        end: clockTimeSchema.default('07:30'),
        /** A general item's reminder is still sent at night if its clock falls due before this. */
        unless_due_before: clockTimeSchema.default('08:30'),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        daily_log: cronSchema.default('0 18 * * *'),
        weekly: cronSchema.default('0 9 * * 1'),
        monthly: cronSchema.default('0 9 1 * *'),
      })
      .strict()
      .prefault({}),
    /** A lead nobody handles within this time goes to the news office's leaders. */
    lead_escalation: durationSchema.prefault('2h'),
    intake: z
      .object({
        /** The same article pushed again within this window merges into the earlier lead. */
        merge_window: durationSchema.prefault('72h'),
      })
      .strict()
      .prefault({}),
    /** 舆情风险评估 before major policies (notice §3.2). */
    assessments: z
      .object({
        /** Remind the unit this many days before the release date while the plan or wording is missing. */
        remind_days_before: z.number().int().min(0).max(60).default(3),
        /** Items registered within this many days after the release that match a keyword are linked. */
        link_days: z.number().int().min(1).max(90).default(14),
      })
      .strict()
      .prefault({}),
    cards: z
      .object({
        /** Lark stops edits and clicks at 14 days; re-post a card copy older than this. */
        repost_after: durationSchema.prefault('13d'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;

export const defaultPolicy: Policy = policySchema.parse({});
