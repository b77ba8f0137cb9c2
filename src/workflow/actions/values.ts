import { z } from 'zod';

/**
 * The callback values our cards send (`{ action, item, … }` of each button and form submit), as
 * zod schemas. The dispatcher (src/inbound/handle.ts) parses a click's value with its action's
 * schema before the action runs: a value no card of ours sends (a missing or garbled id, an
 * unknown form) is refused there, cleanly and with a security event, and the actions read typed
 * values. Unknown keys (`v`, the card's version stamp) are dropped.
 */

/** Cards send numbers; a canonical decimal string is accepted too. */
const decimal = z.string().regex(/^[1-9]\d{0,15}$/u).transform(Number);
const positiveInteger = (max: number) => z.union([z.number(), decimal]).pipe(z.number().int().min(1).max(max));

/** A row id (bigserial). */
export const cardId = positiveInteger(Number.MAX_SAFE_INTEGER);
/** A draft version (an integer column). */
export const draftVersion = positiveInteger(2_147_483_647);
/** A unit code, as the organisation file allows them. */
export const unitCode = z.string().max(64).regex(/^[a-z][a-z0-9_-]*$/u);

/** The forms a card button opens (`open_form`, see forms.ts). */
export const FORM_NAMES = ['dispute', 'verify', 'draft', 'review', 'publication', 'media', 'rectification', 'instruction', 'handover'] as const;
export type FormName = (typeof FORM_NAMES)[number];

export const itemValue = z.object({ item: cardId });
export const openFormValue = z.object({ item: cardId, form: z.enum(FORM_NAMES) });
export const routeValue = z.object({ item: cardId, unit: unitCode });
export const disputeValue = z.object({ item: cardId, dispute: cardId });
export const draftValue = z.object({ item: cardId, draft: draftVersion });
export const confirmWordingValue = z.object({ item: cardId, draft: draftVersion, unit: unitCode, agree: z.boolean() });
export const handoverValue = z.object({ item: cardId, handover: cardId });
export const consultationValue = z.object({ item: cardId, consultation: cardId });
export const disposalValue = z.object({ item: cardId, consultation: cardId, agree: z.boolean() });
export const leadValue = z.object({ lead: cardId });
export const registerValue = z.object({ lead: cardId.optional() });
export const assessmentValue = z.object({ assessment: cardId });
export const noValue = z.object({});

/**
 * Form fields that carry ids (a select whose options are our own values); every other field is
 * the user's text and checked by the action with a message that says how to fix it.
 */
export const publicationForm = z.looseObject({ draft: z.union([z.literal(''), z.string().regex(/^\s*[1-9]\d{0,8}\s*$/u)]).optional() });

export type ItemValue = z.output<typeof itemValue>;
export type OpenFormValue = z.output<typeof openFormValue>;
export type RouteValue = z.output<typeof routeValue>;
export type DisputeValue = z.output<typeof disputeValue>;
export type DraftValue = z.output<typeof draftValue>;
export type ConfirmWordingValue = z.output<typeof confirmWordingValue>;
export type HandoverValue = z.output<typeof handoverValue>;
export type ConsultationValue = z.output<typeof consultationValue>;
export type DisposalValue = z.output<typeof disposalValue>;
export type LeadValue = z.output<typeof leadValue>;
export type RegisterValue = z.output<typeof registerValue>;
export type AssessmentValue = z.output<typeof assessmentValue>;
