import { DomainError } from '../domain/errors.js';
import type { Action, PermissionResult } from '../domain/permissions.js';

/** A refused action: the boundary replies with the Chinese reason and logs a security event. */
export class RefusedError extends DomainError<'refused'> {
  constructor(
    readonly action: Action | string,
    messageZh: string,
    readonly reasonCode: string,
  ) {
    super('refused', messageZh, { message: `refused ${action}: ${reasonCode}` });
  }
}

/** Throws a RefusedError unless the permission check allowed the action. */
export function ensureAllowed(result: PermissionResult, action: Action): void {
  if (!result.allowed) throw new RefusedError(action, result.messageZh, result.code);
}

/** The input cannot be acted on (unknown unit, wrong chat…); the message says how to fix it. */
export class InputError extends DomainError<'bad_input'> {
  constructor(messageZh: string) {
    super('bad_input', messageZh);
  }
}

/** What a forged or garbled card payload is answered with. */
export const BAD_PAYLOAD_ZH = '卡片数据无效，请在最新的卡片上操作。';

/**
 * A card payload no card of ours sends: a missing or garbled id, an unknown option, or an id that
 * belongs to another item. Refused like a permission (security event, nothing changed).
 */
export class BadPayloadError extends DomainError<'bad_payload'> {
  constructor(
    /** The field, e.g. `handover` or `form.draft`. */
    readonly field: string,
    /** A short code: zod's issue code, or `not_found` / `other_item`. */
    readonly problem: string,
  ) {
    super('bad_payload', BAD_PAYLOAD_ZH, { message: `bad card payload: ${field} ${problem}` });
  }
}
