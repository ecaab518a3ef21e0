// Named failures the CLI's preflight finds before a worker starts: an account without ETH, and an address with
// no contract code. Each names the account or address, the chain and where the value came from.
import { BaseError } from "../errors";

export class AccountUnfundedError extends BaseError {
  override name = "AccountUnfundedError" as const;
  constructor(
    readonly address: string,
    readonly chainId: bigint,
    fix: string,
  ) {
    super(`account ${address} has 0 ETH on chain ${chainId}.`, { details: fix });
  }
}

export class ContractCodeMissingError extends BaseError {
  override name = "ContractCodeMissingError" as const;
  constructor(
    readonly contract: string,
    readonly address: string,
    readonly chainId: bigint,
    origin: string,
    fix: string,
  ) {
    super(`no contract code at ${address} (${contract}, from ${origin}) on chain ${chainId}.`, { details: fix });
  }
}
