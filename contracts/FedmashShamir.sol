// SPDX-License-Identifier: MIT
// The servers and threshold of Shamir tasks and the share-sums their servers post each round. Deployed by
// FedmashCoordinator in its constructor, which alone configures tasks; it reads round phases back from it.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "./interfaces/IFedmashCoordinator.sol";
import {IFedmashRegistry} from "./interfaces/IFedmashRegistry.sol";
import {IFedmashShamir} from "./interfaces/IFedmashShamir.sol";

/// @title FedmashShamir
/// @notice See {IFedmashShamir}.
contract FedmashShamir is IFedmashShamir {
    /// @inheritdoc IFedmashShamir
    uint256 public constant MAX_SERVERS = 16;

    /// @dev A task's servers; `slotOf` is 1 + the server's index, 0 for anyone else, so membership is one read.
    struct TaskServers {
        address[] servers;
        uint32 threshold;
        mapping(address account => uint256) slotOf;
    }

    struct RoundShares {
        uint32 count;
        mapping(address server => ShareSum) sums;
    }

    IFedmashCoordinator private immutable _coordinator;
    IFedmashRegistry private immutable _registry;

    mapping(uint256 taskId => TaskServers) private _tasks;
    mapping(uint256 roundId => RoundShares) private _rounds;

    modifier onlyCoordinator() {
        if (msg.sender != address(_coordinator)) revert ShamirNotCoordinator(msg.sender);
        _;
    }

    /// @dev The deployer is the coordinator: FedmashCoordinator creates this contract in its own constructor, so no
    /// other account can ever configure a task.
    /// @param registry_ The registry the coordinator reads, where servers hold `Role.Server`.
    constructor(IFedmashRegistry registry_) {
        if (address(registry_).code.length == 0) revert ShamirInvalidRegistry(address(registry_));
        _coordinator = IFedmashCoordinator(msg.sender);
        _registry = registry_;
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
}
