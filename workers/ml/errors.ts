// Named failures of the ML layer: backend choice, MNIST files, partitioning, models, training and the
// update arithmetic. Each carries the facts a caller needs (expected vs actual) so a worker can report it.
import { BaseError } from "../errors";

export class MlBackendUnavailableError extends BaseError {
  override name = "MlBackendUnavailableError" as const;
  readonly backend: string;
  constructor(backend: string, reason: string, cause?: unknown) {
    super(`The TensorFlow.js backend "${backend}" is not available.`, { details: reason, cause });
    this.backend = backend;
  }
}

export class MlBackendInitError extends BaseError {
  override name = "MlBackendInitError" as const;
  readonly backend: string;
  constructor(backend: string, cause?: unknown) {
    super(`The TensorFlow.js backend "${backend}" failed to initialize.`, { cause });
    this.backend = backend;
  }
}

export class IdxFileReadError extends BaseError {
  override name = "IdxFileReadError" as const;
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`Could not read the IDX file ${path}.`, { cause });
    this.path = path;
  }
}

export class IdxInvalidMagicError extends BaseError {
  override name = "IdxInvalidMagicError" as const;
  constructor(details: string) {
    super("The data is not an IDX file: its magic number is wrong.", { details });
  }
}

export class IdxGzipError extends BaseError {
  override name = "IdxGzipError" as const;
  constructor(cause: unknown) {
    super("The IDX data looks gzipped but does not inflate.", { cause });
  }
}

export class IdxUnsupportedDtypeError extends BaseError {
  override name = "IdxUnsupportedDtypeError" as const;
  readonly dtype: number;
  constructor(dtype: number) {
    super(`The IDX dtype 0x${dtype.toString(16).padStart(2, "0")} is not supported; only unsigned bytes (0x08) are.`);
    this.dtype = dtype;
  }
}

export class IdxLengthMismatchError extends BaseError {
  override name = "IdxLengthMismatchError" as const;
  readonly part: "header" | "data";
  readonly expected: number;
  readonly actual: number;
  constructor(part: "header" | "data", expected: number, actual: number) {
    super(`The IDX ${part} has the wrong length.`, { details: `expected ${expected} bytes, got ${actual}` });
    this.part = part;
    this.expected = expected;
    this.actual = actual;
  }
}

export class MnistInvalidDataError extends BaseError {
  override name = "MnistInvalidDataError" as const;
  constructor(details: string, cause?: unknown) {
    super("The MNIST files do not hold a consistent data set.", { details, cause });
  }
}

export class MnistInvalidLimitError extends BaseError {
  override name = "MnistInvalidLimitError" as const;
  readonly limit: number;
  readonly available: number;
  constructor(limit: number, available: number) {
    super("The MNIST sample limit must be a positive integer no larger than the split.", {
      details: `limit ${limit}, available ${available}`,
    });
    this.limit = limit;
    this.available = available;
  }
}

export class PrngInvalidSeedError extends BaseError {
  override name = "PrngInvalidSeedError" as const;
  constructor(seed: unknown) {
    super("A seed must be a safe integer, a bigint or a non-empty string.", { details: `got ${String(seed)}` });
  }
}

export class PrngInvalidBoundError extends BaseError {
  override name = "PrngInvalidBoundError" as const;
  constructor(bound: number) {
    super("A random integer bound must be an integer in [1, 2^32].", { details: `got ${bound}` });
  }
}

export class PartitionInvalidParametersError extends BaseError {
  override name = "PartitionInvalidParametersError" as const;
  constructor(details: string) {
    super("The partition parameters are invalid.", { details });
  }
}

export class PartitionInsufficientSamplesError extends BaseError {
  override name = "PartitionInsufficientSamplesError" as const;
  readonly required: number;
  readonly available: number;
  constructor(required: number, available: number) {
    super("There are not enough samples for this partition.", {
      details: `required ${required}, available ${available}`,
    });
    this.required = required;
    this.available = available;
  }
}

export class PartitionInfeasibleError extends BaseError {
  override name = "PartitionInfeasibleError" as const;
  constructor(details: string) {
    super("No Dirichlet draw gave every client enough samples.", { details });
  }
}

export class ModelUnknownKindError extends BaseError {
  override name = "ModelUnknownKindError" as const;
  readonly kind: string;
  constructor(kind: string) {
    super(`Unknown model kind "${kind}"; expected "mlp" or "cnn".`);
    this.kind = kind;
  }
}

export class ModelLayoutMismatchError extends BaseError {
  override name = "ModelLayoutMismatchError" as const;
  constructor(kind: string, built: string, layout: string) {
    super(`The tfjs ${kind} model does not match its layout table.`, { details: `built ${built}, layout ${layout}` });
  }
}

export class ModelWeightsLengthError extends BaseError {
  override name = "ModelWeightsLengthError" as const;
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number) {
    super("The flat weight vector does not match the model.", {
      details: `expected ${expected} parameters, got ${actual}`,
    });
    this.expected = expected;
    this.actual = actual;
  }
}

export class DatasetInvalidError extends BaseError {
  override name = "DatasetInvalidError" as const;
  constructor(details: string) {
    super("The data set passed to training or evaluation is inconsistent.", { details });
  }
}

export class TrainingInvalidParametersError extends BaseError {
  override name = "TrainingInvalidParametersError" as const;
  constructor(details: string) {
    super("The training parameters are invalid.", { details });
  }
}

export class EvaluationInvalidParametersError extends BaseError {
  override name = "EvaluationInvalidParametersError" as const;
  constructor(details: string) {
    super("The evaluation parameters are invalid.", { details });
  }
}

export class TrainingDivergedError extends BaseError {
  override name = "TrainingDivergedError" as const;
  readonly epoch: number;
  constructor(epoch: number, loss: number) {
    super("Local training diverged: the loss or a weight is not finite.", {
      details: `epoch ${epoch}, loss ${loss}; lower the learning rate`,
    });
    this.epoch = epoch;
  }
}

export class UpdateLengthMismatchError extends BaseError {
  override name = "UpdateLengthMismatchError" as const;
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number) {
    super("The update vectors have different lengths.", { details: `expected ${expected}, got ${actual}` });
    this.expected = expected;
    this.actual = actual;
  }
}

export class UpdateNonFiniteError extends BaseError {
  override name = "UpdateNonFiniteError" as const;
  constructor(details: string) {
    super("The update holds NaN or infinite values.", { details });
  }
}

export class FedAvgNoUpdatesError extends BaseError {
  override name = "FedAvgNoUpdatesError" as const;
  constructor() {
    super("FedAvg needs at least one update.");
  }
}

export class FedAvgInvalidSampleCountError extends BaseError {
  override name = "FedAvgInvalidSampleCountError" as const;
  readonly index: number;
  readonly numSamples: number;
  constructor(index: number, numSamples: number) {
    super("Every update must report a positive integer sample count.", {
      details: `update ${index} reports ${numSamples}`,
    });
    this.index = index;
    this.numSamples = numSamples;
  }
}

export class ClipInvalidBoundError extends BaseError {
  override name = "ClipInvalidBoundError" as const;
  readonly bound: number;
  constructor(bound: number) {
    super("The L2 clipping bound must be a positive finite number.", { details: `got ${bound}` });
    this.bound = bound;
  }
}
