// SPDX-License-Identifier: MIT
// Tasks and rounds of fedmash. Thin on purpose: it resolves ids, checks who may act (owner, registry roles,
// the task's aggregator), leaves the per-round state machine to RoundLib, the Verification phase of Mash and Shamir
// rounds, with its money, to the FedmashVerifier its factory deploys, and the servers, share-sums and server bonds of
// Shamir tasks to the FedmashShamir it deploys.
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFedmashCoordinator} from "./interfaces/IFedmashCoordinator.sol";
import {IFedmashRegistry} from "./interfaces/IFedmashRegistry.sol";
import {IFedmashShamir} from "./interfaces/IFedmashShamir.sol";
import {IFedmashVerifier} from "./interfaces/IFedmashVerifier.sol";
import {FedmashShamir} from "./FedmashShamir.sol";
import {IFedmashVerifierFactory} from "./interfaces/IFedmashVerifierFactory.sol";
import {RoundLib} from "./libraries/RoundLib.sol";

/// @title FedmashCoordinator
/// @notice See {IFedmashCoordinator}.
contract FedmashCoordinator is IFedmashCoordinator {
    using RoundLib for RoundLib.Round;

    /// @dev Caps every phase so that `now + duration` cannot overflow a uint64 deadline.
    uint64 private constant _MAX_PHASE_DURATION = 365 days;

    /// @dev Groups of one would hand the holder a member's seed, groups of two each member the other's (see
    /// {GroupingLib-MIN_GROUP_MEMBERS}), and larger ones cost every later member more onion layers.
    uint32 private constant _MIN_GROUP_SIZE = 3;
    uint32 private constant _MAX_GROUP_SIZE = 16;

    /// @dev A holder plus one group of the smallest size.
    uint32 private constant _MIN_MASH_CLIENTS = 4;

    /// @dev The fewest updates a secure round may sum: with two, each client could subtract its own update from the
    /// published sum and learn the other's.
    uint32 private constant _MIN_INCLUDED = 3;

    /// @dev The ring-LWR mask group decodes a sum of at most 2048 masked vectors, the holder's included.
    uint32 private constant _MAX_RLWR_CLIENTS = 2047;

    /// @dev The ring-LWR mask group decodes a sum Σg exactly only while |Σg| <= 2^28 - 1 (docs/MASKING.md, "Supported
    /// bounds"): past it B·Σg wraps around p and the decoded sum is off by a multiple of 2^29.
    uint256 private constant _MAX_RLWR_AGGREGATE_BOUND = 2 ** 28 - 1;

    /// @inheritdoc IFedmashCoordinator
    uint256 public constant MAX_MASH_CLIENTS = 1024;

    IFedmashRegistry private immutable _registry;
    IFedmashVerifier private immutable _verifier;
    IFedmashShamir private immutable _shamir;

    uint256 private _taskCount;
    uint256 private _roundCount;
    // Stored in the shape the view returns: a task holds no mapping, so the view is a plain copy.
    mapping(uint256 taskId => TaskView) private _tasks;
    mapping(uint256 roundId => RoundLib.Round) private _rounds;
    // keccak256 of every model a secure task may train on: its initial model and each finalized round's new model.
    mapping(uint256 taskId => mapping(bytes32 modelCidHash => bool)) private _chainModels;

    /// @param registry_ The participant registry to check roles against.
    /// @param verifierFactory Deploys this coordinator's verifier ({IFedmashVerifierFactory}).
    constructor(IFedmashRegistry registry_, IFedmashVerifierFactory verifierFactory) {
        if (address(registry_).code.length == 0) revert CoordinatorInvalidRegistry(address(registry_));
        _registry = registry_;
        // Deployed for this contract, so the verifier's coordinator is this contract and nobody else can drive its hooks.
        _verifier = verifierFactory.deploy();
        // A factory that hands back someone else's verifier would leave this coordinator unable to drive the rounds.
        if (address(_verifier.coordinator()) != address(this)) revert CoordinatorInvalidVerifier(address(_verifier));
        _shamir = new FedmashShamir(registry_, _verifier);
    }

    /// @inheritdoc IFedmashCoordinator
    function createTask(TaskConfig calldata config, string calldata initialModelCid) external returns (uint256 taskId) {
        if (config.mode == Mode.Shamir) revert CoordinatorModeUnsupported(config.mode);
        return _createTask(config, initialModelCid);
    }

    /// @inheritdoc IFedmashCoordinator
    function createShamirTask(
        TaskConfig calldata config,
        string calldata initialModelCid,
        address[] calldata servers,
        uint32 threshold
    ) external returns (uint256 taskId) {
        if (config.mode != Mode.Shamir) revert CoordinatorInvalidConfig("mode is not Shamir");
        taskId = _createTask(config, initialModelCid);
        _shamir.configureServers(taskId, servers, threshold);
    }

    /// @inheritdoc IFedmashCoordinator
    function openRound(uint256 taskId, string calldata modelCid) external returns (uint256 roundId) {
        TaskView storage owned = _existingTask(taskId);
        if (msg.sender != owned.owner) revert CoordinatorNotTaskOwner(taskId, msg.sender);
        if (owned.lastRoundId != 0 && !_rounds[owned.lastRoundId].isTerminal()) {
            revert CoordinatorRoundInProgress(taskId, owned.lastRoundId);
        }
        if (!_registry.isActive(owned.config.aggregator, IFedmashRegistry.Role.Aggregator)) {
            revert CoordinatorNotAggregator(owned.config.aggregator);
        }
        // Secure modes train only on the initial model or one a verified round produced: any of them, not only the
        // latest, so that clients refusing a finalized round's model (its CID is not what parent + sum gives) can go
        // on from the model before it. An empty CID is RoundLib's error.
        if (
            owned.config.mode != Mode.Plain &&
            bytes(modelCid).length != 0 &&
            !_chainModels[taskId][keccak256(bytes(modelCid))]
        ) {
            revert CoordinatorModelNotCurrent(taskId, modelCid, owned.currentModelCid);
        }

        roundId = ++_roundCount;
        uint256 index = ++owned.roundCount;
        owned.lastRoundId = roundId;
        _rounds[roundId].open(roundId, taskId, SafeCast.toUint32(index), owned.config, modelCid);
        // Reverts the opening when the pool cannot cover the round's rewards.
        if (owned.config.mode != Mode.Plain) {
            _verifier.onRoundOpened(taskId, roundId, owned.config.aggregator, owned.config.maxClients);
        }
    }

    /// @inheritdoc IFedmashCoordinator
    function join(uint256 roundId) external {
        RoundLib.Round storage target = _existingRound(roundId);
        if (!_registry.isActive(msg.sender, IFedmashRegistry.Role.Client)) revert CoordinatorNotClient(msg.sender);
        _verifier.admit(target.taskId, msg.sender);
        target.join(roundId, msg.sender, _tasks[target.taskId].config);
        _releaseIfFailed(target, roundId);
    }

    /// @inheritdoc IFedmashCoordinator
    function submitUpdate(
        uint256 roundId,
        string calldata cid,
        bytes32 contentHash,
        uint64 numSamples,
        uint256 loss
    ) external {
        RoundLib.Round storage target = _existingRound(roundId);
        target.submit(roundId, msg.sender, cid, contentHash, numSamples, loss, _tasks[target.taskId].config);
        // A set fixed below the task's minIncluded fails the round in the submission that fixed it.
        _releaseIfFailed(target, roundId);
    }

    /// @inheritdoc IFedmashCoordinator
    function postAggregate(
        uint256 roundId,
        string calldata aggregateCid,
        string calldata modelCid,
        bytes32 aggregateHash
    ) external {
        RoundLib.Round storage target = _existingRound(roundId);
        TaskView storage owning = _tasks[target.taskId];
        if (msg.sender != owning.config.aggregator) revert CoordinatorNotAggregator(msg.sender);
        target.postAggregate(roundId, msg.sender, aggregateCid, modelCid, aggregateHash, owning.config);
        if (target.phase == Phase.Finalized) {
            owning.currentModelCid = modelCid;
        } else {
            // Checked once RoundLib accepted the phase, deadline and CIDs, so that those errors come first.
            if (target.mode == Mode.Shamir) {
                (uint32 posted, uint32 threshold) = _shareSums(target, roundId);
                if (posted < threshold) revert ShamirNotEnoughShareSums(roundId, posted, threshold);
            }
            // Verification: reverts the posting when the aggregator's bond is short. The batch sums get the
            // aggregation's duration, the commitments the submission's.
            _verifier.onAggregatePosted(
                roundId,
                aggregateHash,
                target.includedCount(),
                owning.config.aggregateDuration,
                owning.config.submitDuration
            );
        }
    }

    /// @inheritdoc IFedmashCoordinator
    function advance(uint256 roundId) external {
        RoundLib.Round storage target = _existingRound(roundId);
        bool serversMissing = false;
        if (target.mode == Mode.Shamir && target.phase == Phase.Aggregation) {
            (uint32 posted, uint32 threshold) = _shareSums(target, roundId);
            serversMissing = posted < threshold;
        }
        target.advance(roundId, _tasks[target.taskId].config, serversMissing);
        _releaseIfFailed(target, roundId);
    }

    /// @inheritdoc IFedmashCoordinator
    function cancelRound(uint256 roundId) external {
        RoundLib.Round storage target = _existingRound(roundId);
        if (msg.sender != _tasks[target.taskId].owner) revert CoordinatorNotTaskOwner(target.taskId, msg.sender);
        target.cancel(roundId);
        _releaseIfFailed(target, roundId);
    }

    /// @inheritdoc IFedmashCoordinator
    function concludeVerification(uint256 roundId, FailureReason reason) external {
        if (msg.sender != address(_verifier)) revert CoordinatorNotVerifier(msg.sender);
        RoundLib.Round storage target = _existingRound(roundId);
        target.concludeVerification(roundId, reason);
        if (target.phase == Phase.Finalized) {
            string memory modelCid = target.newModelCid;
            _tasks[target.taskId].currentModelCid = modelCid;
            _chainModels[target.taskId][keccak256(bytes(modelCid))] = true;
        }
    }

    /// @inheritdoc IFedmashCoordinator
    function postHolderKey(uint256 roundId, bytes calldata paillierPublicKey) external {
        RoundLib.Round storage target = _existingRound(roundId);
        target.postHolderKey(roundId, msg.sender, paillierPublicKey, _tasks[target.taskId].config);
    }

    /// @inheritdoc IFedmashCoordinator
    function postShuffleMessage(uint256 roundId, bytes calldata message) external {
        _existingRound(roundId).postShuffleMessage(roundId, msg.sender, message);
    }

    /// @inheritdoc IFedmashCoordinator
    function postGroupSum(uint256 roundId, bytes calldata encryptedSum) external {
        RoundLib.Round storage target = _existingRound(roundId);
        target.postGroupSum(roundId, msg.sender, encryptedSum, _tasks[target.taskId].config);
    }

    /// @inheritdoc IFedmashCoordinator
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IFedmashCoordinator
    function verifier() external view returns (address) {
        return address(_verifier);
    }

    /// @inheritdoc IFedmashCoordinator
    function shamir() external view returns (address) {
        return address(_shamir);
    }

    /// @inheritdoc IFedmashCoordinator
    function isIncluded(uint256 roundId, address account) external view returns (bool) {
        return _existingRound(roundId).isIncluded(account);
    }

    /// @inheritdoc IFedmashCoordinator
    function phase(uint256 roundId) external view returns (Phase) {
        return _existingRound(roundId).phase;
    }

    /// @inheritdoc IFedmashCoordinator
    function roundStatus(
        uint256 roundId
    ) external view returns (uint256 taskId, Mode mode, Phase currentPhase, uint64 deadline) {
        RoundLib.Round storage target = _existingRound(roundId);
        return (target.taskId, target.mode, target.phase, target.deadline);
    }

    /// @inheritdoc IFedmashCoordinator
    function task(uint256 taskId) external view returns (TaskView memory) {
        return _existingTask(taskId);
    }

    /// @inheritdoc IFedmashCoordinator
    function round(uint256 roundId) external view returns (RoundView memory) {
        return _existingRound(roundId).toView();
    }

    /// @inheritdoc IFedmashCoordinator
    function participants(uint256 roundId) external view returns (address[] memory) {
        return _existingRound(roundId).participants;
    }

    /// @inheritdoc IFedmashCoordinator
    function submission(uint256 roundId, address client) external view returns (Submission memory) {
        return _existingRound(roundId).submissions[client];
    }

    /// @inheritdoc IFedmashCoordinator
    function hasJoined(uint256 roundId, address client) external view returns (bool) {
        return _existingRound(roundId).clients[client].joined;
    }

    /// @inheritdoc IFedmashCoordinator
    function mashRound(uint256 roundId) external view returns (MashRoundView memory) {
        return _existingRound(roundId).toMashView();
    }

    /// @inheritdoc IFedmashCoordinator
    function group(uint256 roundId, uint256 groupIndex) external view returns (GroupView memory) {
        return _existingRound(roundId).toGroupView(roundId, groupIndex);
    }

    /// @inheritdoc IFedmashCoordinator
    function memberOf(
        uint256 roundId,
        address account
    ) external view returns (bool isMember, uint256 groupIndex, uint256 position) {
        return _existingRound(roundId).memberOf(account);
    }

    /// @inheritdoc IFedmashCoordinator
    function includedClients(uint256 roundId) external view returns (address[] memory) {
        return _existingRound(roundId).includedClients();
    }

    /// @inheritdoc IFedmashCoordinator
    function MAX_MESSAGE_BYTES() external pure returns (uint256) {
        return RoundLib.MAX_MESSAGE_BYTES;
    }

    /// @inheritdoc IFedmashCoordinator
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc IFedmashCoordinator
    function roundCount() external view returns (uint256) {
        return _roundCount;
    }

    /// @inheritdoc IFedmashCoordinator
    function latestRound(uint256 taskId) external view returns (uint256) {
        return _existingTask(taskId).lastRoundId;
    }

    /// @dev The body shared by {createTask} and {createShamirTask}, which check the mode first.
    function _createTask(TaskConfig calldata config, string calldata initialModelCid) private returns (uint256 taskId) {
        if (!_registry.isActive(config.aggregator, IFedmashRegistry.Role.Aggregator)) {
            revert CoordinatorNotAggregator(config.aggregator);
        }
        _validateConfig(config);
        if (config.mode == Mode.Mash) _validateMashConfig(config);
        if (config.mode == Mode.Shamir) _validateSecureConfig(config);
        if (bytes(initialModelCid).length == 0) revert CoordinatorEmptyCid();

        taskId = ++_taskCount;
        TaskView storage created = _tasks[taskId];
        created.config = config;
        // The stored config holds the floor in force, so that workers and RoundLib read one number.
        if (config.mode != Mode.Plain && config.minIncluded == 0) {
            created.config.minIncluded = config.minClients > _MIN_INCLUDED ? config.minClients : _MIN_INCLUDED;
        }
        created.owner = msg.sender;
        created.currentModelCid = initialModelCid;
        _chainModels[taskId][keccak256(bytes(initialModelCid))] = true;
        emit TaskCreated(taskId, msg.sender, config.mode, config.aggregator, initialModelCid);
    }

    /// @dev A verified (Mash or Shamir) round that failed before its aggregate gives its reserved rewards back to
    /// the task's pool.
    function _releaseIfFailed(RoundLib.Round storage target, uint256 roundId) private {
        if (target.mode != Mode.Plain && target.phase == Phase.Failed) _verifier.onRoundFailed(roundId);
    }

    /// @dev The share-sums a Shamir round has and needs.
    function _shareSums(
        RoundLib.Round storage target,
        uint256 roundId
    ) private view returns (uint32 posted, uint32 threshold) {
        return (_shamir.shareSumCount(roundId), _shamir.threshold(target.taskId));
    }

    function _existingTask(uint256 taskId) private view returns (TaskView storage) {
        if (taskId == 0 || taskId > _taskCount) revert CoordinatorUnknownTask(taskId);
        return _tasks[taskId];
    }

    function _existingRound(uint256 roundId) private view returns (RoundLib.Round storage) {
        if (roundId == 0 || roundId > _roundCount) revert CoordinatorUnknownRound(roundId);
        return _rounds[roundId];
    }

    /// @dev The reason strings are part of the interface: tests and workers match them.
    function _validateConfig(TaskConfig calldata config) private pure {
        if (config.modelSize == 0) revert CoordinatorInvalidConfig("modelSize is zero");
        if (config.minClients == 0) revert CoordinatorInvalidConfig("minClients is zero");
        if (config.minClients > config.maxClients) revert CoordinatorInvalidConfig("minClients exceeds maxClients");
        if (!_isPhaseDuration(config.joinDuration)) revert CoordinatorInvalidConfig("joinDuration out of range");
        if (!_isPhaseDuration(config.submitDuration)) revert CoordinatorInvalidConfig("submitDuration out of range");
        if (!_isPhaseDuration(config.aggregateDuration)) {
            revert CoordinatorInvalidConfig("aggregateDuration out of range");
        }
        if (bytes(config.modelKind).length == 0) revert CoordinatorInvalidConfig("modelKind is empty");
    }

    /// @dev Reason strings as in {_validateConfig}. The quantization and clipping parameters only need to exist:
    /// the contract never computes with them, the workers do.
    function _validateMashConfig(TaskConfig calldata config) private pure {
        if (config.groupSize < _MIN_GROUP_SIZE || config.groupSize > _MAX_GROUP_SIZE) {
            revert CoordinatorInvalidConfig("groupSize out of range");
        }
        if (config.minClients < _MIN_MASH_CLIENTS) revert CoordinatorInvalidConfig("minClients below 4");
        // Checked before MAX_MASH_CLIENTS, the lower bound today, so that the mask group's own bound is enforced
        // (and named) whatever that constant becomes.
        if (config.maskGroup == MaskGroup.Rlwr2048 && config.maxClients > _MAX_RLWR_CLIENTS) {
            revert CoordinatorInvalidConfig("maxClients above 2047 for Rlwr2048");
        }
        _validateSecureConfig(config);
        if (config.maskGroup == MaskGroup.Rlwr2048) _validateRlwrAggregateBound(config);
        if (!_isPhaseDuration(config.keyDuration)) revert CoordinatorInvalidConfig("keyDuration out of range");
        if (!_isPhaseDuration(config.shuffleDuration)) revert CoordinatorInvalidConfig("shuffleDuration out of range");
        if (!_isPhaseDuration(config.completionDuration)) {
            revert CoordinatorInvalidConfig("completionDuration out of range");
        }
    }

    /// @dev What both secure modes need: quantization parameters for the workers, at most MAX_MASH_CLIENTS
    /// clients, the bound under which the verifier's reserve `maxClients · clientReward + aggregatorReward` cannot
    /// overflow, and a floor on the included set that a full round can reach. Reason strings as in
    /// {_validateConfig}.
    function _validateSecureConfig(TaskConfig calldata config) private pure {
        if (config.maxClients > MAX_MASH_CLIENTS) revert CoordinatorInvalidConfig("maxClients above MAX_MASH_CLIENTS");
        if (config.quantizationScale == 0) revert CoordinatorInvalidConfig("quantizationScale is zero");
        if (config.clipMillionths == 0) revert CoordinatorInvalidConfig("clipMillionths is zero");
        if (config.minIncluded == 0) {
            // The default max(3, minClients) is within maxClients exactly when maxClients >= 3.
            if (config.maxClients < _MIN_INCLUDED) revert CoordinatorInvalidConfig("maxClients below 3");
        } else {
            if (config.minIncluded < _MIN_INCLUDED) revert CoordinatorInvalidConfig("minIncluded below 3");
            if (config.minIncluded > config.maxClients) {
                revert CoordinatorInvalidConfig("minIncluded exceeds maxClients");
            }
        }
    }

    /// @dev Refuses an `Rlwr2048` task whose aggregate bound maxClients · round(c·S) exceeds the group's decoding
    /// range, with c = clipMillionths / 10^6 and S = quantizationScale, as the workers' checkMaskSettings does.
    /// round(c·S) is computed as (clipMillionths · S + 500000) / 10^6, the exact round-half-up of the rational
    /// clipMillionths · S / 10^6. The workers compute Math.round(clipMillionths / 1e6 * S) in floating point; for
    /// these integer inputs both agree except at an exact tie (clipMillionths · S ≡ 500000 mod 10^6) where the float
    /// product lands just below .5 (e.g. 145000 · 100: the workers get 14, this 15). There this value is the larger
    /// by one, so the contract never accepts a bound the workers' quantization could exceed; it may refuse a tie at
    /// the very edge that the CLI accepts. Below 2^26 (every value that can pass with maxClients >= 4) the float
    /// error is under 10^-6 / 2, so no other input differs (test/contracts/FedmashCoordinator.mash.test.ts).
    function _validateRlwrAggregateBound(TaskConfig calldata config) private pure {
        uint256 perClient = (uint256(config.clipMillionths) * config.quantizationScale + 500_000) / 1_000_000;
        uint256 bound = uint256(config.maxClients) * perClient;
        if (bound > _MAX_RLWR_AGGREGATE_BOUND) {
            revert CoordinatorAggregateBoundTooLarge(config.maxClients, perClient, bound, _MAX_RLWR_AGGREGATE_BOUND);
        }
    }

    function _isPhaseDuration(uint64 duration) private pure returns (bool) {
        return duration > 0 && duration <= _MAX_PHASE_DURATION;
    }
}
