// Named failures of the chain layer: an unreachable RPC, a missing deployment, a reverted transaction.
import { BaseError } from "../errors";

export class ChainUnreachableError extends BaseError {
  override name = "ChainUnreachableError" as const;
  constructor(readonly rpcUrl: string, cause: unknown) {
    super(`No Ethereum JSON-RPC node answers at ${rpcUrl}.`, {
      details: "Start one with `npx hardhat node`, or set RPC_URL / --rpc to a reachable node.",
      cause,
    });
  }
}

export class DeploymentNotFoundError extends BaseError {
  override name = "DeploymentNotFoundError" as const;
  constructor(readonly where: string, details: string) {
    super(`No fedmash deployment found at ${where}.`, { details });
  }
}

/** A transaction or call the contract rejected, with the decoded custom error when the ABI knows it. */
export class ChainRevertError extends BaseError {
  override name = "ChainRevertError" as const;
  constructor(
    readonly action: string,
    readonly errorName: string | undefined,
    readonly errorArgs: readonly unknown[],
    cause: unknown,
  ) {
    super(
      `${action} reverted${errorName ? ` with ${errorName}(${errorArgs.map((a) => String(a)).join(", ")})` : ""}.`,
      { cause },
    );
  }
}
