/**
 * The one error type domain code throws. Expected refusals (a transition not allowed, an action not
 * permitted) are returned as results instead; a throw means the input broke a contract the caller
 * should have checked (bad calendar data, a clock without a date), so the boundary can turn it into a
 * Chinese reply and an English log line without knowing the module it came from.
 */
export class DomainError<C extends string = string> extends Error {
  override readonly name = 'DomainError';
  readonly code: C;
  /** Shown to the user as is. */
  readonly messageZh: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: C,
    messageZh: string,
    options: { message?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.messageZh = messageZh;
    this.details = options.details;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
