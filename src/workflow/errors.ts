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
