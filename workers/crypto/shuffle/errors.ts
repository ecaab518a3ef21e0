// Named failures of the seed shuffle. Every error about an incoming message names the member index that
// sent it (and the item), so the protocol layer can report or blame the right participant.
import { BaseError } from "../../errors";

/** The group description itself is unusable: too small, a bad or duplicate key, a bad session id or index. */
export class ShuffleGroupInvalidError extends BaseError {
  override name = "ShuffleGroupInvalidError" as const;
  constructor(
    reason: string,
    readonly memberIndex: number | undefined = undefined,
    parameters: { details?: string; cause?: unknown } = {},
  ) {
    super(`Invalid shuffle group${memberIndex === undefined ? "" : ` (member index ${memberIndex})`}: ${reason}.`, parameters);
  }
}

/** Bytes that do not decode as a shuffle or group-sum message (version, kind, truncation, trailing bytes). */
export class ShuffleMessageMalformedError extends BaseError {
  override name = "ShuffleMessageMalformedError" as const;
  constructor(reason: string, details?: string) {
    super(`Malformed shuffle message: ${reason}.`, { details });
  }
}

/** A message from someone other than the previous member in the chain (or a message where none is due). */
export class ShuffleUnexpectedSenderError extends BaseError {
  override name = "ShuffleUnexpectedSenderError" as const;
  constructor(
    readonly memberIndex: number,
    readonly expectedSenderIndex: number | undefined,
    readonly actualSenderIndex: number | undefined,
  ) {
    super(`Member index ${memberIndex} got a shuffle message it should not have.`, {
      details: `Expected ${expectedSenderIndex === undefined ? "no incoming message" : `a message from member index ${expectedSenderIndex}`}, got ${
        actualSenderIndex === undefined ? "none" : `one from member index ${actualSenderIndex}`
      }.`,
    });
  }
}

export class ShuffleMessageCountError extends BaseError {
  override name = "ShuffleMessageCountError" as const;
  constructor(
    readonly senderIndex: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`The shuffle message from member index ${senderIndex} has the wrong number of items.`, { details: `Expected ${expected}, got ${actual}.` });
  }
}

export class ShuffleMessageLengthError extends BaseError {
  override name = "ShuffleMessageLengthError" as const;
  constructor(
    readonly senderIndex: number,
    readonly itemIndex: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Item ${itemIndex} of the shuffle message from member index ${senderIndex} has the wrong length.`, {
      details: `Expected ${expected} bytes, got ${actual}.`,
    });
  }
}

/** Two identical items: a sender counting one seed twice (and so dropping someone else's). */
export class ShuffleDuplicateItemError extends BaseError {
  override name = "ShuffleDuplicateItemError" as const;
  constructor(
    readonly senderIndex: number,
    readonly itemIndex: number,
    readonly duplicateOfItemIndex: number,
  ) {
    super(`Item ${itemIndex} of the shuffle message from member index ${senderIndex} duplicates item ${duplicateOfItemIndex}.`);
  }
}

/** This member's onion layer on an item does not open (wrong recipient, altered, or another session's). */
export class ShuffleLayerUndecryptableError extends BaseError {
  override name = "ShuffleLayerUndecryptableError" as const;
  constructor(
    readonly senderIndex: number,
    readonly memberIndex: number,
    readonly itemIndex: number,
    cause: unknown,
  ) {
    super(`Member index ${memberIndex} cannot peel its layer of item ${itemIndex} in the message from member index ${senderIndex}.`, { cause });
  }
}

/** A fully peeled item (or the leader's vector) that is not a valid Paillier ciphertext under the holder's key. */
export class ShuffleCiphertextInvalidError extends BaseError {
  override name = "ShuffleCiphertextInvalidError" as const;
  constructor(
    readonly senderIndex: number,
    readonly itemIndex: number,
    cause: unknown,
  ) {
    super(`Item ${itemIndex} from member index ${senderIndex} is not a valid Paillier ciphertext under the holder's key.`, { cause });
  }
}

/** A group sum the holder cannot use: bad ciphertext, too few members, or the same group twice. */
export class ShuffleGroupSumInvalidError extends BaseError {
  override name = "ShuffleGroupSumInvalidError" as const;
  constructor(
    readonly groupIndex: number,
    reason: string,
    cause?: unknown,
  ) {
    super(`The sum of group ${groupIndex} is invalid: ${reason}.`, { cause });
  }
}

/** The decrypted total of the included groups is negative in some plaintext: a group posted a forged sum. */
export class ShuffleSumOutOfRangeError extends BaseError {
  override name = "ShuffleSumOutOfRangeError" as const;
  constructor(
    readonly plaintextIndex: number,
    readonly groupIndices: readonly number[],
  ) {
    super(`The holder's decrypted sum is out of range in plaintext ${plaintextIndex}.`, {
      details: `Included groups ${groupIndices.join(", ")}: honest members' plaintexts are non-negative, so one of these groups posted a forged sum.`,
    });
  }
}
