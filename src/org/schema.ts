import { z } from 'zod';
import { policySchema } from '../domain/policy.js';

/** The organisation file of DESIGN.md §2a. Cross-references are checked after the shape. */

export const UNIT_ROLES = ['news_office', 'propaganda', 'government_office', 'police', 'cyber', 'department', 'town'] as const;
export type UnitRole = (typeof UNIT_ROLES)[number];

/** How the file may name a person: an open_id, or a mobile or email resolved at start. */
const personKey = z
  .string()
  .trim()
  .regex(
    /^(ou_[0-9A-Za-z_-]+|\+?\d{6,15}|[^@\s]+@[^@\s]+\.[^@\s]+)$/,
    'name a person by open_id (ou_…), mobile (+8613800000000) or email',
  );

const unitCode = z.string().trim().regex(/^[a-z][a-z0-9_-]*$/, 'unit codes are lowercase letters, digits, - or _, e.g. health');

const chatId = z.string().trim().regex(/^oc_[0-9A-Za-z_-]+$/, 'a chat id looks like oc_…');

export const unitSchema = z
  .object({
    code: unitCode,
    name: z.string().trim().min(1, 'give the unit its Chinese name'),
    role: z.enum(UNIT_ROLES, { error: `role must be one of ${UNIT_ROLES.join(', ')}` }),
    chat_id: chatId.optional(),
    leaders: z.array(personKey).default([]),
    liaisons: z.array(personKey).default([]),
    members: z.array(personKey).default([]),
    joint_meeting: z.boolean().default(false),
    keywords: z.array(z.string().trim().min(1)).default([]),
  })
  .strict();

export const orgFileSchema = z
  .object({
    timezone: z
      .string()
      .default('Asia/Shanghai')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'not a known IANA time zone; e.g. Asia/Shanghai'),
    admins: z.array(personKey).default([]),
    units: z.array(unitSchema).min(1, 'list at least the news office'),
    county_leaders: z
      .array(z.object({ id: personKey, name: z.string().trim().min(1).optional(), oversees: z.array(unitCode).default([]) }).strict())
      .default([]),
    rumour_handover: z.array(unitCode).optional(),
    people: z.record(personKey, z.string().trim().min(1, 'give the display name')).default({}),
    policy: policySchema.prefault({}),
  })
  .strict()
  .superRefine((org, ctx) => {
    const codes = new Set<string>();
    org.units.forEach((unit, index) => {
      if (codes.has(unit.code)) ctx.addIssue({ code: 'custom', path: ['units', index, 'code'], message: `unit code "${unit.code}" is used twice` });
      codes.add(unit.code);
      if (unit.members.length > 0 && unit.role !== 'news_office') {
        ctx.addIssue({ code: 'custom', path: ['units', index, 'members'], message: 'only the news office has members (staff who register items); use liaisons' });
      }
    });
    const newsOffices = org.units.filter((unit) => unit.role === 'news_office');
    if (newsOffices.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['units'], message: `exactly one unit must have role news_office (found ${newsOffices.length})` });
    }
    const checkUnit = (code: string, where: (string | number)[]) => {
      if (!codes.has(code)) ctx.addIssue({ code: 'custom', path: where, message: `no unit has code "${code}"` });
    };
    org.county_leaders.forEach((leader, i) => leader.oversees.forEach((code, j) => checkUnit(code, ['county_leaders', i, 'oversees', j])));
    org.rumour_handover?.forEach((code, i) => checkUnit(code, ['rumour_handover', i]));
  });

export type OrgFile = z.output<typeof orgFileSchema>;
export type OrgUnit = OrgFile['units'][number];

/** Units that receive rumour hand-overs: the file's list, or every police and cyber unit. */
export function rumourHandoverUnits(org: OrgFile): string[] {
  return org.rumour_handover ?? org.units.filter((unit) => unit.role === 'police' || unit.role === 'cyber').map((unit) => unit.code);
}
