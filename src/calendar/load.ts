import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { createCalendar, type WorkingCalendar } from '../domain/calendar.js';

export const OFFICIAL_CALENDAR_FILE = path.resolve(import.meta.dirname, 'official-cn.json');

const fileSchema = z.object({
  years: z.record(
    z.string().regex(/^\d{4}$/),
    z.object({ holidays: z.array(z.string()), makeupWorkdays: z.array(z.string()) }),
  ),
});

/** The working-day calendar from the shipped State Council data, or an operator's file of that shape. */
export async function loadWorkingCalendar(file = OFFICIAL_CALENDAR_FILE): Promise<WorkingCalendar> {
  const parsed = fileSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a working-day calendar (${parsed.error.issues[0]?.message})`);
  const years = Object.keys(parsed.data.years).map(Number);
  return createCalendar({
    holidays: Object.values(parsed.data.years).flatMap((y) => y.holidays),
    makeupWorkdays: Object.values(parsed.data.years).flatMap((y) => y.makeupWorkdays),
    lastYear: Math.max(...years),
  });
}
