// The one error base of the workers: every failure a worker reports is a named subclass of BaseError,
// with a short human message, optional details, and the underlying failure kept as `cause`.

export interface BaseErrorParameters {
  /** Extra facts (ids, sizes, expected vs actual) appended to the message. */
  details?: string;
  /** The underlying failure this error wraps. */
  cause?: unknown;
}

export class BaseError extends Error {
  override name = "BaseError";
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const causeText =
      parameters.cause instanceof Error ? parameters.cause.message : parameters.cause === undefined ? undefined : String(parameters.cause);
    const lines = [shortMessage];
    if (parameters.details) lines.push(`Details: ${parameters.details}`);
    if (causeText && causeText !== parameters.details) lines.push(`Cause: ${causeText}`);
    super(lines.join("\n"), parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.details = parameters.details;
  }

  /** Walks the `cause` chain and returns the first error matching `predicate`, if any. */
  walk(predicate: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    while (current !== undefined && current !== null) {
      if (predicate(current)) return current;
      current = current instanceof Error ? current.cause : undefined;
    }
    return undefined;
  }
}
