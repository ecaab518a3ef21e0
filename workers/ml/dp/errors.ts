// Named failures of differential privacy: bad settings (one line naming the field, for the CLI), bad accountant
// input, and bad input to the privatization of an update.
import { BaseError } from "../../errors";

/** A DP setting is missing or out of range; the message is one line and names the field. */
export class DpSettingsError extends BaseError {
  override name = "DpSettingsError" as const;
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** The accountant was asked something it cannot answer (non-positive noise, rounds, δ outside (0, 1), ...). */
export class DpAccountingError extends BaseError {
  override name = "DpAccountingError" as const;
  constructor(message: string, details?: string) {
    super(message, { details });
  }
}

/** The vector or context handed to privatization is unusable (client count, scale, int32 overflow). */
export class DpInputError extends BaseError {
  override name = "DpInputError" as const;
  constructor(message: string, details?: string, cause?: unknown) {
    super(message, { details, cause });
  }
}
