// Maps a verifier or round-end event to the secure-mode client's Verification handler, or undefined when it does
// not concern this client's round in its current stage. The composing machine routes its own events first and
// hands every other event of a known round here. Pure.
import { stageAllows } from "../stage";
import type { CoordinatorEvent } from "../events";
import { isSettledOutcome } from "../verificationOutcomeFailure";
import { sameAddress } from "./sameAddress";
import type { VerificationClientHandlers, VerificationClientRound } from "./verificationClientHandlers";
import type { VerificationClientHandler, VerificationClientStageTable } from "./verificationClientStageTable";

export interface RouteVerificationClientEventParameters<State extends VerificationClientRound> {
  state: State;
  event: CoordinatorEvent;
  /** This client's account, to recognise its own commitment and claim. */
  address: string;
  stages: VerificationClientStageTable<State["stage"]>;
  handlers: VerificationClientHandlers<State>;
}

export function routeVerificationClientEvent<State extends VerificationClientRound>(parameters: RouteVerificationClientEventParameters<State>): State | undefined {
  const { state, event, address, stages, handlers } = parameters;
  const can = (handler: VerificationClientHandler): boolean => stageAllows(stages[handler], state.stage);
  switch (event.type) {
    case "AggregatePosted":
      return can("recordAggregate")
        ? handlers.recordAggregate(state, { aggregateCid: event.aggregateCid, aggregateHash: event.aggregateHash, modelCid: event.modelCid })
        : undefined;
    case "VerificationStarted":
      return can("startVerification") ? handlers.startVerification(state, Number(event.aggregateBlock)) : undefined;
    case "BatchSumsPosted":
      return can("receiveBatchSums") ? handlers.receiveBatchSums(state, { batchSums: event.batchSums, sampleSeed: event.sampleSeed, batchSumsBlock: event.blockNumber }) : undefined;
    case "CommitmentPosted":
      return sameAddress(address, event.client) && can("confirmCommitment") ? handlers.confirmCommitment(state) : undefined;
    case "VerificationSettled":
      return isSettledOutcome(event.outcome) && can("settleVerification") ? handlers.settleVerification(state, event.outcome) : undefined;
    case "RewardClaimed":
      return sameAddress(address, event.account) && can("confirmClaim") ? handlers.confirmClaim(state) : undefined;
    case "RoundFinalized":
      return can("closeRound") ? handlers.closeRound(state, { finalized: true, modelCid: event.modelCid }) : undefined;
    case "RoundFailed":
      return can("closeRound") ? handlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
