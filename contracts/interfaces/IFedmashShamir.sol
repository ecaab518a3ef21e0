// SPDX-License-Identifier: MIT
// The Shamir side of fedmash: which servers hold the shares of a task's updates, with which threshold, and the
// share-sums they post during the Aggregation phase of its rounds.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "./IFedmashCoordinator.sol";

/// @title IFedmashShamir
/// @notice Deployed by the coordinator in its constructor, so only that coordinator configures tasks. A `Shamir`
/// task fixes, at creation, n servers (registered as `Role.Server`, in the order clients address their shares:
/// server j holds share f(j + 1)) and a threshold t with 2 <= t <= n <= {MAX_SERVERS}. In every round of the task:
/// 1. each client submits, through the coordinator, the CID of a manifest listing its n ECIES-encrypted shares;
/// 2. once the round is in `Aggregation` (the submitted set is then frozen), each server sums its shares of the
///    submitted updates mod p and {postShareSum}s the IPFS CID of that share-sum;
/// 3. the aggregator reconstructs the aggregate from any t share-sums; the coordinator refuses the aggregate while
///    fewer than t were posted ({IFedmashCoordinator-ShamirNotEnoughShareSums}), and a round whose `Aggregation`
///    deadline passes with fewer than t fails with `ServersMissing` (with t or more and no aggregate,
///    `AggregatorMissing`).
/// Up to n - t servers may stay silent. The round is then verified like a `Mash` round, by the FedmashVerifier.
/// @dev The field, the sharing and the encryption are off-chain (workers/crypto/shamir, docs/PROTOCOL.md); this
/// contract only fixes who serves a task and records what each server posted.
interface IFedmashShamir {
    /// @notice One server's share-sum in one round.
    /// @param cid IPFS CID of the share-sum payload.
    /// @param contentHash Hash of the payload, so that a fetched copy can be checked.
    /// @param serverIndex The server's position in the task's server list, from 0 (its evaluation point is
    /// `serverIndex + 1`).
    /// @param posted False for a server that has not posted (all other fields are then zero).
    struct ShareSum {
        string cid;
        bytes32 contentHash;
        uint32 serverIndex;
        bool posted;
    }

    /// @notice A coordinator-only hook was called by someone else.
    error ShamirNotCoordinator(address caller);
    /// @notice The registry given to the constructor has no code.
    error ShamirInvalidRegistry(address registry);
    /// @notice The threshold must satisfy 2 <= `threshold` <= `serverCount`.
    error ShamirInvalidThreshold(uint32 threshold, uint256 serverCount);
    /// @notice A task may have at most `max` servers; `count` were given.
    error ShamirTooManyServers(uint256 count, uint256 max);
    /// @notice `account` is not an active `Role.Server` in the registry.
    error ShamirNotServer(address account);
    /// @notice `account` appears twice in the server list.
    error ShamirDuplicateServer(address account);
    /// @notice The round exists but is not a `Shamir` round.
    error ShamirUnknownRound(uint256 roundId);
    /// @notice `account` is not one of the servers of the round's task.
    error ShamirNotTaskServer(uint256 roundId, address account);
    /// @notice Share-sums are posted in `Aggregation` only; the round is in `phase`.
    error ShamirWrongPhase(uint256 roundId, IFedmashCoordinator.Phase phase);
    /// @notice The `Aggregation` phase ended at `deadline`; late share-sums are refused.
    error ShamirDeadlinePassed(uint256 roundId, uint64 deadline);
    /// @notice `server` already posted its share-sum for this round.
    error ShamirShareSumAlreadyPosted(uint256 roundId, address server);
    /// @notice The share-sum's CID is empty.
    error ShamirEmptyCid();

    /// @notice The `Shamir` task `taskId` was created with these servers (in share order) and threshold.
    event ServersConfigured(uint256 indexed taskId, address[] servers, uint32 threshold);

    /// @notice `server`, at `serverIndex` in its task's list, posted its share-sum; `count` share-sums of the
    /// round are posted now, this one included.
    event ShareSumPosted(
        uint256 indexed roundId,
        address indexed server,
        uint32 serverIndex,
        string cid,
        bytes32 contentHash,
        uint32 count
    );

    /// @notice A server of the round's task posts the IPFS CID and hash of its share-sum: the sum mod p of its
    /// shares of every submitted update. Once per server and round, in `Aggregation`, up to its deadline.
    /// @dev Reverts {IFedmashCoordinator-CoordinatorUnknownRound} for an id no round has, {ShamirUnknownRound}
    /// for a round of another mode, {ShamirNotTaskServer}, {ShamirShareSumAlreadyPosted} (checked before the phase,
    /// so that a server retrying after the round moved on learns it already succeeded), {ShamirWrongPhase} outside
    /// `Aggregation`, {ShamirDeadlinePassed} after its deadline, and {ShamirEmptyCid}.
    /// @param roundId The round.
    /// @param cid IPFS CID of the share-sum payload.
    /// @param contentHash Hash of the payload.
    function postShareSum(uint256 roundId, string calldata cid, bytes32 contentHash) external;

    /// @notice Coordinator hook: validates and stores the servers and threshold of the new `Shamir` task `taskId`.
    /// @dev Reverts {ShamirTooManyServers}, {ShamirInvalidThreshold}, {ShamirNotServer} and
    /// {ShamirDuplicateServer}, which reverts the task's creation.
    /// @param taskId The task being created.
    /// @param taskServers The servers in share order.
    /// @param taskThreshold t, the share-sums needed to reconstruct.
    function configureServers(uint256 taskId, address[] calldata taskServers, uint32 taskThreshold) external;

    /// @notice The task's servers in share order; empty for a task that is not `Shamir`.
    function servers(uint256 taskId) external view returns (address[] memory);

    /// @notice The task's threshold t; 0 for a task that is not `Shamir`.
    function threshold(uint256 taskId) external view returns (uint32);

    /// @notice Where `account` is in the task's server list.
    /// @return isServer Whether it serves the task.
    /// @return serverIndex Its position from 0; 0 when it does not serve the task.
    function serverIndexOf(uint256 taskId, address account) external view returns (bool isServer, uint32 serverIndex);

    /// @notice What `server` posted in `roundId`; `posted` is false if nothing.
    function shareSum(uint256 roundId, address server) external view returns (ShareSum memory);

    /// @notice How many share-sums of `roundId` were posted.
    function shareSumCount(uint256 roundId) external view returns (uint32);

    /// @notice The coordinator that deployed this contract.
    function coordinator() external view returns (IFedmashCoordinator);

    /// @notice The registry servers are checked against.
    function registry() external view returns (address);

    /// @notice The most servers a task may have (16).
    function MAX_SERVERS() external view returns (uint256);
}
