// SPDX-License-Identifier: MIT
// The Verification phase of MASH and Shamir rounds and its money: two block-hash seeds, the aggregator's batch sums T, the
// included clients' BN254 commitments, the one-ecMul check, the reward pools, the aggregators' bonds, slashing and
// pull payments. Deployed for FedmashCoordinator by FedmashVerifierFactory from the coordinator's constructor; that
// coordinator alone drives the round hooks.
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IFedmashCoordinator} from "./interfaces/IFedmashCoordinator.sol";
import {IFedmashVerifier} from "./interfaces/IFedmashVerifier.sol";
import {AggregateDispute} from "./libraries/AggregateDispute.sol";
import {AggregateFraudProof} from "./libraries/AggregateFraudProof.sol";
import {Bn254} from "./libraries/Bn254.sol";
import {ClientStakes} from "./libraries/ClientStakes.sol";
import {SampledVerification} from "./libraries/SampledVerification.sol";
import {SampledVerificationCheck} from "./libraries/SampledVerificationCheck.sol";

/// @title FedmashVerifier
/// @notice See {IFedmashVerifier}.
/// @dev Every wei the contract holds is in exactly one place: a task's pool or bond, a client's stake, a round's
/// reserve, a round's unclaimed rewards, or the burned slashes. Reserving and releasing move wei between places;
/// slashing moves it from a bond to {totalBurned}, where nobody can ever withdraw it; only funding, deposits, stakes,
/// withdrawals, claims, slashes and forfeited stakes (sent to FedmashShamir) change {totalOwed}, so the balance always equals {totalOwed} + {totalBurned} (there is no receive or
/// fallback, so plain transfers revert; only a selfdestruct beneficiary payment could add untracked wei).
contract FedmashVerifier is IFedmashVerifier, ReentrancyGuard {
    using SampledVerification for SampledVerification.Accumulator;

    /// @dev m, the partitions of a `Shamir` round's sampled verification (also in {verification}).
    uint256 private constant PARTITIONS = SampledVerification.DEFAULT_PARTITIONS;
    /// @dev k, the batches per partition (also in {verification}).
    uint256 private constant BATCHES = SampledVerification.DEFAULT_BATCHES;
    /// @notice Domain tag of the sample seed σ = keccak256(abi.encode(blockhash(aggregateBlock), roundId, tag)).
    bytes32 public constant SAMPLE_SEED_TAG = keccak256("fedmash/verifier/sample-seed/v1");
    /// @notice Domain tag of the weight seed σ_w = keccak256(abi.encode(blockhash(batchSumsBlock), roundId, tag)).
    bytes32 public constant WEIGHT_SEED_TAG = keccak256("fedmash/verifier/weight-seed/v1");
    /// @inheritdoc IFedmashVerifier
    uint256 public constant CHALLENGE_BOND = 0.01 ether;
    /// @inheritdoc IFedmashVerifier
    uint64 public constant MIN_CHALLENGE_DURATION = 5;
    /// @inheritdoc IFedmashVerifier
    uint64 public constant MAX_CHALLENGE_DURATION = 7 days;
    /// @inheritdoc IFedmashVerifier
    uint256 public constant MAX_PROVABLE_CLIENTS = 128;

    /// @dev What one account did in one round; one slot for the flags.
    struct Participation {
        bool committed;
        bool claimed;
    }

    /// @dev `info.commitmentX`/`commitmentY` stay zero in storage: the running sum lives in `accumulator`, which
    /// the library needs as its own struct, and {verification} copies it into the view.
    struct RoundState {
        RoundVerification info;
        SampledVerification.Accumulator accumulator;
        uint64 commitDuration;
        uint256 spoiledShare;
        IFedmashCoordinator.Mode mode;
        IFedmashCoordinator.MaskGroup maskGroup;
        uint32 modelSize;
        uint32 openDisputes;
        mapping(address account => Participation) participation;
        mapping(address challenger => Dispute) disputes;
        // When some dispute first revealed a node's children (or leaf values): a dispute at that node skips the
        // aggregator's move (see _current), so a burst of disputes costs it one answer per distinct node.
        mapping(bytes32 node => uint64) revealedAt;
    }

    IFedmashCoordinator private immutable _coordinator;

    uint256 private _totalOwed;
    uint256 private _totalBurned;
    mapping(uint256 taskId => TaskFunds) private _funds;
    mapping(uint256 roundId => RoundState) private _rounds;
    mapping(uint256 taskId => Admission) private _admission;
    mapping(uint256 taskId => mapping(address account => bool)) private _allowed;
    mapping(uint256 taskId => mapping(address account => uint256)) private _stakes;
    // The rounds each account joined: its stake stays locked until they are over and, in Shamir, until a client fault of
    // theirs can no longer be proven.
    ClientStakes.Joins private _joins;

    modifier onlyCoordinator() {
        if (msg.sender != address(_coordinator)) revert VerifierNotCoordinator(msg.sender);
        _;
    }

    /// @dev `coordinator_` is the caller of {FedmashVerifierFactory-deploy}: the coordinator, from its constructor, so no
    /// other account can ever call the hooks.
    constructor(IFedmashCoordinator coordinator_) {
        _coordinator = coordinator_;
    }

    /// @inheritdoc IFedmashVerifier
    function fundTask(uint256 taskId) external payable {
        if (msg.value == 0) revert VerifierZeroAmount();
        // Reverts CoordinatorUnknownTask, so no wei lands in a pool nobody can withdraw.
        _coordinator.task(taskId);
        TaskFunds storage funds = _funds[taskId];
        funds.pool += msg.value;
        _totalOwed += msg.value;
        emit TaskFunded(taskId, msg.sender, msg.value, funds.pool);
    }

    /// @inheritdoc IFedmashVerifier
    function setTerms(uint256 taskId, Terms calldata terms) external {
        _requireTaskOwner(taskId);
        TaskFunds storage funds = _funds[taskId];
        if (funds.activeRoundId != 0) revert VerifierTaskBusy(taskId, funds.activeRoundId);
        // A round reserves maxClients · clientReward + aggregatorReward, so that sum must fit for the largest round.
        uint256 maxClients = _coordinator.MAX_MASH_CLIENTS();
        if (terms.clientReward > (type(uint256).max - terms.aggregatorReward) / maxClients) {
            revert VerifierTermsTooLarge(terms.clientReward, terms.aggregatorReward);
        }
        if (terms.challengeDuration < MIN_CHALLENGE_DURATION) {
            revert VerifierChallengeWindowTooShort(terms.challengeDuration, MIN_CHALLENGE_DURATION);
        }
        // A longer window would lock the bond and the clients' stakes for as long as the owner likes.
        if (terms.challengeDuration > MAX_CHALLENGE_DURATION) {
            revert VerifierChallengeWindowTooLong(terms.challengeDuration, MAX_CHALLENGE_DURATION);
        }
        funds.terms = terms;
        emit TermsSet(
            taskId,
            terms.aggregatorBond,
            terms.clientReward,
            terms.aggregatorReward,
            terms.challengeDuration
        );
    }

    /// @inheritdoc IFedmashVerifier
    function withdrawPool(uint256 taskId, uint256 amount) external nonReentrant {
        _requireTaskOwner(taskId);
        if (amount == 0) revert VerifierZeroAmount();
        TaskFunds storage funds = _funds[taskId];
        if (amount > funds.pool) revert VerifierInsufficientPool(taskId, amount, funds.pool);
        funds.pool -= amount;
        _totalOwed -= amount;
        emit PoolWithdrawn(taskId, msg.sender, amount, funds.pool);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashVerifier
    function setAdmission(uint256 taskId, Admission calldata policy) external {
        _requireTaskOwner(taskId);
        uint256 activeRoundId = _funds[taskId].activeRoundId;
        if (activeRoundId != 0) revert VerifierTaskBusy(taskId, activeRoundId);
        _admission[taskId] = policy;
        emit AdmissionSet(taskId, policy.allowlistOnly, policy.clientStake);
    }

    /// @inheritdoc IFedmashVerifier
    function setAllowed(uint256 taskId, address[] calldata accounts, bool allowed) external {
        _requireTaskOwner(taskId);
        mapping(address => bool) storage list = _allowed[taskId];
        for (uint256 i = 0; i < accounts.length; ++i) {
            list[accounts[i]] = allowed;
            emit AllowlistChanged(taskId, accounts[i], allowed);
        }
    }

    /// @inheritdoc IFedmashVerifier
    function stake(uint256 taskId) external payable {
        if (msg.value == 0) revert VerifierZeroAmount();
        // Reverts CoordinatorUnknownTask, so no wei is staked for a task that does not exist.
        _coordinator.task(taskId);
        uint256 staked = _stakes[taskId][msg.sender] + msg.value;
        _stakes[taskId][msg.sender] = staked;
        _totalOwed += msg.value;
        emit StakeChanged(taskId, msg.sender, int256(msg.value), staked);
    }

    /// @inheritdoc IFedmashVerifier
    function withdrawStake(uint256 taskId, uint256 amount) external nonReentrant {
        if (amount == 0) revert VerifierZeroAmount();
        ClientStakes.requireUnlocked(_joins, address(_coordinator), taskId, msg.sender);
        uint256 staked = _stakes[taskId][msg.sender];
        if (amount > staked) revert VerifierInsufficientStake(taskId, msg.sender, amount, staked);
        _stakes[taskId][msg.sender] = staked - amount;
        _totalOwed -= amount;
        emit StakeChanged(taskId, msg.sender, -int256(amount), staked - amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashVerifier
    function admit(uint256 taskId, address account) external onlyCoordinator {
        ClientStakes.checkAdmission(_admission[taskId], taskId, account, _allowed[taskId][account], _stakes[taskId][account]);
        ClientStakes.recordJoin(_joins, address(_coordinator), taskId, account);
    }

    /// @inheritdoc IFedmashVerifier
    function forfeitStake(uint256 taskId, address account) external returns (uint256 amount) {
        if (msg.sender != _coordinator.shamir()) revert VerifierNotShamir(msg.sender);
        amount = _stakes[taskId][account];
        _stakes[taskId][account] = 0;
        _totalOwed -= amount;
        // Off the allowlist too, so that a proven cheater of an allowlist-only task cannot join again for free.
        _allowed[taskId][account] = false;
        emit AllowlistChanged(taskId, account, false);
        emit StakeChanged(taskId, account, -int256(amount), 0);
        // The caller is the coordinator's own FedmashShamir, and every effect above is done: no reentrancy to guard.
        if (amount != 0) Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashVerifier
    function admission(uint256 taskId) external view returns (Admission memory) {
        return _admission[taskId];
    }

    /// @inheritdoc IFedmashVerifier
    function isAllowed(uint256 taskId, address account) external view returns (bool) {
        return _allowed[taskId][account];
    }

    /// @inheritdoc IFedmashVerifier
    function stakeOf(uint256 taskId, address account) external view returns (uint256) {
        return _stakes[taskId][account];
    }

    /// @inheritdoc IFedmashVerifier
    function acceptTask(uint256 taskId, uint256 maxBond) external {
        _requireTaskAggregator(taskId);
        _funds[taskId].acceptedBond = maxBond;
        emit TaskAccepted(taskId, msg.sender, maxBond);
    }

    /// @inheritdoc IFedmashVerifier
    function depositBond(uint256 taskId) external payable {
        _requireTaskAggregator(taskId);
        if (msg.value == 0) revert VerifierZeroAmount();
        TaskFunds storage funds = _funds[taskId];
        funds.bond += msg.value;
        _totalOwed += msg.value;
        emit BondDeposited(taskId, msg.sender, msg.value, funds.bond);
    }

    /// @inheritdoc IFedmashVerifier
    function withdrawBond(uint256 taskId, uint256 amount) external nonReentrant {
        _requireTaskAggregator(taskId);
        if (amount == 0) revert VerifierZeroAmount();
        TaskFunds storage funds = _funds[taskId];
        uint256 activeRoundId = funds.activeRoundId;
        if (activeRoundId != 0) {
            Stage stage = _rounds[activeRoundId].info.stage;
            if (stage == Stage.BatchSums || stage == Stage.Commitments || stage == Stage.Challenge) {
                revert VerifierBondLocked(taskId, activeRoundId);
            }
        }
        if (amount > funds.bond) revert VerifierInsufficientBond(taskId, amount, funds.bond);
        funds.bond -= amount;
        _totalOwed -= amount;
        emit BondWithdrawn(taskId, msg.sender, amount, funds.bond);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashVerifier
    function postBatchSums(uint256 roundId, bytes calldata batchSums) external {
        RoundVerification storage info = _knownRound(roundId).info;
        if (msg.sender != info.aggregator) revert VerifierNotAggregator(info.taskId, msg.sender);
        _requireStage(roundId, info, Stage.BatchSums);
        _requireBeforeDeadline(roundId, info);
        // Recorded by anyone while blockhash(aggregateBlock) was readable ({recordSeed}), or read now.
        bytes32 seed = info.sampleSeed != 0 ? info.sampleSeed : _blockSeed(roundId, info.aggregateBlock, SAMPLE_SEED_TAG);
        uint256 expectedLength = PARTITIONS * BATCHES * SampledVerification.BATCH_SUM_BYTES;
        if (batchSums.length != expectedLength) {
            revert SampledVerification.SampledVerificationInvalidBatchSums(batchSums.length, expectedLength);
        }

        uint64 deadline = uint64(block.timestamp) + _rounds[roundId].commitDuration;
        info.sampleSeed = seed;
        info.batchSumsHash = keccak256(batchSums);
        info.batchSumsBlock = uint64(block.number);
        info.stage = Stage.Commitments;
        info.deadline = deadline;
        emit BatchSumsPosted(roundId, seed, PARTITIONS, BATCHES, batchSums, deadline);
    }

    /// @inheritdoc IFedmashVerifier
    function commit(uint256 roundId, uint256 x, uint256 y) external {
        RoundState storage state = _knownRound(roundId);
        RoundVerification storage info = state.info;
        Participation storage participation = state.participation[msg.sender];
        _requireIncluded(roundId);
        if (participation.committed) revert VerifierAlreadyCommitted(roundId, msg.sender);
        _requireStage(roundId, info, Stage.Commitments);
        _requireBeforeDeadline(roundId, info);
        // The weights are fixed by a block after T's, so T cannot have been chosen knowing them.
        // Recorded by anyone while blockhash(batchSumsBlock) was readable ({recordSeed}), or by this first commitment.
        if (info.weightSeed == 0) info.weightSeed = _blockSeed(roundId, info.batchSumsBlock, WEIGHT_SEED_TAG);

        SampledVerificationCheck.accumulate(state.accumulator, x, y);
        participation.committed = true;
        uint32 committedCount = info.committedCount + 1;
        info.committedCount = committedCount;
        emit CommitmentPosted(roundId, msg.sender, x, y, committedCount);
    }

    /// @inheritdoc IFedmashVerifier
    /// @dev The included set is read from the coordinator at call time; it is fixed since `Completion`. Each opening
    /// is checked against its vector's on-chain commitment before any value is used, so a challenger can prove only
    /// what the committed data says, and a wrong opening reverts (nobody pays) rather than reject.
    function challenge(
        uint256 roundId,
        uint256 leafIndex,
        AggregateFraudProof.Opening[] calldata openings,
        AggregateFraudProof.Opening calldata aggregate
    ) external payable nonReentrant returns (bool upheld) {
        RoundState storage state = _knownRound(roundId);
        bool disputed = _requireChallengeOpen(roundId, state, leafIndex);
        if (msg.value != CHALLENGE_BOND) revert VerifierWrongChallengeBond(msg.value, CHALLENGE_BOND);

        bytes32[] memory commitments = AggregateFraudProof.vectorCommitments(address(_coordinator), roundId);
        if (openings.length != commitments.length) {
            revert VerifierWrongOpeningCount(roundId, openings.length, commitments.length);
        }
        uint256 coordinate = AggregateFraudProof.firstWrongCoordinate(
            openings,
            aggregate,
            commitments,
            state.info.aggregateHash,
            leafIndex,
            state.modelSize,
            state.maskGroup == IFedmashCoordinator.MaskGroup.PaperCompat
        );
        state.info.challengeCount += 1;
        if (coordinate == type(uint256).max) {
            _rejectChallenge(roundId, state, leafIndex, disputed);
            return false;
        }
        _settleFraud(roundId, state, msg.sender, msg.value, coordinate);
        return true;
    }

    /// @dev The posted sum is right where the challenger looked: its bond pays for the frivolous challenge. If its
    /// dispute reached that leaf, the dispute is lost too, and its bond pays the aggregator's moves.
    function _rejectChallenge(uint256 roundId, RoundState storage state, uint256 leafIndex, bool disputed) private {
        _funds[state.info.taskId].burned += msg.value;
        _totalBurned += msg.value;
        emit ChallengeRejected(roundId, msg.sender, leafIndex, msg.value);
        if (disputed) _closeDispute(roundId, state, msg.sender, DisputeEnd.ChallengeRejected);
    }

    /// @inheritdoc IFedmashVerifier
    function openDispute(uint256 roundId) external payable {
        RoundState storage state = _knownRound(roundId);
        _requireChallengeable(roundId, state);
        _requireBeforeDeadline(roundId, state.info);
        if (msg.value != CHALLENGE_BOND) revert VerifierWrongChallengeBond(msg.value, CHALLENGE_BOND);
        Dispute storage own = state.disputes[msg.sender];
        if (own.turn != DisputeTurn.None) revert VerifierDisputeExists(roundId, msg.sender);
        // The bond is owed from now on: to the aggregator if the dispute is lost, back to the challenger otherwise.
        _totalOwed += msg.value;
        state.openDisputes += 1;
        AggregateDispute.open(own, roundId, state.info.aggregateHash, _stepDuration(state.info));
    }

    /// @inheritdoc IFedmashVerifier
    function revealNodes(uint256 roundId, address challenger, bytes32[] calldata nodes) external {
        (RoundState storage state, Dispute storage disputed) = _disputeMove(roundId, challenger, DisputeTurn.Aggregator);
        _markRevealed(state, disputed.node);
        AggregateDispute.reveal(disputed, roundId, challenger, nodes, _treeDepth(state), _stepDuration(state.info));
    }

    /// @inheritdoc IFedmashVerifier
    function pickNode(uint256 roundId, uint256 childIndex, bytes32 child, bytes32[] calldata proof) external {
        (RoundState storage state, Dispute storage disputed) = _disputeMove(roundId, msg.sender, DisputeTurn.Challenger);
        bool paddingNotZero = AggregateDispute.pick(
            disputed,
            roundId,
            childIndex,
            child,
            proof,
            state.modelSize,
            _stepDuration(state.info)
        );
        if (paddingNotZero) {
            _closeDispute(roundId, state, msg.sender, DisputeEnd.PaddingNotZero);
            _settleFraud(roundId, state, msg.sender, CHALLENGE_BOND, disputed.position * AggregateFraudProof.LEAF_VALUES);
        }
    }

    /// @inheritdoc IFedmashVerifier
    function revealLeaf(uint256 roundId, address challenger, bytes calldata values) external {
        (RoundState storage state, Dispute storage disputed) = _disputeMove(roundId, challenger, DisputeTurn.Aggregator);
        _markRevealed(state, disputed.node);
        AggregateDispute.revealLeaf(disputed, roundId, challenger, values, _treeDepth(state), _stepDuration(state.info));
    }

    /// @inheritdoc IFedmashVerifier
    function closeDispute(uint256 roundId, address challenger) external {
        RoundState storage state = _knownRound(roundId);
        _requireStage(roundId, state.info, Stage.Challenge);
        Dispute storage disputed = state.disputes[challenger];
        if (!_isOpen(disputed.turn)) revert VerifierNoDispute(roundId, challenger);
        (DisputeTurn turn, uint64 deadline) = _current(state, disputed);
        if (block.timestamp <= deadline) revert VerifierDisputeNotExpired(roundId, challenger, deadline);
        if (turn == DisputeTurn.Aggregator) {
            // The aggregator could not (or would not) open its own commitment: as good as a proven fraud.
            _closeDispute(roundId, state, challenger, DisputeEnd.AggregatorTimedOut);
            _settleFraud(roundId, state, challenger, CHALLENGE_BOND, type(uint256).max);
        } else {
            _closeDispute(roundId, state, challenger, DisputeEnd.ChallengerTimedOut);
        }
    }

    /// @inheritdoc IFedmashVerifier
    /// @dev With the turn and deadline that apply now (see _current).
    function disputeOf(uint256 roundId, address challenger) external view returns (Dispute memory current) {
        RoundState storage state = _rounds[roundId];
        Dispute storage disputed = state.disputes[challenger];
        current = disputed;
        (current.turn, current.deadline) = _current(state, disputed);
    }

    /// @inheritdoc IFedmashVerifier
    function openDisputes(uint256 roundId) external view returns (uint256) {
        return _rounds[roundId].openDisputes;
    }

    function _markRevealed(RoundState storage state, bytes32 node) private {
        if (state.revealedAt[node] == 0) state.revealedAt[node] = uint64(block.timestamp);
    }

    /// @dev Whose move a dispute waits for, and until when. A dispute waiting for the aggregator at a node that some
    /// dispute of the round already opened, in time (its descendants or leaf values are in that dispute's events),
    /// waits for its challenger instead: from the later of that reveal and its own arrival there, one step. So a burst
    /// of disputes costs an honest aggregator one answer per distinct node, and no challenger gets less than a step.
    function _current(
        RoundState storage state,
        Dispute storage disputed
    ) private view returns (DisputeTurn turn, uint64 deadline) {
        turn = disputed.turn;
        deadline = disputed.deadline;
        if (turn != DisputeTurn.Aggregator) return (turn, deadline);
        uint64 revealedAt = state.revealedAt[disputed.node];
        if (revealedAt == 0 || revealedAt > deadline) return (turn, deadline);
        uint64 fromReveal = revealedAt + _stepDuration(state.info);
        return (DisputeTurn.Challenger, fromReveal > deadline ? fromReveal : deadline);
    }

    /// @dev Ends an open dispute. Lost by the challenger (it timed out, or its leaf was right): the bond goes to the
    /// aggregator's task bond, which paid for the moves. Won: the caller settles the fraud, the bond in the reward.
    function _closeDispute(uint256 roundId, RoundState storage state, address challenger, DisputeEnd end) private {
        state.disputes[challenger].turn = DisputeTurn.Closed;
        state.openDisputes -= 1;
        uint256 bond = 0;
        if (end == DisputeEnd.ChallengerTimedOut || end == DisputeEnd.ChallengeRejected) {
            bond = CHALLENGE_BOND;
            _funds[state.info.taskId].bond += bond;
        }
        emit DisputeClosed(roundId, challenger, end, bond);
    }

    /// @dev The round and `challenger`'s dispute, checked to be open, in the challenge stage, at `turn`, on time.
    function _disputeMove(
        uint256 roundId,
        address challenger,
        DisputeTurn turn
    ) private view returns (RoundState storage state, Dispute storage disputed) {
        state = _knownRound(roundId);
        _requireStage(roundId, state.info, Stage.Challenge);
        disputed = state.disputes[challenger];
        if (!_isOpen(disputed.turn)) revert VerifierNoDispute(roundId, challenger);
        (DisputeTurn current, uint64 deadline) = _current(state, disputed);
        if (current != turn) revert VerifierNotYourTurn(roundId, challenger, current);
        if (block.timestamp > deadline) revert VerifierDisputeDeadlinePassed(roundId, challenger, deadline);
    }

    /// @dev Reverts unless `msg.sender` may challenge leaf `leafIndex` now: within the window, or after it when its
    /// own dispute reached that leaf and waits for its move. Returns whether its dispute is at that leaf.
    function _requireChallengeOpen(
        uint256 roundId,
        RoundState storage state,
        uint256 leafIndex
    ) private view returns (bool disputed) {
        _requireChallengeable(roundId, state);
        Dispute storage own = state.disputes[msg.sender];
        (DisputeTurn turn, uint64 deadline) = _current(state, own);
        disputed = turn == DisputeTurn.Challenger && own.position == leafIndex && own.depth == _treeDepth(state);
        if (!disputed || block.timestamp > deadline) _requireBeforeDeadline(roundId, state.info);
    }

    function _requireChallengeable(uint256 roundId, RoundState storage state) private view {
        if (state.mode != IFedmashCoordinator.Mode.Mash) revert VerifierNotChallengeable(roundId);
        _requireStage(roundId, state.info, Stage.Challenge);
    }

    /// @dev Each dispute move has as long as the challenge window (at least its minimum).
    function _stepDuration(RoundVerification storage info) private view returns (uint64) {
        uint64 window = info.terms.challengeDuration;
        return window < MIN_CHALLENGE_DURATION ? MIN_CHALLENGE_DURATION : window;
    }

    function _treeDepth(RoundState storage state) private view returns (uint256 depth) {
        (, depth) = AggregateFraudProof.shape(state.modelSize);
    }

    function _isOpen(DisputeTurn turn) private pure returns (bool) {
        return turn == DisputeTurn.Aggregator || turn == DisputeTurn.Challenger;
    }

    /// @inheritdoc IFedmashVerifier
    /// @dev Stores nothing that anyone could choose: the seed is a function of a block hash fixed before the call, so
    /// who records it, and when within the window, changes nothing but whether the later steps can still read it.
    function recordSeed(uint256 roundId) external returns (bytes32 seed) {
        RoundVerification storage info = _knownRound(roundId).info;
        Stage stage = info.stage;
        if (stage == Stage.BatchSums) {
            if (info.sampleSeed != 0) revert VerifierSeedAlreadyRecorded(roundId, info.aggregateBlock);
            seed = _blockSeed(roundId, info.aggregateBlock, SAMPLE_SEED_TAG);
            info.sampleSeed = seed;
            emit SeedRecorded(roundId, SAMPLE_SEED_TAG, info.aggregateBlock, seed, msg.sender);
        } else if (stage == Stage.Commitments) {
            if (info.weightSeed != 0) revert VerifierSeedAlreadyRecorded(roundId, info.batchSumsBlock);
            seed = _blockSeed(roundId, info.batchSumsBlock, WEIGHT_SEED_TAG);
            info.weightSeed = seed;
            emit SeedRecorded(roundId, WEIGHT_SEED_TAG, info.batchSumsBlock, seed, msg.sender);
        } else {
            revert VerifierUnexpectedStage(roundId, stage, Stage.BatchSums);
        }
    }

    /// @inheritdoc IFedmashVerifier
    function settle(uint256 roundId, bytes calldata batchSums) external {
        RoundState storage state = _knownRound(roundId);
        // A settled round may still count disputes a proven fraud left open (refunded by claim): its stage error comes first.
        if (state.info.stage == Stage.Challenge && state.openDisputes != 0) {
            revert VerifierDisputesOpen(roundId, state.openDisputes);
        }
        Outcome outcome = _outcome(roundId, state, batchSums);
        uint256 slashed = 0;
        // Only a missing T is the aggregator's fault for sure. A failed Shamir check names no culprit: one client's wrong
        // commitment, or one server's wrong share-sum (M2), fails an honest aggregate just as a tampered one does, so it
        // slashes nobody; the round fails and pays nobody. The burn keeps the slash from whoever could grief (C1).
        if (outcome == Outcome.BatchSumsMissing) {
            slashed = _slash(state.info);
            _burn(state.info.taskId, slashed);
        }
        _conclude(roundId, state, outcome, slashed);
    }

    /// @dev A proven fraud: the aggregator's bond (up to the terms' `aggregatorBond`) is slashed. The challenger is
    /// owed its bond back and half the slash; the other half is shared equally by the included clients, whose round
    /// was spoiled (the division's remainder is burned). The round did not finalize, so the pool pays nobody.
    function _settleFraud(
        uint256 roundId,
        RoundState storage state,
        address challenger,
        uint256 bond,
        uint256 coordinate
    ) private {
        RoundVerification storage info = state.info;
        uint256 slashed = _slash(info);
        uint256 toChallenger = slashed / 2;
        uint256 share = (slashed - toChallenger) / info.includedCount;
        _burn(info.taskId, slashed - toChallenger - share * info.includedCount);
        // The slash stays owed (now to the challenger and the clients). A challenge's bond becomes owed here; a dispute's
        // already was, since it opened.
        if (msg.value > 0) _totalOwed += msg.value;
        state.spoiledShare = share;
        info.challenger = challenger;
        info.challengerReward = toChallenger + bond;
        emit AggregateFraudProven(info.taskId, roundId, challenger, coordinate, slashed, info.challengerReward, share);
        _conclude(roundId, state, Outcome.FraudProven, slashed);
    }

    /// @dev Takes the round's bond lock out of the task's bond: min(bond, terms.aggregatorBond), still owed.
    function _slash(RoundVerification storage info) private returns (uint256 slashed) {
        TaskFunds storage funds = _funds[info.taskId];
        uint256 required = info.terms.aggregatorBond;
        slashed = funds.bond < required ? funds.bond : required;
        funds.bond -= slashed;
    }

    /// @dev Moves `amount` of slashed (owed) wei to the burned, withdrawable by nobody.
    function _burn(uint256 taskId, uint256 amount) private {
        _funds[taskId].burned += amount;
        _totalOwed -= amount;
        _totalBurned += amount;
    }

    /// @dev Pays and releases per `outcome`, records it, and has the coordinator finalize or fail the round.
    function _conclude(uint256 roundId, RoundState storage state, Outcome outcome, uint256 slashed) private {
        RoundVerification storage info = state.info;
        Terms memory terms = info.terms;
        // Mash pays every included vector's sender (the holder too); Shamir the clients that committed.
        uint256 paidClients = state.mode == IFedmashCoordinator.Mode.Mash ? info.includedCount : info.committedCount;
        uint256 paid = 0;
        if (outcome == Outcome.Passed) {
            paid = terms.aggregatorReward + paidClients * terms.clientReward;
        } else if (outcome == Outcome.CommitmentsMissing) {
            paid = paidClients * terms.clientReward;
        }
        uint256 released = info.reserved - paid;

        TaskFunds storage funds = _funds[info.taskId];
        funds.pool += released;
        funds.activeRoundId = 0;
        info.reserved = 0;
        // Disputes still open when a fraud is proven get their bonds back (see _owed); none is open otherwise.
        info.unclaimed = paid + info.challengerReward + state.spoiledShare * paidClients;
        info.unclaimed += uint256(state.openDisputes) * CHALLENGE_BOND;
        info.slashed = slashed;
        info.stage = Stage.Settled;
        info.outcome = outcome;
        info.deadline = 0;

        if (slashed > 0) emit AggregatorSlashed(info.taskId, roundId, info.aggregator, slashed);
        emit VerificationSettled(
            info.taskId,
            roundId,
            outcome,
            info.committedCount,
            info.includedCount,
            paid,
            slashed,
            released
        );
        // Last, with every flag set: the coordinator finalizes or fails the round on its side.
        _coordinator.concludeVerification(roundId, _failureReason(outcome));
    }

    /// @inheritdoc IFedmashVerifier
    function claim(uint256 roundId) external nonReentrant returns (uint256 amount) {
        RoundState storage state = _knownRound(roundId);
        Participation storage participation = state.participation[msg.sender];
        if (participation.claimed) revert VerifierAlreadyClaimed(roundId, msg.sender);
        amount = _owed(roundId, state, msg.sender);
        if (amount == 0) revert VerifierNothingToClaim(roundId, msg.sender);

        participation.claimed = true;
        state.info.unclaimed -= amount;
        _totalOwed -= amount;
        emit RewardClaimed(roundId, msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashVerifier
    function onRoundOpened(
        uint256 taskId,
        uint256 roundId,
        address aggregator,
        uint256 maxClients
    ) external onlyCoordinator {
        TaskFunds storage funds = _funds[taskId];
        Terms memory terms = funds.terms;
        uint256 reserve = maxClients * terms.clientReward + terms.aggregatorReward;
        if (reserve > funds.pool) revert VerifierInsufficientPool(taskId, reserve, funds.pool);
        funds.pool -= reserve;
        funds.activeRoundId = roundId;

        RoundState storage state = _rounds[roundId];
        IFedmashCoordinator.TaskConfig memory config = _coordinator.task(taskId).config;
        // A challenge opens one leaf of every included vector in one transaction: past this many clients it no longer
        // fits a transaction (EIP-7825's 2^24 gas) or the public mempool's 128 KiB, and a wrong sum could not be proven.
        if (config.mode == IFedmashCoordinator.Mode.Mash && maxClients > MAX_PROVABLE_CLIENTS) {
            revert VerifierTooManyClientsToProve(taskId, maxClients, MAX_PROVABLE_CLIENTS);
        }
        state.mode = config.mode;
        state.maskGroup = config.maskGroup;
        state.modelSize = config.modelSize;
        RoundVerification storage info = state.info;
        info.taskId = taskId;
        info.aggregator = aggregator;
        info.stage = Stage.Reserved;
        info.partitions = uint16(PARTITIONS);
        info.batches = uint16(BATCHES);
        info.terms = terms;
        info.reserved = reserve;
        emit RewardsReserved(taskId, roundId, reserve);
    }

    /// @inheritdoc IFedmashVerifier
    function onAggregatePosted(
        uint256 roundId,
        bytes32 aggregateHash,
        uint256 includedCount,
        uint64 batchSumsDuration,
        uint64 commitDuration
    ) external onlyCoordinator {
        RoundState storage state = _knownRound(roundId);
        RoundVerification storage info = state.info;
        _requireStage(roundId, info, Stage.Reserved);
        uint256 taskId = info.taskId;
        TaskFunds storage funds = _funds[taskId];
        uint256 required = info.terms.aggregatorBond;
        // The owner sets the terms; only the aggregator's own acceptance decides how much of its bond a round may risk.
        if (required > funds.acceptedBond) revert VerifierBondNotAccepted(taskId, required, funds.acceptedBond);
        if (funds.bond < required) revert VerifierInsufficientBond(taskId, required, funds.bond);

        bool optimistic = state.mode == IFedmashCoordinator.Mode.Mash;
        // Terms never set are zero: the window is still at least the minimum, so a wrong sum can always be proven.
        uint64 deadline = uint64(block.timestamp) + (optimistic ? _stepDuration(info) : batchSumsDuration);
        info.aggregateHash = aggregateHash;
        // includedCount is at most the coordinator's MAX_MASH_CLIENTS.
        info.includedCount = uint32(includedCount);
        info.aggregateBlock = uint64(block.number);
        info.stage = optimistic ? Stage.Challenge : Stage.BatchSums;
        info.deadline = deadline;
        state.commitDuration = commitDuration;
        emit VerificationStarted(taskId, roundId, block.number, includedCount, deadline);
        if (optimistic) emit ChallengeWindowOpened(roundId, aggregateHash, deadline);
    }

    /// @inheritdoc IFedmashVerifier
    /// @dev Only a `Reserved` round holds anything to release; for any other stage this does nothing, so that a
    /// failing round can never be stuck on its verifier.
    function onRoundFailed(uint256 roundId) external onlyCoordinator {
        RoundVerification storage info = _rounds[roundId].info;
        if (info.stage != Stage.Reserved) return;
        uint256 released = info.reserved;
        TaskFunds storage funds = _funds[info.taskId];
        funds.pool += released;
        funds.activeRoundId = 0;
        info.reserved = 0;
        info.stage = Stage.Settled;
        info.outcome = Outcome.Released;
        emit VerificationSettled(info.taskId, roundId, Outcome.Released, 0, 0, 0, 0, released);
    }

    /// @inheritdoc IFedmashVerifier
    function coordinator() external view returns (IFedmashCoordinator) {
        return _coordinator;
    }

    /// @inheritdoc IFedmashVerifier
    function taskFunds(uint256 taskId) external view returns (TaskFunds memory) {
        return _funds[taskId];
    }

    /// @inheritdoc IFedmashVerifier
    function verification(uint256 roundId) external view returns (RoundVerification memory roundVerification) {
        RoundState storage state = _knownRound(roundId);
        roundVerification = state.info;
        Bn254.G1Point memory sum = state.accumulator.runningSum();
        roundVerification.commitmentX = sum.x;
        roundVerification.commitmentY = sum.y;
    }

    /// @inheritdoc IFedmashVerifier
    function sampleSeed(uint256 roundId) external view returns (bytes32) {
        RoundVerification storage info = _knownRound(roundId).info;
        if (info.sampleSeed != 0) return info.sampleSeed;
        if (info.aggregateBlock == 0) revert VerifierUnexpectedStage(roundId, info.stage, Stage.BatchSums);
        return _blockSeed(roundId, info.aggregateBlock, SAMPLE_SEED_TAG);
    }

    /// @inheritdoc IFedmashVerifier
    function weightSeed(uint256 roundId) external view returns (bytes32) {
        RoundVerification storage info = _knownRound(roundId).info;
        if (info.weightSeed != 0) return info.weightSeed;
        if (info.batchSumsBlock == 0) revert VerifierUnexpectedStage(roundId, info.stage, Stage.Commitments);
        return _blockSeed(roundId, info.batchSumsBlock, WEIGHT_SEED_TAG);
    }

    /// @inheritdoc IFedmashVerifier
    function hasCommitted(uint256 roundId, address account) external view returns (bool) {
        return _rounds[roundId].participation[account].committed;
    }

    /// @inheritdoc IFedmashVerifier
    function claimable(uint256 roundId, address account) external view returns (uint256) {
        RoundState storage state = _rounds[roundId];
        if (state.participation[account].claimed) return 0;
        return _owed(roundId, state, account);
    }

    /// @inheritdoc IFedmashVerifier
    function totalOwed() external view returns (uint256) {
        return _totalOwed;
    }

    /// @inheritdoc IFedmashVerifier
    function totalBurned() external view returns (uint256) {
        return _totalBurned;
    }

    /// @dev The outcome {settle} reaches, or the revert that says why it cannot settle yet.
    function _outcome(
        uint256 roundId,
        RoundState storage state,
        bytes calldata batchSums
    ) private view returns (Outcome) {
        RoundVerification storage info = state.info;
        Stage stage = info.stage;
        if (stage == Stage.Challenge) {
            if (block.timestamp <= info.deadline) revert VerifierDeadlineNotPassed(roundId, info.deadline);
            return Outcome.Passed;
        }
        if (stage == Stage.BatchSums) {
            // Nobody recorded σ while its block hash was readable: T can no longer be posted by anyone, at once.
            if (info.sampleSeed == 0 && _seedGone(info.aggregateBlock)) return Outcome.SeedExpired;
            if (block.timestamp <= info.deadline) revert VerifierDeadlineNotPassed(roundId, info.deadline);
            return Outcome.BatchSumsMissing;
        }
        if (stage != Stage.Commitments) revert VerifierUnexpectedStage(roundId, stage, Stage.Commitments);
        // Nobody recorded σ_w (so nobody committed either): no commitment can be made any more.
        if (info.weightSeed == 0 && _seedGone(info.batchSumsBlock)) return Outcome.SeedExpired;
        bool everyoneCommitted = info.committedCount == info.includedCount;
        if (!everyoneCommitted) {
            if (block.timestamp <= info.deadline) revert VerifierDeadlineNotPassed(roundId, info.deadline);
            // A missing commitment makes an honest check fail, so it cannot count against the aggregator.
            return Outcome.CommitmentsMissing;
        }
        bytes32 actualHash = keccak256(batchSums);
        if (actualHash != info.batchSumsHash) {
            revert VerifierBatchSumsMismatch(roundId, info.batchSumsHash, actualHash);
        }
        if (!SampledVerificationCheck.matches(state.accumulator, info.weightSeed, info.partitions, info.batches, batchSums)) {
            return Outcome.Failed;
        }
        return Outcome.Passed;
    }

    /// @dev What `account` is owed by a settled round, whether or not it already claimed.
    function _owed(uint256 roundId, RoundState storage state, address account) private view returns (uint256 amount) {
        Outcome outcome = state.info.outcome;
        if (outcome == Outcome.Passed || outcome == Outcome.CommitmentsMissing) {
            bool earned = state.mode == IFedmashCoordinator.Mode.Mash
                ? _coordinator.isIncluded(roundId, account)
                : state.participation[account].committed;
            if (earned) amount += state.info.terms.clientReward;
        } else if (outcome == Outcome.FraudProven) {
            if (_coordinator.isIncluded(roundId, account)) amount += state.spoiledShare;
            // A dispute still open when another one proved the fraud was right too: its bond comes back.
            if (_isOpen(state.disputes[account].turn)) amount += CHALLENGE_BOND;
        }
        if (outcome == Outcome.Passed && account == state.info.aggregator) amount += state.info.terms.aggregatorReward;
        if (account == state.info.challenger) amount += state.info.challengerReward;
    }

    /// @dev σ or σ_w from the hash of `seedBlock`, which must be a past block still within the last 256.
    function _blockSeed(uint256 roundId, uint256 seedBlock, bytes32 tag) private view returns (bytes32) {
        if (block.number <= seedBlock) revert VerifierSeedNotReady(roundId, seedBlock);
        bytes32 hash = blockhash(seedBlock);
        if (hash == 0) revert VerifierSeedExpired(roundId, seedBlock);
        return keccak256(abi.encode(hash, roundId, tag));
    }

    /// @dev Whether blockhash(seedBlock) is gone: `seedBlock` is more than 256 blocks before this one.
    function _seedGone(uint256 seedBlock) private view returns (bool) {
        return block.number > seedBlock + 256;
    }

    function _failureReason(Outcome outcome) private pure returns (IFedmashCoordinator.FailureReason) {
        if (outcome == Outcome.Passed) return IFedmashCoordinator.FailureReason.None;
        if (outcome == Outcome.Failed) return IFedmashCoordinator.FailureReason.VerificationFailed;
        if (outcome == Outcome.BatchSumsMissing) return IFedmashCoordinator.FailureReason.AggregatorMissing;
        if (outcome == Outcome.CommitmentsMissing) return IFedmashCoordinator.FailureReason.CommitmentsMissing;
        if (outcome == Outcome.SeedExpired) return IFedmashCoordinator.FailureReason.SeedExpired;
        return IFedmashCoordinator.FailureReason.AggregateFraudProven;
    }

    function _knownRound(uint256 roundId) private view returns (RoundState storage state) {
        state = _rounds[roundId];
        if (state.info.stage == Stage.None) revert VerifierUnknownRound(roundId);
    }

    function _requireStage(uint256 roundId, RoundVerification storage info, Stage expected) private view {
        if (info.stage != expected) revert VerifierUnexpectedStage(roundId, info.stage, expected);
    }

    /// @dev As in the coordinator: a stage's actions are accepted up to and including its deadline.
    function _requireBeforeDeadline(uint256 roundId, RoundVerification storage info) private view {
        if (block.timestamp > info.deadline) revert VerifierDeadlinePassed(roundId, info.deadline);
    }

    function _requireIncluded(uint256 roundId) private view {
        if (!_coordinator.isIncluded(roundId, msg.sender)) revert VerifierNotIncluded(roundId, msg.sender);
    }

    function _requireTaskOwner(uint256 taskId) private view {
        if (_coordinator.task(taskId).owner != msg.sender) revert VerifierNotTaskOwner(taskId, msg.sender);
    }

    function _requireTaskAggregator(uint256 taskId) private view {
        if (_coordinator.task(taskId).config.aggregator != msg.sender) {
            revert VerifierNotAggregator(taskId, msg.sender);
        }
    }
}
