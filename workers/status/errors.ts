// Named failures of the status collector: a task or round the deployment does not have, and addresses with no
// fedmash contract behind them (the wrong network or deployment id).
import { BaseError } from "../errors";

export class StatusUnknownTaskError extends BaseError {
  override name = "StatusUnknownTaskError" as const;
  constructor(
    readonly taskId: bigint,
    readonly taskCount: bigint,
  ) {
    super(`Task ${taskId} does not exist.`, {
      details: taskCount === 0n ? "No task was created yet: create one with `fedmash owner`." : `Task ids run from 1 to ${taskCount}.`,
    });
  }
}

export class StatusUnknownRoundError extends BaseError {
  override name = "StatusUnknownRoundError" as const;
  constructor(
    readonly roundId: bigint,
    readonly roundCount: bigint,
  ) {
    super(`Round ${roundId} does not exist.`, {
      details: roundCount === 0n ? "No round was opened yet: open one with `npx hardhat fl:open-round --task <id>`." : `Round ids run from 1 to ${roundCount}.`,
    });
  }
}

export class StatusNoContractError extends BaseError {
  override name = "StatusNoContractError" as const;
  constructor(
    readonly contract: string,
    readonly address: string,
    readonly chainId: bigint,
  ) {
    super(`No ${contract} at ${address} on chain ${chainId}.`, {
      details: "The deployment's addresses belong to another chain or a reset node: check --network and --deployment-id, or deploy again.",
    });
  }
}
