// SPDX-License-Identifier: MIT
// The per-round state machine of the coordinator: phases, deadlines, joins, MASH groups and shuffle turns,
// submissions, and the events they emit. The coordinator only resolves ids, checks roles against the registry,
// and calls in here.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "../interfaces/IFedmashCoordinator.sol";
import {GroupingLib} from "./GroupingLib.sol";

/// @title RoundLib
/// @notice Logic over one `Round storage self`. Every round event is emitted here, in the coordinator's context.
/// @dev Modes extend this without reshaping it: their per-round fields are appended to {Round} (it lives in a
/// mapping, so appending keeps existing slots), their phases get their own transition functions, and the mode
/// picks the successor phase after `Joining` ({_leaveJoining}) and in {postAggregate}. `Mash` adds `Grouping`,
/// `Shuffle`, `Completion` and `Verification`, which FedmashVerifier runs and ends through {concludeVerification}.
/// `Shamir` runs the `Plain` phases plus `Verification`: its submissions are share manifests, its included clients
/// are the submitters, and its share-sums live in FedmashShamir, whose count the coordinator checks.
library RoundLib {
    /// @notice The longest holder key, shuffle message or group sum accepted, in bytes.
    uint256 internal constant MAX_MESSAGE_BYTES = 16384;

    /// @notice What the round knows about one client. Grouping writes `memberSlot` into the slot `joined` already
    /// occupies, which costs about a quarter of a fresh slot per member.
    /// @param joined Whether the client joined.
    /// @param memberSlot `Mash`: 1 + the client's index in {Round-memberOrder}; 0 for the holder, in `Plain`, and
    /// before the groups are formed.
    struct Client {
        bool joined;
        uint16 memberSlot;
    }

    /// @notice The progress of one `Mash` group; its members are derived from {Round-memberOrder}.
    /// @param shuffleStep The position whose turn it is.
    /// @param submittedCount Members that submitted.
    /// @param sumPosted Whether the leader posted the group sum.
    /// @param sumHash keccak256 of the posted group sum.
    struct Group {
        uint32 shuffleStep;
        uint32 submittedCount;
        bool sumPosted;
        bytes32 sumHash;
    }

    /// @notice The stored state of one round. Callers keep the round id; it is not repeated here.
    /// @dev The fields after `submissions` are `Mash` only: `drawBlock` is set when the round enters `Grouping`, the
    /// holder and the groups by the later {advance} that draws them. Members are
    /// stored once, as participant indices in shuffled order (`memberOrder`, 16 per slot), and each group's
    /// members are read from it with {GroupingLib-orderIndex}.
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
        mapping(address client => Client) clients;
        mapping(address client => IFedmashCoordinator.Submission) submissions;
        address holder;
        uint32 groupCount;
        uint32 groupSumCount;
        uint32 completeGroupCount;
        uint32 includedGroupCount;
        uint32 includedClientCount;
        bool holderSubmitted;
        uint64 drawBlock;
        bytes32 groupingSeed;
        bytes32 holderKeyHash;
        uint16[] memberOrder;
        mapping(uint256 groupIndex => Group) groups;
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

    /// @notice Adds `client` to the round; the `maxClients`-th join leaves `Joining` at once.
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
        if (self.clients[client].joined) revert IFedmashCoordinator.CoordinatorAlreadyJoined(roundId, client);
        // Checked before the phase: a full round has left Joining, and "full" is the reason a latecomer needs.
        if (self.participants.length >= config.maxClients) {
            revert IFedmashCoordinator.CoordinatorRoundFull(roundId, config.maxClients);
        }
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Joining);

        self.clients[client].joined = true;
        self.participants.push(client);
        emit IFedmashCoordinator.ClientJoined(roundId, client, self.participants.length);

        if (self.participants.length == config.maxClients) _leaveJoining(self, roundId, config);
    }

    /// @notice Records `client`'s update. `Plain` and `Shamir`: the last joined client's update starts `Aggregation`
    /// at once.
    /// `Mash`: the last member of the sum-posted groups starts `Completion`, the holder's update `Aggregation`.
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
        if (!self.clients[client].joined) revert IFedmashCoordinator.CoordinatorNotParticipant(roundId, client);
        IFedmashCoordinator.Submission storage entry = self.submissions[client];
        if (entry.submitted) revert IFedmashCoordinator.CoordinatorAlreadySubmitted(roundId, client);
        bool mash = self.mode == IFedmashCoordinator.Mode.Mash;
        if (mash) {
            _requireMashSubmitter(self, roundId, client);
        } else {
            _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Submission);
        }
        if (bytes(cid).length == 0) revert IFedmashCoordinator.CoordinatorEmptyCid();
        if (numSamples == 0) revert IFedmashCoordinator.CoordinatorZeroSamples();

        entry.cid = cid;
        entry.contentHash = contentHash;
        entry.numSamples = numSamples;
        entry.loss = loss;
        entry.submitted = true;
        self.submittedCount += 1;
        emit IFedmashCoordinator.UpdateSubmitted(roundId, client, cid, contentHash, numSamples, loss);

        if (mash) {
            _countMashSubmission(self, roundId, client, config);
        } else if (self.submittedCount == self.participants.length) {
            _closeSubmission(self, roundId, config);
        }
    }

    /// @notice `Mash`: records the holder's Paillier key and starts `Shuffle`.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param account The caller.
    /// @param paillierPublicKey The key.
    /// @param config The task's parameters.
    function postHolderKey(
        Round storage self,
        uint256 roundId,
        address account,
        bytes calldata paillierPublicKey,
        IFedmashCoordinator.TaskConfig storage config
    ) internal {
        // A Plain round, or one still joining or waiting for its draw, has holder 0, which no caller is.
        if (account != self.holder) revert IFedmashCoordinator.CoordinatorNotHolder(roundId, account);
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Grouping);
        _requireMessage(paillierPublicKey);

        self.holderKeyHash = keccak256(paillierPublicKey);
        emit IFedmashCoordinator.HolderKeyPosted(roundId, account, paillierPublicKey);
        _enterTimed(self, roundId, IFedmashCoordinator.Phase.Shuffle, config.shuffleDuration);
    }

    /// @notice `Mash`: passes a member's shuffle message on and hands the turn to the next position.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param account The caller.
    /// @param message The message for the next member.
    function postShuffleMessage(
        Round storage self,
        uint256 roundId,
        address account,
        bytes calldata message
    ) internal {
        (uint256 groupIndex, uint256 position) = _requireMember(self, roundId, account);
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Shuffle);
        Group storage target = self.groups[groupIndex];
        uint256 step = target.shuffleStep;
        // The leader's step is its group sum, so no message of the leader is ever in turn.
        if (position != step || position == _groupSize(self, groupIndex) - 1) {
            revert IFedmashCoordinator.CoordinatorWrongShuffleTurn(roundId, groupIndex, step, position);
        }
        _requireMessage(message);

        target.shuffleStep = uint32(step + 1);
        emit IFedmashCoordinator.ShuffleMessagePosted(roundId, groupIndex, position, account, message);
    }

    /// @notice `Mash`: records a leader's encrypted group sum; the last group's sum starts `Submission` at once.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param account The caller.
    /// @param encryptedSum The sum.
    /// @param config The task's parameters.
    function postGroupSum(
        Round storage self,
        uint256 roundId,
        address account,
        bytes calldata encryptedSum,
        IFedmashCoordinator.TaskConfig storage config
    ) internal {
        (uint256 groupIndex, uint256 position) = _requireMember(self, roundId, account);
        uint256 leaderPosition = _groupSize(self, groupIndex) - 1;
        if (position != leaderPosition) {
            revert IFedmashCoordinator.CoordinatorNotLeader(roundId, groupIndex, account);
        }
        Group storage target = self.groups[groupIndex];
        // Before the phase check, so that a leader retrying after the round moved on learns it already succeeded.
        if (target.sumPosted) revert IFedmashCoordinator.CoordinatorGroupSumAlreadyPosted(roundId, groupIndex);
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Shuffle);
        if (target.shuffleStep != leaderPosition) {
            revert IFedmashCoordinator.CoordinatorWrongShuffleTurn(roundId, groupIndex, target.shuffleStep, position);
        }
        _requireMessage(encryptedSum);

        target.sumPosted = true;
        target.sumHash = keccak256(encryptedSum);
        self.groupSumCount += 1;
        emit IFedmashCoordinator.GroupSumPosted(roundId, groupIndex, account, encryptedSum);

        if (self.groupSumCount == self.groupCount) {
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Submission, config.submitDuration);
        }
    }

    /// @notice Records the aggregate. A `Plain` round is final at once; a `Mash` or `Shamir` round enters
    /// `Verification`, whose deadline is the latest time its verifier can still be waiting: `aggregateDuration` for
    /// the batch sums plus `submitDuration` for the commitments. Nothing advances `Verification`; the verifier
    /// concludes it.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param aggregator The posting aggregator, already checked against the task.
    /// @param aggregateCid IPFS CID of the aggregate.
    /// @param modelCid IPFS CID of the resulting model.
    /// @param aggregateHash Hash of the aggregate's content.
    /// @param config The task's parameters.
    function postAggregate(
        Round storage self,
        uint256 roundId,
        address aggregator,
        string calldata aggregateCid,
        string calldata modelCid,
        bytes32 aggregateHash,
        IFedmashCoordinator.TaskConfig storage config
    ) internal {
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Aggregation);
        if (bytes(aggregateCid).length == 0 || bytes(modelCid).length == 0) {
            revert IFedmashCoordinator.CoordinatorEmptyCid();
        }
        self.aggregateCid = aggregateCid;
        self.newModelCid = modelCid;
        self.aggregateHash = aggregateHash;
        emit IFedmashCoordinator.AggregatePosted(roundId, aggregator, aggregateCid, modelCid, aggregateHash);
        if (self.mode != IFedmashCoordinator.Mode.Plain) {
            _enterTimed(
                self,
                roundId,
                IFedmashCoordinator.Phase.Verification,
                config.aggregateDuration + config.submitDuration
            );
        } else {
            _finalize(self, roundId);
        }
    }

    /// @notice Ends `Verification` as the verifier settled it: `None` finalizes, any other reason fails the round.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param reason The verifier's verdict.
    function concludeVerification(
        Round storage self,
        uint256 roundId,
        IFedmashCoordinator.FailureReason reason
    ) internal {
        _requirePhase(self, roundId, phaseBit(IFedmashCoordinator.Phase.Verification));
        if (reason == IFedmashCoordinator.FailureReason.None) {
            _finalize(self, roundId);
        } else {
            _fail(self, roundId, reason);
        }
    }

    /// @notice Settles a phase whose deadline passed; see {IFedmashCoordinator-advance} for the outcomes.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param config The task's parameters.
    /// @param serversMissing `Shamir` in `Aggregation`: fewer share-sums than the threshold were posted, so the round
    /// fails with `ServersMissing` rather than `AggregatorMissing`. The coordinator reads it from FedmashShamir.
    function advance(
        Round storage self,
        uint256 roundId,
        IFedmashCoordinator.TaskConfig storage config,
        bool serversMissing
    ) internal {
        IFedmashCoordinator.Phase current = self.phase;
        bool mash = self.mode == IFedmashCoordinator.Mode.Mash;
        bytes32 timed = phaseBit(IFedmashCoordinator.Phase.Joining) |
            phaseBit(IFedmashCoordinator.Phase.Submission) |
            phaseBit(IFedmashCoordinator.Phase.Aggregation);
        _requirePhase(self, roundId, mash ? timed | _mashOnlyPhases() : timed);
        // Grouping before the draw waits for a block, not for a deadline.
        if (current == IFedmashCoordinator.Phase.Grouping && self.groupCount == 0) {
            _draw(self, roundId, config);
            return;
        }
        if (block.timestamp <= self.deadline) {
            revert IFedmashCoordinator.CoordinatorDeadlineNotPassed(roundId, current, self.deadline);
        }

        if (current == IFedmashCoordinator.Phase.Joining) {
            if (self.participants.length >= config.minClients) {
                _leaveJoining(self, roundId, config);
            } else {
                _fail(self, roundId, IFedmashCoordinator.FailureReason.NotEnoughClients);
            }
        } else if (current == IFedmashCoordinator.Phase.Grouping || current == IFedmashCoordinator.Phase.Completion) {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.HolderMissing);
        } else if (current == IFedmashCoordinator.Phase.Shuffle) {
            if (self.groupSumCount > 0) {
                _enterTimed(self, roundId, IFedmashCoordinator.Phase.Submission, config.submitDuration);
            } else {
                _fail(self, roundId, IFedmashCoordinator.FailureReason.NotEnoughClients);
            }
        } else if (current == IFedmashCoordinator.Phase.Submission) {
            if (mash && self.completeGroupCount > 0) {
                _enterCompletion(self, roundId, config);
            } else if (!mash && self.submittedCount > 0) {
                _closeSubmission(self, roundId, config);
            } else {
                _fail(self, roundId, IFedmashCoordinator.FailureReason.NoSubmissions);
            }
        } else if (serversMissing) {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.ServersMissing);
        } else {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.AggregatorMissing);
        }
    }

    /// @notice Fails the round with `Cancelled`, allowed before aggregation starts.
    /// @param self The round.
    /// @param roundId Its id.
    function cancel(Round storage self, uint256 roundId) internal {
        bytes32 allowed = phaseBit(IFedmashCoordinator.Phase.Joining) | phaseBit(IFedmashCoordinator.Phase.Submission);
        if (self.mode == IFedmashCoordinator.Mode.Mash) allowed |= _mashOnlyPhases();
        _requirePhase(self, roundId, allowed);
        _fail(self, roundId, IFedmashCoordinator.FailureReason.Cancelled);
    }

    /// @notice How many clients' updates the aggregate holds. `Mash`: the included groups' members, plus the holder
    /// once it submitted. `Shamir`: the submitters, a set frozen once `Aggregation` starts.
    /// @param self The round.
    /// @return The count; 0 in `Plain`, and in `Mash` before `Completion`.
    function includedCount(Round storage self) internal view returns (uint256) {
        if (self.mode == IFedmashCoordinator.Mode.Shamir) return self.submittedCount;
        return uint256(self.includedClientCount) + (self.holderSubmitted ? 1 : 0);
    }

    /// @notice Whether `account`'s update is in the aggregate, counted by {includedCount}.
    /// @param self The round.
    /// @param account Any account.
    /// @return False for everyone in a `Plain` round and, in `Mash`, before `Completion`.
    function isIncluded(Round storage self, address account) internal view returns (bool) {
        if (account == address(0)) return false;
        if (account == self.holder) return self.holderSubmitted;
        uint256 slot = self.clients[account].memberSlot;
        // Shamir rounds have neither a holder nor member slots, so the mode is read only here: a Mash member's
        // check (every commitment asks it) does not pay a cold read of the mode's slot.
        if (slot == 0) return self.mode == IFedmashCoordinator.Mode.Shamir && self.submissions[account].submitted;
        (uint256 groupIndex, ) = _placeOf(self, slot - 1);
        return _isIncluded(self, groupIndex);
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

    /// @notice The round's MASH state as {IFedmashCoordinator-mashRound} returns it.
    /// @param self The round.
    /// @return mashView The copy; all zero for a `Plain` round.
    function toMashView(Round storage self) internal view returns (IFedmashCoordinator.MashRoundView memory mashView) {
        mashView = IFedmashCoordinator.MashRoundView({
            holder: self.holder,
            groupingSeed: self.groupingSeed,
            groupCount: self.groupCount,
            holderKeyHash: self.holderKeyHash,
            groupSumCount: self.groupSumCount,
            includedGroupCount: self.includedGroupCount,
            includedClientCount: self.includedClientCount,
            holderSubmitted: self.holderSubmitted,
            drawBlock: self.drawBlock
        });
    }

    /// @notice One group as {IFedmashCoordinator-group} returns it.
    /// @param self The round.
    /// @param roundId Its id.
    /// @param groupIndex The group; {IFedmashCoordinator-CoordinatorUnknownGroup} unless below `groupCount`.
    /// @return groupView The group's members in chain order and its progress.
    function toGroupView(
        Round storage self,
        uint256 roundId,
        uint256 groupIndex
    ) internal view returns (IFedmashCoordinator.GroupView memory groupView) {
        if (groupIndex >= self.groupCount) revert IFedmashCoordinator.CoordinatorUnknownGroup(roundId, groupIndex);
        Group storage stored = self.groups[groupIndex];
        groupView.members = _groupMembers(self, groupIndex);
        groupView.shuffleStep = stored.shuffleStep;
        groupView.sumPosted = stored.sumPosted;
        groupView.included = _isIncluded(self, groupIndex);
        groupView.sumHash = stored.sumHash;
        groupView.submittedCount = stored.submittedCount;
    }

    /// @notice Where `account` sits in the groups, as {IFedmashCoordinator-memberOf} returns it.
    /// @param self The round.
    /// @param account Any account.
    /// @return isMember Whether it is in a group.
    /// @return groupIndex Its group, 0 if none.
    /// @return position Its position, 0 if none.
    function memberOf(
        Round storage self,
        address account
    ) internal view returns (bool isMember, uint256 groupIndex, uint256 position) {
        uint256 slot = self.clients[account].memberSlot;
        if (slot == 0) return (false, 0, 0);
        (groupIndex, position) = _placeOf(self, slot - 1);
        isMember = true;
    }

    /// @notice `Mash`: the members of the included groups in group, then position order. `Shamir`: the submitters in
    /// joining order.
    /// @param self The round.
    /// @return clients Empty in `Plain`, and in `Mash` before `Completion`.
    function includedClients(Round storage self) internal view returns (address[] memory clients) {
        if (self.mode == IFedmashCoordinator.Mode.Shamir) return _submitters(self);
        clients = new address[](self.includedClientCount);
        uint256 next = 0;
        for (uint256 groupIndex = 0; next < clients.length; ++groupIndex) {
            if (!_isIncluded(self, groupIndex)) continue;
            address[] memory members = _groupMembers(self, groupIndex);
            for (uint256 position = 0; position < members.length; ++position) clients[next++] = members[position];
        }
    }

    /// @dev The participants that submitted, in joining order.
    function _submitters(Round storage self) private view returns (address[] memory clients) {
        address[] memory joined = self.participants;
        clients = new address[](self.submittedCount);
        uint256 next = 0;
        for (uint256 index = 0; index < joined.length; ++index) {
            if (self.submissions[joined[index]].submitted) clients[next++] = joined[index];
        }
    }

    /// @notice The bit of `phase` in the `allowed` bitmap of {IFedmashCoordinator-CoordinatorUnexpectedPhase}.
    /// @param phase The phase.
    /// @return The bitmap with only that phase set.
    function phaseBit(IFedmashCoordinator.Phase phase) internal pure returns (bytes32) {
        return bytes32(1 << uint8(phase));
    }

    /// @dev The mode picks the phase after `Joining`: `Mash` arms the draw of its groups first. A secure round with
    /// fewer participants than `minIncluded` could never reach the floor, so it fails at once (a full round cannot:
    /// `minIncluded <= maxClients`).
    function _leaveJoining(Round storage self, uint256 roundId, IFedmashCoordinator.TaskConfig storage config) private {
        if (self.mode != IFedmashCoordinator.Mode.Plain && self.participants.length < config.minIncluded) {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.TooFewIncluded);
        } else if (self.mode == IFedmashCoordinator.Mode.Mash) {
            // The deadline is provisional: the draw restarts it, so that the holder gets all of keyDuration.
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Grouping, config.keyDuration);
            _armDraw(self, roundId);
        } else {
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Submission, config.submitDuration);
        }
    }

    /// @dev The draw will use the hash of the next block, which no transaction mined in this one can read.
    function _armDraw(Round storage self, uint256 roundId) private {
        uint64 target = uint64(block.number) + 1;
        self.drawBlock = target;
        emit IFedmashCoordinator.GroupsDrawArmed(roundId, target);
    }

    /// @dev `Grouping` before the draw: a no-op until block `drawBlock` is mined, the draw once its hash is readable,
    /// and `DrawExpired` once it is not any more (blockhash covers the last 256 blocks only). Never a re-arm: the
    /// hash is public from the moment its block is mined, so every keeper knows the draw it would make, and one
    /// that disliked it could stay silent for 256 blocks and get another. The key deadline restarts at the draw,
    /// without a {IFedmashCoordinator-PhaseChanged}: the phase stays `Grouping`.
    function _draw(Round storage self, uint256 roundId, IFedmashCoordinator.TaskConfig storage config) private {
        uint256 target = self.drawBlock;
        if (block.number <= target) return;
        bytes32 drawHash = blockhash(target);
        if (drawHash == bytes32(0)) {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.DrawExpired);
            return;
        }
        _formGroups(self, roundId, config.groupSize, drawHash);
        self.deadline = uint64(block.timestamp) + config.keyDuration;
    }

    /// @dev Draws the holder and the groups (see {IFedmashCoordinator-advance}) and emits them. O(n) storage writes:
    /// one per member into its already used {Client} slot, and the order packed 16 members per slot. Measured at
    /// about 12k gas per member, 12.6M for MAX_MASH_CLIENTS (docs/CONTRACTS.md).
    function _formGroups(Round storage self, uint256 roundId, uint32 groupSize, bytes32 drawHash) private {
        address[] memory joinedClients = self.participants;
        // drawHash is the hash of a block mined after the last join; its builder or proposer could still bias it, by
        // grinding the block's contents or withholding it, which docs/SHUFFLE.md accepts as a validator-level adversary.
        bytes32 seed = keccak256(abi.encode(drawHash, address(this), roundId, joinedClients));
        (uint256 holderIndex, uint16[] memory order) = GroupingLib.draw(seed, joinedClients.length);
        uint256 groups = GroupingLib.groupCount(order.length, groupSize);
        address holder = joinedClients[holderIndex];

        self.holder = holder;
        self.groupCount = uint32(groups);
        self.groupingSeed = seed;
        self.memberOrder = order;
        for (uint256 k = 0; k < order.length; ++k) {
            self.clients[joinedClients[order[k]]].memberSlot = uint16(k + 1);
        }

        emit IFedmashCoordinator.GroupsFormed(roundId, holder, groups, seed);
        for (uint256 groupIndex = 0; groupIndex < groups; ++groupIndex) {
            uint256 size = GroupingLib.sizeOf(order.length, groups, groupIndex);
            // minClients >= 4 leaves at least 3 members, and groupCount divides them into groups of >= groupSize >= 3
            // (or one group of all of them when fewer than groupSize).
            assert(size >= GroupingLib.MIN_GROUP_MEMBERS);
            address[] memory members = new address[](size);
            for (uint256 position = 0; position < size; ++position) {
                members[position] = joinedClients[order[GroupingLib.orderIndex(groups, groupIndex, position)]];
            }
            emit IFedmashCoordinator.GroupFormed(roundId, groupIndex, members);
        }
    }

    /// @dev Fixes the included groups: a group is complete once every member submitted, and only members of groups
    /// with a posted sum can submit, so complete groups are exactly the included ones.
    function _enterCompletion(
        Round storage self,
        uint256 roundId,
        IFedmashCoordinator.TaskConfig storage config
    ) private {
        uint256[] memory included = new uint256[](self.completeGroupCount);
        uint256 found = 0;
        uint256 clientCount = 0;
        for (uint256 groupIndex = 0; found < included.length; ++groupIndex) {
            uint256 size = _groupSize(self, groupIndex);
            if (self.groups[groupIndex].submittedCount != size) continue;
            included[found++] = groupIndex;
            clientCount += size;
        }
        self.includedGroupCount = uint32(found);
        self.includedClientCount = uint32(clientCount);
        emit IFedmashCoordinator.GroupsIncluded(roundId, included, clientCount);
        // The holder completes the sum of every included member plus its own: below the floor it must never
        // post its negated seed, so the round ends here.
        if (clientCount + 1 < config.minIncluded) {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.TooFewIncluded);
        } else {
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Completion, config.completionDuration);
        }
    }

    /// @dev `Plain` and `Shamir`, at least one update in: freezes the submitted set and starts `Aggregation`, unless a
    /// `Shamir` set is below the floor, whose share-sums the servers must never post.
    function _closeSubmission(
        Round storage self,
        uint256 roundId,
        IFedmashCoordinator.TaskConfig storage config
    ) private {
        if (self.mode == IFedmashCoordinator.Mode.Shamir && self.submittedCount < config.minIncluded) {
            _fail(self, roundId, IFedmashCoordinator.FailureReason.TooFewIncluded);
        } else {
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Aggregation, config.aggregateDuration);
        }
    }

    /// @dev The holder submits in `Completion`; everyone else in `Submission`, and only from a sum-posted group.
    function _requireMashSubmitter(Round storage self, uint256 roundId, address client) private view {
        if (client == self.holder) {
            _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Completion);
            return;
        }
        _requireOpenPhase(self, roundId, IFedmashCoordinator.Phase.Submission);
        // In Submission the groups exist, and every participant but the holder is in one.
        (uint256 groupIndex, ) = _requireMember(self, roundId, client);
        if (!self.groups[groupIndex].sumPosted) {
            revert IFedmashCoordinator.CoordinatorGroupExcluded(roundId, groupIndex);
        }
    }

    function _countMashSubmission(
        Round storage self,
        uint256 roundId,
        address client,
        IFedmashCoordinator.TaskConfig storage config
    ) private {
        if (client == self.holder) {
            self.holderSubmitted = true;
            _enterTimed(self, roundId, IFedmashCoordinator.Phase.Aggregation, config.aggregateDuration);
            return;
        }
        (uint256 groupIndex, ) = _placeOf(self, self.clients[client].memberSlot - 1);
        Group storage target = self.groups[groupIndex];
        target.submittedCount += 1;
        if (target.submittedCount < _groupSize(self, groupIndex)) return;
        self.completeGroupCount += 1;
        if (self.completeGroupCount == self.groupSumCount) _enterCompletion(self, roundId, config);
    }

    function _requireMember(
        Round storage self,
        uint256 roundId,
        address account
    ) private view returns (uint256 groupIndex, uint256 position) {
        uint256 slot = self.clients[account].memberSlot;
        if (slot == 0) revert IFedmashCoordinator.CoordinatorNotGroupMember(roundId, account);
        return _placeOf(self, slot - 1);
    }

    function _placeOf(Round storage self, uint256 k) private view returns (uint256 groupIndex, uint256 position) {
        uint256 groups = self.groupCount;
        return (k % groups, k / groups);
    }

    function _groupSize(Round storage self, uint256 groupIndex) private view returns (uint256) {
        return GroupingLib.sizeOf(self.memberOrder.length, self.groupCount, groupIndex);
    }

    function _groupMembers(Round storage self, uint256 groupIndex) private view returns (address[] memory members) {
        uint256 groups = self.groupCount;
        members = new address[](_groupSize(self, groupIndex));
        for (uint256 position = 0; position < members.length; ++position) {
            uint256 participantIndex = self.memberOrder[GroupingLib.orderIndex(groups, groupIndex, position)];
            members[position] = self.participants[participantIndex];
        }
    }

    /// @dev Included is fixed on entering `Completion`, which needs at least one complete group; before it, none is.
    function _isIncluded(Round storage self, uint256 groupIndex) private view returns (bool) {
        return self.includedGroupCount != 0 && self.groups[groupIndex].submittedCount == _groupSize(self, groupIndex);
    }

    function _requireMessage(bytes calldata message) private pure {
        if (message.length == 0) revert IFedmashCoordinator.CoordinatorEmptyMessage();
        if (message.length > MAX_MESSAGE_BYTES) {
            revert IFedmashCoordinator.CoordinatorMessageTooLarge(message.length, MAX_MESSAGE_BYTES);
        }
    }

    /// @dev The phases only `Mash` rounds pass through, all timed and all before aggregation.
    function _mashOnlyPhases() private pure returns (bytes32) {
        return
            phaseBit(IFedmashCoordinator.Phase.Grouping) |
            phaseBit(IFedmashCoordinator.Phase.Shuffle) |
            phaseBit(IFedmashCoordinator.Phase.Completion);
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
