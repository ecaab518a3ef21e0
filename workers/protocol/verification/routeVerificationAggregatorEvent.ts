// Maps an aggregate, verifier or round-end event to the secure-mode aggregator's Verification handler, or undefined
// when it does not concern the round in its current stage. The composing machine routes its own events first and
// hands every other event of a known round here. Pure.
import { stageAllows } from "../stage";
import type { CoordinatorEvent } from "../events";
import { isSettledOutcome } from "../verificationOutcomeFailure";
import { sameAddress } from "./sameAddress";
import type { VerificationAggregatorHandlers, VerificationAggregatorRound } from "./verificationAggregatorHandlers";
import { VERIFICATION_AGGREGATOR_HANDLER_STAGES, type VerificationAggregatorHandler, type VerificationAggregatorStageTable } from "./verificationAggregatorStageTable";

export interface RouteVerificationAggregatorEventParameters<State extends VerificationAggregatorRound> {
  state: State;
  event: CoordinatorEvent;
  /** This aggregator's account, to recognise its own RewardClaimed; without it no claim is recognised. */
  address?: string;
  handlers: VerificationAggregatorHandlers<State>;
  /** The composing machine's table, when it widens the shared one (MASH: its challenge window). */
  stages?: VerificationAggregatorStageTable;
}

export function routeVerificationAggregatorEvent<State extends VerificationAggregatorRound>(
  parameters: RouteVerificationAggregatorEventParameters<State>,
): State | undefined {
  const { state, event, address, handlers } = parameters;
  const stages: VerificationAggregatorStageTable = parameters.stages ?? VERIFICATION_AGGREGATOR_HANDLER_STAGES;
  const can = (handler: VerificationAggregatorHandler): boolean => stageAllows(stages[handler], state.stage);
  switch (event.type) {
    case "AggregatePosted":
      return can("confirmAggregate") ? handlers.confirmAggregate(state, { aggregateCid: event.aggregateCid, modelCid: event.modelCid }) : undefined;
    case "VerificationStarted":
      return can("startVerification") ? handlers.startVerification(state, { aggregateBlock: Number(event.aggregateBlock), includedCount: Number(event.includedCount) }) : undefined;
    case "BatchSumsPosted":
      return can("confirmBatchSums") ? handlers.confirmBatchSums(state, event.batchSums) : undefined;
    case "CommitmentPosted":
      return can("recordCommitment") ? handlers.recordCommitment(state, Number(event.committedCount)) : undefined;
    case "VerificationSettled":
      return isSettledOutcome(event.outcome) && can("settleVerification") ? handlers.settleVerification(state, event.outcome) : undefined;
    case "RewardClaimed":
      return can("confirmClaim") && sameAddress(event.account, address) ? handlers.confirmClaim(state) : undefined;
    case "RoundFinalized":
      return can("closeRound") ? handlers.closeRound(state, { finalized: true }) : undefined;
    case "RoundFailed":
      return can("closeRound") ? handlers.closeRound(state, { finalized: false, reason: event.reason }) : undefined;
    default:
      return undefined;
  }
}
