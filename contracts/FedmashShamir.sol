// SPDX-License-Identifier: MIT
// The servers and threshold of Shamir tasks, the share-sums their servers post each round, the servers' bonds and the
// disputes that slash a server whose share-sum is not the sum of what its clients committed to it. Deployed by
// FedmashCoordinator in its constructor, which alone configures tasks; it reads round phases and submissions back from it.
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IFedmashCoordinator} from "./interfaces/IFedmashCoordinator.sol";
import {IFedmashRegistry} from "./interfaces/IFedmashRegistry.sol";
import {IFedmashShamir} from "./interfaces/IFedmashShamir.sol";
import {IFedmashVerifier} from "./interfaces/IFedmashVerifier.sol";
import {AggregateFraudProof} from "./libraries/AggregateFraudProof.sol";

/// @title FedmashShamir
/// @notice See {IFedmashShamir}.
/// @dev Every wei the contract holds is a server's bond, a credit owed to a dispute's opener, a fault's prover or an
/// answering server, or burned: the balance equals the bonds + the credits + {totalBurned}.
contract FedmashShamir is IFedmashShamir, ReentrancyGuard {
    /// @inheritdoc IFedmashShamir
    uint256 public constant MAX_SERVERS = 16;
    /// @inheritdoc IFedmashShamir
    uint256 public constant MIN_SERVER_BOND = 0.01 ether;
    /// @inheritdoc IFedmashShamir
    uint64 public constant MIN_DISPUTE_STEP = 600;
    /// @inheritdoc IFedmashShamir
    uint256 public constant CLIENTS_PER_STEP = 256;
    /// @dev p = 2^31 - 1, the Shamir field (workers/crypto/shamir/shamirField.ts).
    uint256 private constant _P = 2 ** 31 - 1;
    /// @dev Share and share-sum values are field elements, 8 bytes each in the vector Merkle tree.
    uint256 private constant _WIDTH = AggregateFraudProof.NARROW_WIDTH;
    uint256 private constant _LEAF_VALUES = AggregateFraudProof.LEAF_VALUES;

    /// @dev A task's servers; `slotOf` is 1 + the server's index, 0 for anyone else, so membership is one read.
    struct TaskServers {
        address[] servers;
        uint32 threshold;
        uint256 serverBond;
        mapping(address account => uint256) slotOf;
    }

    struct ServerBond {
        uint256 amount;
        uint64 lockedUntil;
        uint256 pendingDisputes;
    }

    struct RoundShares {
        uint32 count;
        uint32 modelSize;
        uint64 step;
        uint64 disputeUntil;
        // When no dispute of the round can open or wait any more: disputeUntil + the longest answer window.
        uint64 releaseAt;
        bool clientFault;
        uint16 slashedMask;
        // The answer window of a dispute with the task's maxClients, the longest any dispute of the round waits.
        uint64 longestAnswerWindow;
        mapping(address client => bool) faulty;
        mapping(address server => ShareSum) sums;
        ShareDispute dispute;
        // Each pending server's answer so far: the next included client to open and the leaf's partial sums mod p.
        mapping(uint256 serverIndex => AnswerProgress) progress;
    }

    /// @dev What every client opening of one answer batch is checked against.
    struct BatchContext {
        uint256 roundId;
        uint256 first;
        uint256 serverIndex;
        uint256 serverCount;
        uint256 leafIndex;
        uint256 depth;
    }

    struct AnswerProgress {
        uint32 next;
        uint32[16] sums;
    }

    IFedmashCoordinator private immutable _coordinator;
    IFedmashRegistry private immutable _registry;
    IFedmashVerifier private immutable _verifier;

    mapping(uint256 taskId => TaskServers) private _tasks;
    mapping(uint256 roundId => RoundShares) private _rounds;
    mapping(uint256 taskId => mapping(address server => ServerBond)) private _bonds;
    mapping(address account => uint256) private _credits;
    uint256 private _totalBurned;

    modifier onlyCoordinator() {
        if (msg.sender != address(_coordinator)) revert ShamirNotCoordinator(msg.sender);
        _;
    }

    /// @dev The deployer is the coordinator: FedmashCoordinator creates this contract in its own constructor, so no
    /// other account can ever configure a task.
    /// @param registry_ The registry the coordinator reads, where servers hold `Role.Server`.
    /// @param verifier_ The coordinator's verifier, which holds the clients' stakes.
    constructor(IFedmashRegistry registry_, IFedmashVerifier verifier_) {
        if (address(registry_).code.length == 0) revert ShamirInvalidRegistry(address(registry_));
        _coordinator = IFedmashCoordinator(msg.sender);
        _registry = registry_;
        _verifier = verifier_;
    }

    /// @dev Only the verifier pays in: a forfeited stake, which {proveClientFault} shares out at once.
    receive() external payable {
        if (msg.sender != address(_verifier)) revert ShamirNotVerifier(msg.sender);
    }

    /// @inheritdoc IFedmashShamir
    function postShareSum(uint256 roundId, string calldata cid, bytes32 contentHash) external {
        // Reverts CoordinatorUnknownRound for an id no round has.
        (uint256 taskId, IFedmashCoordinator.Mode mode, IFedmashCoordinator.Phase phase, uint64 deadline) = _coordinator
            .roundStatus(roundId);
        if (mode != IFedmashCoordinator.Mode.Shamir) revert ShamirUnknownRound(roundId);
        uint256 slot = _tasks[taskId].slotOf[msg.sender];
        if (slot == 0) revert ShamirNotTaskServer(roundId, msg.sender);
        RoundShares storage shares = _rounds[roundId];
        ShareSum storage entry = shares.sums[msg.sender];
        if (entry.posted) revert ShamirShareSumAlreadyPosted(roundId, msg.sender);
        if (phase != IFedmashCoordinator.Phase.Aggregation) revert ShamirWrongPhase(roundId, phase);
        // As in the coordinator: a phase's actions are accepted up to and including its deadline.
        if (block.timestamp > deadline) revert ShamirDeadlinePassed(roundId, deadline);
        if (bytes(cid).length == 0) revert ShamirEmptyCid();
        _lockBond(taskId, shares, deadline);

        // slot <= MAX_SERVERS, so the index fits.
        uint32 serverIndex = uint32(slot - 1);
        entry.cid = cid;
        entry.contentHash = contentHash;
        entry.serverIndex = serverIndex;
        entry.posted = true;
        uint32 count = shares.count + 1;
        shares.count = count;
        emit ShareSumPosted(roundId, msg.sender, serverIndex, cid, contentHash, count);
    }

    /// @inheritdoc IFedmashShamir
    function setServerBond(uint256 taskId, uint256 amount) external {
        IFedmashCoordinator.TaskView memory owned = _coordinator.task(taskId);
        if (msg.sender != owned.owner) revert ShamirNotTaskOwner(taskId, msg.sender);
        if (owned.lastRoundId != 0) {
            (, , IFedmashCoordinator.Phase phase, ) = _coordinator.roundStatus(owned.lastRoundId);
            if (phase != IFedmashCoordinator.Phase.Finalized && phase != IFedmashCoordinator.Phase.Failed) {
                revert ShamirRoundInProgress(taskId, owned.lastRoundId);
            }
        }
        if (amount < MIN_SERVER_BOND) revert ShamirServerBondTooSmall(amount, MIN_SERVER_BOND);
        _tasks[taskId].serverBond = amount;
        emit ServerBondSet(taskId, amount);
    }

    /// @inheritdoc IFedmashShamir
    function depositServerBond(uint256 taskId) external payable {
        if (_tasks[taskId].slotOf[msg.sender] == 0) revert ShamirNotServerOfTask(taskId, msg.sender);
        if (msg.value == 0) revert ShamirZeroAmount();
        ServerBond storage bond = _bonds[taskId][msg.sender];
        bond.amount += msg.value;
        emit ServerBondDeposited(taskId, msg.sender, msg.value, bond.amount);
    }

    /// @inheritdoc IFedmashShamir
    function withdrawServerBond(uint256 taskId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ShamirZeroAmount();
        ServerBond storage bond = _bonds[taskId][msg.sender];
        if (block.timestamp <= bond.lockedUntil || bond.pendingDisputes != 0) {
            revert ShamirServerBondLocked(taskId, msg.sender, bond.lockedUntil, bond.pendingDisputes);
        }
        if (amount > bond.amount) revert ShamirInsufficientFunds(amount, bond.amount);
        bond.amount -= amount;
        emit ServerBondWithdrawn(taskId, msg.sender, amount, bond.amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashShamir
    function withdrawCredit() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert ShamirZeroAmount();
        _credits[msg.sender] = 0;
        emit CreditWithdrawn(msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc IFedmashShamir
    function openShareDispute(uint256 roundId, uint256 leafIndex, SumOpening[] calldata openings) external {
        uint256 taskId = _shamirTask(roundId);
        RoundShares storage shares = _rounds[roundId];
        if (shares.dispute.open) revert ShamirDisputeAlreadyOpen(roundId);
        if (shares.clientFault) revert ShamirClientFaultProven(roundId);
        if (block.timestamp > shares.disputeUntil) revert ShamirDisputePeriodOver(roundId, shares.disputeUntil);
        TaskServers storage task = _tasks[taskId];
        uint16 liveMask = _liveServers(task, shares);
        if (openings.length <= task.threshold) revert ShamirTooFewShareSums(roundId, openings.length, task.threshold);
        (uint256[] memory xs, uint256[16][] memory ys) = _openSums(task.servers, shares, liveMask, leafIndex, openings);
        if (!_offPolynomial(xs, ys, task.threshold)) revert ShamirShareSumsConsistent(roundId, leafIndex);

        // Every live server answers, the ones not opened too: a withheld share-sum payload cannot shield a server.
        // One step per CLIENTS_PER_STEP included clients (a Shamir round includes exactly its submitters): every live
        // server sends an answer batch per 64 of them.
        uint64 deadline = uint64(block.timestamp) + _answerWindow(shares.step, _coordinator.round(roundId).submittedCount);
        shares.dispute = ShareDispute({
            opener: msg.sender,
            deadline: deadline,
            leafIndex: uint32(leafIndex),
            pending: liveMask,
            slashed: 0,
            answered: 0,
            open: true
        });
        for (uint256 index = 0; index < task.servers.length; ++index) {
            if ((liveMask >> index) & 1 == 0) continue;
            ++_bonds[taskId][task.servers[index]].pendingDisputes;
            delete shares.progress[index];
        }
        emit ShareDisputeOpened(roundId, msg.sender, uint32(leafIndex), liveMask, deadline);
    }

    /// @inheritdoc IFedmashShamir
    function answerShareDispute(
        uint256 roundId,
        SumOpening calldata sum,
        ClientShareOpening[] calldata clients
    ) external {
        RoundShares storage shares = _rounds[roundId];
        ShareDispute storage dispute = shares.dispute;
        if (!dispute.open) revert ShamirNoOpenDispute(roundId);
        (uint256 taskId, , , ) = _coordinator.roundStatus(roundId);
        uint256 slot = _tasks[taskId].slotOf[msg.sender];
        if (slot == 0 || (dispute.pending >> (slot - 1)) & 1 == 0) revert ShamirNotPendingServer(roundId, msg.sender);
        if (block.timestamp > dispute.deadline) revert ShamirDisputeAnswerLate(roundId, dispute.deadline);
        uint256 serverIndex = slot - 1;
        (bool done, uint32[16] memory sums) = _addClientShares(roundId, taskId, shares, serverIndex, clients);
        emit ShareDisputeBatchAnswered(roundId, msg.sender, shares.progress[serverIndex].next);
        if (!done) return;

        // The last batch: the server's own leaf, opened against its commitment, must be what its clients' leaves sum to.
        _checkSumOpening(
            type(uint256).max,
            sum,
            dispute.leafIndex,
            _depthFor(shares.modelSize, dispute.leafIndex),
            shares.sums[msg.sender].contentHash
        );
        bool consistent = true;
        for (uint256 index = 0; index < _LEAF_VALUES; ++index) {
            if (AggregateFraudProof.valueAt(sum.values, index, _WIDTH) != sums[index]) consistent = false;
        }
        dispute.pending &= ~uint16(1 << serverIndex);
        dispute.answered |= uint16(1 << serverIndex);
        --_bonds[taskId][msg.sender].pendingDisputes;
        emit ShareDisputeAnswered(roundId, msg.sender, consistent);
        if (!consistent) _slashServer(roundId, taskId, shares, msg.sender, serverIndex, SlashReason.WrongShareSum);
        if (dispute.pending == 0) _closeDispute(roundId, taskId, shares);
    }

    /// @inheritdoc IFedmashShamir
    function closeShareDispute(uint256 roundId) external {
        RoundShares storage shares = _rounds[roundId];
        ShareDispute storage dispute = shares.dispute;
        if (!dispute.open) revert ShamirNoOpenDispute(roundId);
        if (block.timestamp <= dispute.deadline) revert ShamirDisputeNotExpired(roundId, dispute.deadline);
        (uint256 taskId, , , ) = _coordinator.roundStatus(roundId);
        address[] storage list = _tasks[taskId].servers;
        uint16 pending = dispute.pending;
        dispute.pending = 0;
        for (uint256 index = 0; index < list.length; ++index) {
            if ((pending >> index) & 1 == 0) continue;
            --_bonds[taskId][list[index]].pendingDisputes;
            _slashServer(roundId, taskId, shares, list[index], index, SlashReason.NoAnswer);
        }
        _closeDispute(roundId, taskId, shares);
    }

    /// @inheritdoc IFedmashShamir
    function proveClientFault(uint256 roundId, address client, ClientFaultProof calldata proof) external nonReentrant {
        uint256 taskId = _shamirTask(roundId);
        RoundShares storage shares = _rounds[roundId];
        // Only the dispute that ended in a client fault published the shares, at its leaf: the proof must be of that
        // leaf, after that dispute (so every live server answered, and its answers are what the servers' half pays).
        if (!shares.clientFault) revert ShamirNoClientFaultDispute(roundId);
        if (proof.leafIndex != shares.dispute.leafIndex) {
            revert ShamirNotDisputedLeaf(roundId, proof.leafIndex, shares.dispute.leafIndex);
        }
        if (shares.faulty[client]) revert ShamirClientFaultAlreadyProven(roundId, client);
        uint64 until = _faultProofUntil(shares);
        if (block.timestamp > until) revert ShamirFaultProofPeriodOver(roundId, until);
        TaskServers storage task = _tasks[taskId];
        _checkClientCommitment(roundId, client, 0, proof.manifestHash, proof.shareRoots, task.servers.length);
        if (proof.leaves.length <= task.threshold) revert ShamirTooFewClientShares(proof.leaves.length, task.threshold);
        // A client fault needs a dispute, so the round's first share-sum has set its model size.
        uint256 depth = _depthFor(shares.modelSize, proof.leafIndex);
        (uint256[] memory xs, uint256[16][] memory ys) = _openClientShares(proof, depth);
        if (!_offPolynomial(xs, ys, task.threshold)) revert ShamirClientSharesConsistent(roundId, client, proof.leafIndex);

        shares.faulty[client] = true;
        uint256 amount = _verifier.forfeitStake(taskId, client);
        (uint256 toProver, uint256 toServers) = _shareForfeit(shares, task.servers, amount);
        emit ClientFaultProven(roundId, client, msg.sender, proof.leafIndex, amount, toProver, toServers);
    }

    /// @inheritdoc IFedmashShamir
    function configureServers(
        uint256 taskId,
        address[] calldata taskServers,
        uint32 taskThreshold
    ) external onlyCoordinator {
        uint256 count = taskServers.length;
        if (count > MAX_SERVERS) revert ShamirTooManyServers(count, MAX_SERVERS);
        // A threshold of 1 would hand each server every client's update in the clear.
        if (taskThreshold < 2 || taskThreshold > count) revert ShamirInvalidThreshold(taskThreshold, count);
        TaskServers storage task = _tasks[taskId];
        for (uint256 index = 0; index < count; ++index) {
            address server = taskServers[index];
            if (!_registry.isActive(server, IFedmashRegistry.Role.Server)) revert ShamirNotServer(server);
            if (task.slotOf[server] != 0) revert ShamirDuplicateServer(server);
            task.slotOf[server] = index + 1;
        }
        task.servers = taskServers;
        task.threshold = taskThreshold;
        emit ServersConfigured(taskId, taskServers, taskThreshold);
    }

    /// @inheritdoc IFedmashShamir
    function servers(uint256 taskId) external view returns (address[] memory) {
        return _tasks[taskId].servers;
    }

    /// @inheritdoc IFedmashShamir
    function threshold(uint256 taskId) external view returns (uint32) {
        return _tasks[taskId].threshold;
    }

    /// @inheritdoc IFedmashShamir
    function serverIndexOf(uint256 taskId, address account) external view returns (bool isServer, uint32 serverIndex) {
        uint256 slot = _tasks[taskId].slotOf[account];
        if (slot == 0) return (false, 0);
        return (true, uint32(slot - 1));
    }

    /// @inheritdoc IFedmashShamir
    function shareSum(uint256 roundId, address server) external view returns (ShareSum memory) {
        return _rounds[roundId].sums[server];
    }

    /// @inheritdoc IFedmashShamir
    function shareSumCount(uint256 roundId) external view returns (uint32) {
        return _rounds[roundId].count;
    }

    /// @inheritdoc IFedmashShamir
    function coordinator() external view returns (IFedmashCoordinator) {
        return _coordinator;
    }

    /// @inheritdoc IFedmashShamir
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IFedmashShamir
    function serverBondOf(uint256 taskId) external view returns (uint256) {
        return _requiredBond(_tasks[taskId]);
    }

    /// @inheritdoc IFedmashShamir
    function bondOf(
        uint256 taskId,
        address server
    ) external view returns (uint256 bond, uint64 lockedUntil, uint256 pendingDisputes) {
        ServerBond storage entry = _bonds[taskId][server];
        return (entry.amount, entry.lockedUntil, entry.pendingDisputes);
    }

    /// @inheritdoc IFedmashShamir
    function shareDispute(uint256 roundId) external view returns (ShareDispute memory dispute, bool clientFault) {
        RoundShares storage shares = _rounds[roundId];
        return (shares.dispute, shares.clientFault);
    }

    /// @inheritdoc IFedmashShamir
    function disputeWindow(uint256 roundId) external view returns (uint64 openUntil, uint64 releaseAt) {
        RoundShares storage shares = _rounds[roundId];
        return (shares.disputeUntil, shares.releaseAt);
    }

    /// @inheritdoc IFedmashShamir
    function faultProofUntil(uint256 roundId) external view returns (uint64) {
        return _faultProofUntil(_rounds[roundId]);
    }

    /// @inheritdoc IFedmashShamir
    function isFaultyClient(uint256 roundId, address client) external view returns (bool) {
        return _rounds[roundId].faulty[client];
    }

    /// @inheritdoc IFedmashShamir
    function answerProgress(uint256 roundId, uint256 serverIndex) external view returns (uint32) {
        return _rounds[roundId].progress[serverIndex].next;
    }

    /// @inheritdoc IFedmashShamir
    function isSlashed(uint256 roundId, address server) external view returns (bool) {
        RoundShares storage shares = _rounds[roundId];
        ShareSum storage entry = shares.sums[server];
        return entry.posted && (shares.slashedMask >> entry.serverIndex) & 1 == 1;
    }

    /// @inheritdoc IFedmashShamir
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IFedmashShamir
    function totalBurned() external view returns (uint256) {
        return _totalBurned;
    }

    /// @dev Checks that the posting server's bond covers the task's and locks it until no dispute of this round's
    /// share-sums can open or wait; the first share-sum of a round fixes the round's dispute step, model size and period.
    function _lockBond(uint256 taskId, RoundShares storage shares, uint64 aggregationDeadline) private {
        ServerBond storage bond = _bonds[taskId][msg.sender];
        uint256 required = _requiredBond(_tasks[taskId]);
        if (bond.amount < required) revert ShamirServerBondShort(taskId, msg.sender, bond.amount, required);
        if (shares.step == 0) {
            IFedmashCoordinator.TaskConfig memory config = _coordinator.task(taskId).config;
            // A step long enough to answer even when the task's phases are short (a short window would let whoever
            // can delay a few blocks make an honest server miss it).
            uint64 step = config.aggregateDuration < MIN_DISPUTE_STEP ? MIN_DISPUTE_STEP : config.aggregateDuration;
            shares.step = step;
            shares.modelSize = config.modelSize;
            shares.disputeUntil = aggregationDeadline + step;
            // A dispute may open until disputeUntil and waits at most its answer window, bounded by maxClients.
            uint64 longest = _answerWindow(step, config.maxClients);
            shares.longestAnswerWindow = longest;
            shares.releaseAt = shares.disputeUntil + longest;
        }
        if (bond.lockedUntil < shares.releaseAt) bond.lockedUntil = shares.releaseAt;
    }

    /// @dev How long a dispute waits for its answers: one step per CLIENTS_PER_STEP clients (rounded up).
    function _answerWindow(uint64 step, uint256 clients) private pure returns (uint64) {
        return step * uint64((clients + CLIENTS_PER_STEP - 1) / CLIENTS_PER_STEP);
    }

    /// @dev The task of a Shamir round; reverts ShamirUnknownRound for a round of another mode.
    function _shamirTask(uint256 roundId) private view returns (uint256 taskId) {
        IFedmashCoordinator.Mode mode;
        (taskId, mode, , ) = _coordinator.roundStatus(roundId);
        if (mode != IFedmashCoordinator.Mode.Shamir) revert ShamirUnknownRound(roundId);
    }

    /// @dev What a server of the task must hold: the owner's bond, at least MIN_SERVER_BOND.
    function _requiredBond(TaskServers storage task) private view returns (uint256) {
        return task.serverBond < MIN_SERVER_BOND ? MIN_SERVER_BOND : task.serverBond;
    }

    /// @dev The servers whose share-sum is posted and not slashed, as a mask by index.
    function _liveServers(TaskServers storage task, RoundShares storage shares) private view returns (uint16 mask) {
        for (uint256 index = 0; index < task.servers.length; ++index) {
            if (!shares.sums[task.servers[index]].posted || (shares.slashedMask >> index) & 1 == 1) continue;
            mask |= uint16(1 << index);
        }
    }

    /// @dev Checks each opening against its live share-sum's commitment (openings name their servers, in increasing
    /// index) and returns the points: x = server index + 1, y = the leaf's 16 values.
    function _openSums(
        address[] storage taskServers,
        RoundShares storage shares,
        uint16 liveMask,
        uint256 leafIndex,
        SumOpening[] calldata openings
    ) private view returns (uint256[] memory xs, uint256[16][] memory ys) {
        xs = new uint256[](openings.length);
        ys = new uint256[16][](openings.length);
        uint256 depth = _depthFor(shares.modelSize, leafIndex);
        for (uint256 opened = 0; opened < openings.length; ++opened) {
            uint256 index = openings[opened].serverIndex;
            // Increasing indices, each a live server's: no share-sum twice, none slashed or missing.
            if (index >= taskServers.length || (liveMask >> index) & 1 == 0 || (opened > 0 && index < xs[opened - 1])) {
                revert ShamirNotLiveShareSum(opened, index);
            }
            bytes32 commitment = shares.sums[taskServers[index]].contentHash;
            _checkSumOpening(opened, openings[opened], leafIndex, depth, commitment);
            xs[opened] = index + 1;
            ys[opened] = _leafValues(openings[opened].values);
        }
    }

    /// @dev Reverts unless `opening` is leaf `leafIndex` of the share-sum committed as `commitment`.
    function _checkSumOpening(
        uint256 index,
        SumOpening calldata opening,
        uint256 leafIndex,
        uint256 depth,
        bytes32 commitment
    ) private pure {
        bytes32 root = _leafRoot(index, opening.values, opening.proof, leafIndex, depth);
        if (root != opening.root) revert ShamirOpeningMismatch(index, opening.root, root);
        bytes32 opened = keccak256(abi.encodePacked(opening.payloadHash, root));
        if (opened != commitment) revert ShamirOpeningMismatch(index, commitment, opened);
    }

    /// @dev Checks each of the proof's shares against the client's root for its server (increasing server order;
    /// `shareRoots` has one root per server) and returns the points: x = server index + 1, y = the leaf's 16 values.
    function _openClientShares(
        ClientFaultProof calldata proof,
        uint256 depth
    ) private pure returns (uint256[] memory xs, uint256[16][] memory ys) {
        ShareLeaf[] calldata leaves = proof.leaves;
        xs = new uint256[](leaves.length);
        ys = new uint256[16][](leaves.length);
        for (uint256 opened = 0; opened < leaves.length; ++opened) {
            uint256 index = leaves[opened].serverIndex;
            if (index >= proof.shareRoots.length || (opened > 0 && index < xs[opened - 1])) {
                revert ShamirSharesOutOfOrder(opened, index);
            }
            bytes32 root = _leafRoot(opened, leaves[opened].values, leaves[opened].proof, proof.leafIndex, depth);
            if (root != proof.shareRoots[index]) revert ShamirOpeningMismatch(opened, proof.shareRoots[index], root);
            xs[opened] = index + 1;
            ys[opened] = _leafValues(leaves[opened].values);
        }
    }

    /// @dev The 16 values of a leaf of width-8 values.
    function _leafValues(bytes calldata values) private pure returns (uint256[16] memory out) {
        for (uint256 slot = 0; slot < _LEAF_VALUES; ++slot) {
            out[slot] = AggregateFraudProof.valueAt(values, slot, _WIDTH);
        }
    }

    /// @dev The tree depth for a vector of `modelSize` values; reverts ShamirLeafOutOfRange past its last leaf.
    function _depthFor(uint256 modelSize, uint256 leafIndex) private pure returns (uint256 depth) {
        uint256 leafCount;
        (leafCount, depth) = AggregateFraudProof.shape(modelSize);
        if (leafIndex >= leafCount) revert ShamirLeafOutOfRange(leafIndex, leafCount);
    }

    /// @dev The root that leaf `leafIndex` with `values` and `proof` hashes to (the vector Merkle tree, width 8).
    function _leafRoot(
        uint256 index,
        bytes calldata values,
        bytes32[] calldata proof,
        uint256 leafIndex,
        uint256 depth
    ) private pure returns (bytes32 node) {
        if (values.length != _LEAF_VALUES * _WIDTH || proof.length != depth) {
            revert ShamirMalformedOpening(index, values.length, proof.length);
        }
        return AggregateFraudProof.leafRoot(values, proof, leafIndex);
    }

    /// @dev Adds the next batch of included clients' committed shares of the disputed leaf (for server `serverIndex`)
    /// to its partial sums mod p; `done` once every included client is in, with the sums.
    function _addClientShares(
        uint256 roundId,
        uint256 taskId,
        RoundShares storage shares,
        uint256 serverIndex,
        ClientShareOpening[] calldata clients
    ) private returns (bool done, uint32[16] memory sums) {
        address[] memory included = _coordinator.includedClients(roundId);
        uint256 first = shares.progress[serverIndex].next;
        if (clients.length == 0 || first + clients.length > included.length) {
            revert ShamirWrongClientCount(first + clients.length, included.length);
        }
        sums = shares.progress[serverIndex].sums;
        (, uint256 depth) = AggregateFraudProof.shape(shares.modelSize);
        BatchContext memory context = BatchContext({
            roundId: roundId,
            first: first,
            serverIndex: serverIndex,
            serverCount: _tasks[taskId].servers.length,
            leafIndex: shares.dispute.leafIndex,
            depth: depth
        });
        _addBatch(context, included, clients, sums);
        done = first + clients.length == included.length;
        shares.progress[serverIndex].next = uint32(first + clients.length);
        shares.progress[serverIndex].sums = sums;
    }

    /// @dev Checks each client's opening against its commitment and adds its leaf's values to `sums` mod p.
    function _addBatch(
        BatchContext memory context,
        address[] memory included,
        ClientShareOpening[] calldata clients,
        uint32[16] memory sums
    ) private view {
        for (uint256 index = 0; index < clients.length; ++index) {
            ClientShareOpening calldata opening = clients[index];
            uint256 position = context.first + index;
            _checkClientCommitment(
                context.roundId,
                included[position],
                position,
                opening.manifestHash,
                opening.shareRoots,
                context.serverCount
            );
            bytes32 root = _leafRoot(position, opening.values, opening.proof, context.leafIndex, context.depth);
            if (root != opening.shareRoots[context.serverIndex]) {
                revert ShamirOpeningMismatch(position, opening.shareRoots[context.serverIndex], root);
            }
            for (uint256 slot = 0; slot < _LEAF_VALUES; ++slot) {
                sums[slot] = uint32(addmod(sums[slot], AggregateFraudProof.valueAt(opening.values, slot, _WIDTH), _P));
            }
        }
    }

    /// @dev Reverts unless `shareRoots` are n share roots whose hash, with `manifestHash`, is what `client` submitted
    /// (the `position`-th included client, for the error).
    function _checkClientCommitment(
        uint256 roundId,
        address client,
        uint256 position,
        bytes32 manifestHash,
        bytes32[] calldata shareRoots,
        uint256 serverCount
    ) private view {
        if (shareRoots.length != serverCount) revert ShamirWrongShareRootCount(position, shareRoots.length, serverCount);
        bytes32 submitted = _coordinator.submission(roundId, client).contentHash;
        bytes32 commitment = keccak256(abi.encodePacked(manifestHash, keccak256(abi.encodePacked(shareRoots))));
        if (commitment != submitted) revert ShamirOpeningMismatch(position, submitted, commitment);
    }

    /// @dev True when some value is not a field element, or some point past the first `basisCount` is off the
    /// polynomial of degree basisCount - 1 through them (Lagrange, x_a = server index + 1), in any of the 16 slots.
    function _offPolynomial(
        uint256[] memory xs,
        uint256[16][] memory ys,
        uint256 basisCount
    ) private pure returns (bool) {
        for (uint256 point = 0; point < xs.length; ++point) {
            for (uint256 slot = 0; slot < _LEAF_VALUES; ++slot) {
                if (ys[point][slot] >= _P) return true;
            }
        }
        for (uint256 point = basisCount; point < xs.length; ++point) {
            uint256[] memory weights = new uint256[](basisCount);
            for (uint256 basis = 0; basis < basisCount; ++basis) {
                uint256 numerator = 1;
                uint256 denominator = 1;
                for (uint256 other = 0; other < basisCount; ++other) {
                    if (other == basis) continue;
                    numerator = mulmod(numerator, (xs[point] + _P - xs[other]) % _P, _P);
                    denominator = mulmod(denominator, (xs[basis] + _P - xs[other]) % _P, _P);
                }
                weights[basis] = mulmod(numerator, _inverse(denominator), _P);
            }
            for (uint256 slot = 0; slot < _LEAF_VALUES; ++slot) {
                uint256 predicted = 0;
                for (uint256 basis = 0; basis < basisCount; ++basis) {
                    predicted = addmod(predicted, mulmod(weights[basis], ys[basis][slot], _P), _P);
                }
                if (predicted != ys[point][slot]) return true;
            }
        }
        return false;
    }

    /// @dev a^(p-2) mod p (Fermat), for 0 < a < p.
    function _inverse(uint256 a) private pure returns (uint256 result) {
        result = 1;
        uint256 exponent = _P - 2;
        while (exponent != 0) {
            if (exponent & 1 == 1) result = mulmod(result, a, _P);
            a = mulmod(a, a, _P);
            exponent >>= 1;
        }
    }

    /// @dev Takes the server's whole bond for the task: half to the dispute's opener, the rest burned; its share-sum
    /// stops counting in disputes.
    function _slashServer(
        uint256 roundId,
        uint256 taskId,
        RoundShares storage shares,
        address server,
        uint256 serverIndex,
        SlashReason reason
    ) private {
        ServerBond storage bond = _bonds[taskId][server];
        uint256 amount = bond.amount;
        bond.amount = 0;
        uint256 toOpener = amount / 2;
        _credits[shares.dispute.opener] += toOpener;
        _totalBurned += amount - toOpener;
        shares.slashedMask |= uint16(1 << serverIndex);
        shares.dispute.slashed |= uint16(1 << serverIndex);
        emit ServerSlashed(roundId, server, reason, amount, toOpener);
    }

    /// @dev Ends the dispute; one that slashed nobody proves the clients' shares inconsistent and ends the round's
    /// disputes. One that slashed someone while more than t share-sums are still live gives the next dispute a step
    /// from now (a silent liar held this one open until its deadline, perhaps past the period), locking the live bonds
    /// for it; each such extension needs a new slash, so a round has at most {MAX_SERVERS} of them.
    function _closeDispute(uint256 roundId, uint256 taskId, RoundShares storage shares) private {
        ShareDispute storage dispute = shares.dispute;
        dispute.open = false;
        bool clientFault = dispute.slashed == 0;
        if (clientFault) {
            shares.clientFault = true;
        } else {
            _extendDisputePeriod(roundId, taskId, shares);
        }
        emit ShareDisputeClosed(roundId, dispute.leafIndex, dispute.slashed, clientFault);
    }

    /// @dev See {_closeDispute}.
    function _extendDisputePeriod(uint256 roundId, uint256 taskId, RoundShares storage shares) private {
        TaskServers storage task = _tasks[taskId];
        uint16 liveMask = _liveServers(task, shares);
        uint256 live = _bitCount(liveMask);
        // From when the dispute ended, not when someone closed it: a late close must not reopen a finished round.
        uint64 ended = shares.dispute.deadline < block.timestamp ? shares.dispute.deadline : uint64(block.timestamp);
        uint64 until = ended + shares.step;
        if (live <= task.threshold || until <= shares.disputeUntil) return;
        shares.disputeUntil = until;
        uint64 releaseAt = until + shares.longestAnswerWindow;
        shares.releaseAt = releaseAt;
        for (uint256 index = 0; index < task.servers.length; ++index) {
            if ((liveMask >> index) & 1 == 0) continue;
            ServerBond storage bond = _bonds[taskId][task.servers[index]];
            if (bond.lockedUntil < releaseAt) bond.lockedUntil = releaseAt;
        }
        emit DisputePeriodExtended(roundId, until, releaseAt);
    }

    /// @dev How many servers a mask names (bit j: server j).
    function _bitCount(uint16 mask) private pure returns (uint256 count) {
        for (; mask != 0; mask &= mask - 1) ++count;
    }

    /// @dev When a client fault of the round can no longer be proven: one step after the last dispute could end (0
    /// before the first share-sum: no dispute, so no proof, and the round's own phases lock the stakes).
    function _faultProofUntil(RoundShares storage shares) private view returns (uint64) {
        return shares.releaseAt == 0 ? 0 : shares.releaseAt + shares.step;
    }

    /// @dev Shares out a forfeited stake: half to the prover, the rest equally to the servers whose answers to the
    /// round's last dispute (the one that ended in the client fault: every live server answered it) published the
    /// evidence and paid its gas, the division's remainder burned; credits, withdrawn with {withdrawCredit}.
    function _shareForfeit(
        RoundShares storage shares,
        address[] storage taskServers,
        uint256 amount
    ) private returns (uint256 toProver, uint256 toServers) {
        toProver = amount / 2;
        _credits[msg.sender] += toProver;
        uint16 answered = shares.dispute.answered;
        uint256 count = _bitCount(answered);
        // A dispute opens on more than t live share-sums and ends in a client fault only when all of them answered.
        uint256 each = (amount - toProver) / count;
        for (uint256 index = 0; index < taskServers.length; ++index) {
            if ((answered >> index) & 1 == 1) _credits[taskServers[index]] += each;
        }
        toServers = each * count;
        _totalBurned += amount - toProver - toServers;
    }
}
