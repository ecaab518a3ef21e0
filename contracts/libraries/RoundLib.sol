// SPDX-License-Identifier: MIT
// The per-round state machine of the coordinator: phases, deadlines, joins, submissions and the events they
// emit. The coordinator only resolves ids, checks roles against the registry, and calls in here.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "../interfaces/IFedmashCoordinator.sol";

/// @title RoundLib
/// @notice Logic over one `Round storage self`. Every round event is emitted here, in the coordinator's context.
/// @dev Later modes extend this without reshaping it: their per-round fields are appended to {Round} (it lives
/// in a mapping, so appending keeps existing slots), their phases (`Grouping`, `Shuffle`, `Completion`,
/// `Verification`) get their own transition functions, and the mode picks the successor phase in
/// {postAggregate} and after `Joining`.
library RoundLib {
    /// @notice The stored state of one round. Callers keep the round id; it is not repeated here.
    struct Round {
        uint256 taskId;
        uint32 index;
        IFedmashCoordinator.Mode mode;
        IFedmashCoordinator.Phase phase;
        IFedmashCoordinator.FailureReason failureReason;
        uint64 deadline;
        uint64 openedAt;
        uint32 submittedCount;
        bytes32 aggregateHash;
        string modelCid;
        string aggregateCid;
        string newModelCid;
        address[] participants;
        mapping(address client => bool) joined;
        mapping(address client => IFedmashCoordinator.Submission) submissions;
    }

    /// @notice Opens a fresh round in `Joining` and emits {IFedmashCoordinator-RoundOpened}.
    /// @param self The round, never opened before.
    /// @param roundId Its global id.
    /// @param taskId Its task.
    /// @param index Its position within the task, from 1.
    /// @param config The task's parameters.
    /// @param modelCid The input model.
    function open(
        Round storage self,
        uint256 roundId,
        uint256 taskId,
        uint32 index,
        IFedmashCoordinator.TaskConfig storage config,
        string calldata modelCid
    ) internal {
        if (bytes(modelCid).length == 0) revert IFedmashCoordinator.CoordinatorEmptyCid();
        self.taskId = taskId;
        self.index = index;
        self.mode = config.mode;
        self.openedAt = uint64(block.timestamp);
        self.modelCid = modelCid;
        uint64 joinDeadline = uint64(block.timestamp) + config.joinDuration;
        emit IFedmashCoordinator.RoundOpened(taskId, roundId, index, modelCid, joinDeadline);
        _transition(self, roundId, IFedmashCoordinator.Phase.Joining, joinDeadline);
    }

    /// @notice Adds `client` to the round; the `maxClients`-th join starts `Submission` at once.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param client The joining client, already checked against the registry.
    /// @param config The task's parameters.
    function join(
        Round storage self,
        uint256 roundId,
        address client,
        IFedmashCoordinator.TaskConfig storage config
    ) internal {
        if (self.joined[client]) revert IFedmashCoordinator.CoordinatorAlreadyJoined(roundId, client);
        // Checked before the phase: a full round has left Joining, and "full" is the reason a latecomer needs.
        if (self.participants.length >= config.maxClients) {
            revert IFedmashCoordinator.CoordinatorRoundFull(roundId, config.maxClients);
        }
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Joining);

        self.joined[client] = true;
        self.participants.push(client);
        emit IFedmashCoordinator.ClientJoined(roundId, client, self.participants.length);

        if (self.participants.length == config.maxClients) {
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Submission, config.submitDuration);
        }
    }

    /// @notice Records `client`'s update; the last joined client's update starts `Aggregation` at once.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param client The submitting client.
    /// @param cid IPFS CID of the update.
    /// @param contentHash Hash of the update's content.
    /// @param numSamples Local training samples, at least 1.
    /// @param loss Local loss, 18-decimal fixed point.
    /// @param config The task's parameters.
    function submit(
        Round storage self,
        uint256 roundId,
        address client,
        string calldata cid,
        bytes32 contentHash,
        uint64 numSamples,
        uint256 loss,
        IFedmashCoordinator.TaskConfig storage config
    ) internal {
        if (!self.joined[client]) revert IFedmashCoordinator.CoordinatorNotParticipant(roundId, client);
        IFedmashCoordinator.Submission storage entry = self.submissions[client];
        if (entry.submitted) revert IFedmashCoordinator.CoordinatorAlreadySubmitted(roundId, client);
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Submission);
        if (bytes(cid).length == 0) revert IFedmashCoordinator.CoordinatorEmptyCid();
        if (numSamples == 0) revert IFedmashCoordinator.CoordinatorZeroSamples();

        entry.cid = cid;
        entry.contentHash = contentHash;
        entry.numSamples = numSamples;
        entry.loss = loss;
        entry.submitted = true;
        self.submittedCount += 1;
        emit IFedmashCoordinator.UpdateSubmitted(roundId, client, cid, contentHash, numSamples, loss);

        if (self.submittedCount == self.participants.length) {
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Aggregation, config.aggregateDuration);
        }
    }

    /// @notice Records the aggregate; in `Plain` mode the round is final at once.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param aggregator The posting aggregator, already checked against the task.
    /// @param aggregateCid IPFS CID of the aggregate.
    /// @param modelCid IPFS CID of the resulting model.
    /// @param aggregateHash Hash of the aggregate's content.
    function postAggregate(
        Round storage self,
        uint256 roundId,
        address aggregator,
        string calldata aggregateCid,
        string calldata modelCid,
        bytes32 aggregateHash
    ) internal {
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Aggregation);
        if (bytes(aggregateCid).length == 0 || bytes(modelCid).length == 0) {
            revert IFedmashCoordinator.CoordinatorEmptyCid();
        }
        self.aggregateCid = aggregateCid;
        self.newModelCid = modelCid;
        self.aggregateHash = aggregateHash;
        emit IFedmashCoordinator.AggregatePosted(roundId, aggregator, aggregateCid, modelCid, aggregateHash);
        // Modes with sampled verification will move to Verification here instead.
        _finalize(self, roundId);
    }

    /// @notice Settles a phase whose deadline passed; see {IFedmashCoordinator-advance} for the outcomes.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param config The task's parameters.
    function advance(Round storage self, uint256 roundId, IFedmashCoordinator.TaskConfig storage config) internal {
        IFedmashCoordinator.Phase current = self.phase;
        _requirePhase(
            self,
            roundId,
            phaseBit(IFedmashCoordinator.Phase.Joining) |
                phaseBit(IFedmashCoordinator.Phase.Submission) |
                phaseBit(IFedmashCoordinator.Phase.Aggregation)
        );
        if (block.timestamp <= self.deadline) {
            revert IFedmashCoordinator.CoordinatorDeadlineNotPassed(roundId, current, self.deadline);
        }

        if (current == IFedmashCoordinator.Phase.Joining) {
            if (self.participants.length >= config.minClients) {
                _enterTimed(self, roundId, IFedmashCoordinator.Phase.Submission, config.submitDuration);
            } else {
                _fail(self, roundId, IFedmashCoordinator.FailureReason.NotEnoughClients);
            }
        } else if (current == IFedmashCoordinator.Phase.Submission) {
            if (self.submittedCount > 0) {
                _enterTimed(self, roundId, IFedmashCoordinator.Phase.Aggregation, config.aggregateDuration);
            } else {
                _fail(self, roundId, IFedmashCoordinator.FailureReason.NoSubmissions);
            }
        } else {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.AggregatorMissing);
        }
    }

    /// @notice Fails the round with `Cancelled`, allowed before aggregation starts.
    /// @param self The round.
    /// @param roundId Its id.
    function cancel(Round storage self, uint256 roundId) internal {
        _requirePhase(
            self,
            roundId,
            phaseBit(IFedmashCoordinator.Phase.Joining) | phaseBit(IFedmashCoordinator.Phase.Submission)
        );
        _fail(self, roundId, IFedmashCoordinator.FailureReason.Cancelled);
    }

    /// @notice Whether the round ended, so that its task may open the next one.
    /// @param self The round.
    /// @return True in `Finalized` and `Failed`.
    function isTerminal(Round storage self) internal view returns (bool) {
        return self.phase == IFedmashCoordinator.Phase.Finalized || self.phase == IFedmashCoordinator.Phase.Failed;
    }

    /// @notice The round as {IFedmashCoordinator-round} returns it.
    /// @param self The round.
    /// @return roundView The copy.
    function toView(Round storage self) internal view returns (IFedmashCoordinator.RoundView memory roundView) {
        roundView = IFedmashCoordinator.RoundView({
            taskId: self.taskId,
            index: self.index,
            mode: self.mode,
            phase: self.phase,
            deadline: self.deadline,
            openedAt: self.openedAt,
            modelCid: self.modelCid,
            aggregateCid: self.aggregateCid,
            newModelCid: self.newModelCid,
            aggregateHash: self.aggregateHash,
            joinedCount: self.participants.length,
            submittedCount: self.submittedCount,
            failureReason: self.failureReason
        });
    }

    /// @notice The bit of `phase` in the `allowed` bitmap of {IFedmashCoordinator-CoordinatorUnexpectedPhase}.
    /// @param phase The phase.
    /// @return The bitmap with only that phase set.
    function phaseBit(IFedmashCoordinator.Phase phase) internal pure returns (bytes32) {
        return bytes32(1 << uint8(phase));
    }

    /// @dev Enters a phase that lasts `duration` seconds from now.
    function _enterTimed(
        Round storage self,
        uint256 roundId,
        IFedmashCoordinator.Phase next,
        uint64 duration
    ) private {
        _transition(self, roundId, next, uint64(block.timestamp) + duration);
    }

    function _finalize(Round storage self, uint256 roundId) private {
        _transition(self, roundId, IFedmashCoordinator.Phase.Finalized, 0);
        emit IFedmashCoordinator.RoundFinalized(self.taskId, roundId, self.newModelCid);
    }

    function _fail(Round storage self, uint256 roundId, IFedmashCoordinator.FailureReason reason) private {
        self.failureReason = reason;
        _transition(self, roundId, IFedmashCoordinator.Phase.Failed, 0);
        emit IFedmashCoordinator.RoundFailed(self.taskId, roundId, reason);
    }

    /// @dev The single place a phase changes, so that {IFedmashCoordinator-PhaseChanged} is never missed.
    function _transition(
        Round storage self,
        uint256 roundId,
        IFedmashCoordinator.Phase next,
        uint64 deadline
    ) private {
        IFedmashCoordinator.Phase previous = self.phase;
        self.phase = next;
        self.deadline = deadline;
        emit IFedmashCoordinator.PhaseChanged(roundId, previous, next, deadline);
    }

    /// @dev Actions of a phase are accepted up to and including its deadline; {advance} only after it.
    function _requireOpenPhase(Round storage self, uint256 roundId, IFedmashCoordinator.Phase expected) private view {
        _requirePhase(self, roundId, phaseBit(expected));
        if (block.timestamp > self.deadline) {
            revert IFedmashCoordinator.CoordinatorDeadlinePassed(roundId, self.phase, self.deadline);
        }
    }

    function _requirePhase(Round storage self, uint256 roundId, bytes32 allowed) private view {
        if (phaseBit(self.phase) & allowed == 0) {
            revert IFedmashCoordinator.CoordinatorUnexpectedPhase(roundId, self.phase, allowed);
        }
    }
}
