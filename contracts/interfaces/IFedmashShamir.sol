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
///
/// Accountable share-sums ("fedmash/shamir-commit/v1", docs/SHAMIR.md): a server posts a share-sum only with a bond
/// of at least {serverBondOf} for the task. A client's submission `contentHash` is keccak256(manifestHash ‖
/// keccak256(R_0 ‖ … ‖ R_{n-1})), R_j the vector Merkle root (16 values a leaf, 8 bytes each) of its share for server
/// j; a share-sum's `contentHash` is keccak256(payloadHash ‖ root of the share-sum). When the posted share-sums of a
/// leaf do not lie on one polynomial of degree t - 1, anyone may {openShareDispute} with their openings; every
/// server that had posted must then {answerShareDispute} with its received shares of that leaf, opened against each
/// client's committed R_j, in batches. A server whose sum is not the sum of what it was committed, or that does not
/// answer within the step (the task's aggregation duration, at least {MIN_DISPUTE_STEP}), is slashed: half of its bond
/// to the dispute's opener, half burned. A
/// dispute that every server answers consistently proves the clients' shares inconsistent (a client fault), and
/// closes the round to further disputes.
/// @dev The field, the sharing and the encryption are off-chain (workers/crypto/shamir, docs/PROTOCOL.md); this
/// contract fixes who serves a task, records what each server posted and judges share-sum disputes.
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

    /// @notice One leaf of one posted share-sum, as a dispute's opener or an answering server sends it.
    /// @param serverIndex The server whose share-sum this is (ignored in an answer, which opens the sender's own).
    /// @param payloadHash keccak256 of the share-sum payload (the commitment's first half).
    /// @param root The share-sum's vector Merkle root (the commitment's second half).
    /// @param values The leaf's 16 field elements, 8 bytes each, big-endian.
    /// @param proof The sibling hashes from the leaf up to `root`.
    struct SumOpening {
        uint32 serverIndex;
        bytes32 payloadHash;
        bytes32 root;
        bytes values;
        bytes32[] proof;
    }

    /// @notice One included client's share of the disputed leaf, as the answering server received it.
    /// @param manifestHash keccak256 of the client's share manifest payload.
    /// @param shareRoots The client's n share roots, in server order, as its commitment lists them.
    /// @param values The leaf of the answering server's share: 16 field elements, 8 bytes each, big-endian.
    /// @param proof The sibling hashes from the leaf up to `shareRoots[serverIndex]`.
    struct ClientShareOpening {
        bytes32 manifestHash;
        bytes32[] shareRoots;
        bytes values;
        bytes32[] proof;
    }

    /// @notice One server's share of one leaf of a client's update, opened against the client's committed root.
    /// @param serverIndex The server the share is for (its evaluation point is `serverIndex + 1`).
    /// @param values The leaf's 16 field elements, 8 bytes each, big-endian.
    /// @param proof The sibling hashes from the leaf up to the client's `shareRoots[serverIndex]`.
    struct ShareLeaf {
        uint32 serverIndex;
        bytes values;
        bytes32[] proof;
    }

    /// @notice Evidence that a client committed shares that are not on one polynomial of degree t - 1.
    /// @param manifestHash keccak256 of the client's share manifest payload.
    /// @param shareRoots The client's n share roots, in server order, as its submission commits them.
    /// @param leafIndex The leaf opened.
    /// @param leaves More than t of the client's shares of that leaf, in increasing server order.
    struct ClientFaultProof {
        bytes32 manifestHash;
        bytes32[] shareRoots;
        uint32 leafIndex;
        ShareLeaf[] leaves;
    }

    /// @notice A round's share-sum dispute, the open one or the last.
    /// @param opener Who opened it (half of every bond it slashes is theirs).
    /// @param deadline The last second a pending server may answer: the opening plus one step per {CLIENTS_PER_STEP}
    /// included clients; past it {closeShareDispute} slashes the rest.
    /// @param leafIndex The disputed leaf (coordinates 16·leafIndex … 16·leafIndex + 15).
    /// @param pending Bit j set: server j must still answer.
    /// @param slashed Bit j set: server j was slashed in this dispute.
    /// @param answered Bit j set: server j's answer is complete (consistent unless also slashed).
    /// @param open True until every pending server answered or the dispute was closed.
    struct ShareDispute {
        address opener;
        uint64 deadline;
        uint32 leafIndex;
        uint16 pending;
        uint16 slashed;
        uint16 answered;
        bool open;
    }

    /// @notice Why a server was slashed.
    enum SlashReason {
        /// Its answer proved its share-sum is not the sum of the shares its clients committed to it.
        WrongShareSum,
        /// It did not answer a dispute by the deadline.
        NoAnswer
    }

    /// @notice Only the verifier pays this contract (a forfeited stake); `caller` tried.
    error ShamirNotVerifier(address caller);
    /// @notice A client's opening lists `given` share roots; the task has `serverCount` servers.
    error ShamirWrongShareRootCount(uint256 index, uint256 given, uint256 serverCount);
    /// @notice A client fault is proven only after a dispute of the round ended in one (nobody slashed).
    error ShamirNoClientFaultDispute(uint256 roundId);
    /// @notice The proof opens leaf `leafIndex`; the dispute that ended in the client fault published leaf `disputed`.
    error ShamirNotDisputedLeaf(uint256 roundId, uint256 leafIndex, uint256 disputed);
    /// @notice `client`'s fault in the round is already proven (its stake is gone).
    error ShamirClientFaultAlreadyProven(uint256 roundId, address client);
    /// @notice A client fault of the round could be proven until `until`.
    error ShamirFaultProofPeriodOver(uint256 roundId, uint64 until);
    /// @notice A client fault needs more than t (`threshold`) of its shares; `given` were.
    error ShamirTooFewClientShares(uint256 given, uint256 threshold);
    /// @notice Share `index` names server `serverIndex`, which is not one of the task's or not after the previous one.
    error ShamirSharesOutOfOrder(uint256 index, uint256 serverIndex);
    /// @notice The client's opened shares of leaf `leafIndex` lie on one polynomial of degree t - 1: no fault.
    error ShamirClientSharesConsistent(uint256 roundId, address client, uint256 leafIndex);
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
    /// @notice Only the task's owner may set its server bond.
    error ShamirNotTaskOwner(uint256 taskId, address caller);
    /// @notice The server bond may change only while none of the task's rounds is in progress.
    error ShamirRoundInProgress(uint256 taskId, uint256 roundId);
    /// @notice A server bond must be at least {MIN_SERVER_BOND}.
    error ShamirServerBondTooSmall(uint256 amount, uint256 minimum);
    /// @notice A deposit or withdrawal of zero.
    error ShamirZeroAmount();
    /// @notice `account` is not one of the task's servers.
    error ShamirNotServerOfTask(uint256 taskId, address account);
    /// @notice The server's bond for the task is below what the task requires, so it may not post.
    error ShamirServerBondShort(uint256 taskId, address server, uint256 bond, uint256 required);
    /// @notice The bond backs a share-sum still open to disputes (until `lockedUntil`), or a dispute still waits on it.
    error ShamirServerBondLocked(uint256 taskId, address server, uint64 lockedUntil, uint256 pendingDisputes);
    /// @notice The withdrawal exceeds the bond (or the credit).
    error ShamirInsufficientFunds(uint256 requested, uint256 available);
    /// @notice A round's share-sums can be disputed only while more than t are live: `live` are, t is `threshold`.
    error ShamirTooFewShareSums(uint256 roundId, uint256 live, uint256 threshold);
    /// @notice Disputes of the round's share-sums were possible until `until`.
    error ShamirDisputePeriodOver(uint256 roundId, uint64 until);
    /// @notice A dispute of the round is already open.
    error ShamirDisputeAlreadyOpen(uint256 roundId);
    /// @notice An earlier dispute proved the round's clients' shares inconsistent; the round takes no further disputes.
    error ShamirClientFaultProven(uint256 roundId);
    /// @notice The disputed leaf is past the vector's last leaf.
    error ShamirLeafOutOfRange(uint256 leafIndex, uint256 leafCount);
    /// @notice Opening `opening` names server `serverIndex`, whose share-sum is not live (not posted, or slashed), or
    /// does not come after the previous opening's server.
    error ShamirNotLiveShareSum(uint256 opening, uint256 serverIndex);
    /// @notice An opening's values or proof have the wrong length (16 × 8 bytes, the tree's depth).
    error ShamirMalformedOpening(uint256 index, uint256 valuesLength, uint256 proofLength);
    /// @notice Opening `index` does not hash to its on-chain commitment.
    error ShamirOpeningMismatch(uint256 index, bytes32 expected, bytes32 opened);
    /// @notice The opened share-sums of the leaf lie on one polynomial of degree t - 1: there is nothing to dispute.
    error ShamirShareSumsConsistent(uint256 roundId, uint256 leafIndex);
    /// @notice No dispute of the round is open.
    error ShamirNoOpenDispute(uint256 roundId);
    /// @notice The open dispute does not wait on `account`.
    error ShamirNotPendingServer(uint256 roundId, address account);
    /// @notice The dispute's answers are accepted until `deadline`.
    error ShamirDisputeAnswerLate(uint256 roundId, uint64 deadline);
    /// @notice The dispute's pending servers have until `deadline` to answer.
    error ShamirDisputeNotExpired(uint256 roundId, uint64 deadline);
    /// @notice An answer's batches must open the share of every included client once, in the coordinator's order: this
    /// batch would reach client `reached` of `included`.
    error ShamirWrongClientCount(uint256 reached, uint256 included);

    /// @notice The `Shamir` task `taskId` was created with these servers (in share order) and threshold.
    event ServersConfigured(uint256 indexed taskId, address[] servers, uint32 threshold);

    /// @notice The task's owner set the bond its servers must hold to post.
    event ServerBondSet(uint256 indexed taskId, uint256 amount);

    /// @notice A server's bond for a task grew by `amount` to `total`.
    event ServerBondDeposited(uint256 indexed taskId, address indexed server, uint256 amount, uint256 total);

    /// @notice A server took `amount` of its bond back, leaving `total`.
    event ServerBondWithdrawn(uint256 indexed taskId, address indexed server, uint256 amount, uint256 total);

    /// @notice The share-sums of leaf `leafIndex` were shown not to lie on one polynomial; the servers in `pending`
    /// (bit j: server j) must answer by `deadline`.
    event ShareDisputeOpened(uint256 indexed roundId, address indexed opener, uint32 leafIndex, uint16 pending, uint64 deadline);

    /// @notice One batch of `server`'s answer is in: it has opened the shares of the first `next` included clients.
    /// (Its transaction's calldata carries them, which is where a client fault's evidence is read.)
    event ShareDisputeBatchAnswered(uint256 indexed roundId, address indexed server, uint32 next);

    /// @notice A dispute slashed a server while more than t share-sums are still live: another dispute may open until
    /// `openUntil`, and the live bonds are locked until `releaseAt`.
    event DisputePeriodExtended(uint256 indexed roundId, uint64 openUntil, uint64 releaseAt);

    /// @notice `prover` showed that `client` committed shares of leaf `leafIndex` off one polynomial: its whole `stake`
    /// for the task is forfeited, `toProver` to the prover, `toServers` shared by the servers whose answers to the
    /// dispute published the evidence, the rest burned; it is also off the task's allowlist.
    event ClientFaultProven(
        uint256 indexed roundId,
        address indexed client,
        address indexed prover,
        uint32 leafIndex,
        uint256 stake,
        uint256 toProver,
        uint256 toServers
    );

    /// @notice `server` answered; `consistent` is false when its answer proved its share-sum wrong.
    event ShareDisputeAnswered(uint256 indexed roundId, address indexed server, bool consistent);

    /// @notice `server` lost `amount` of its bond: `toOpener` to the dispute's opener, the rest burned. Its share-sum
    /// no longer counts in disputes.
    event ServerSlashed(
        uint256 indexed roundId,
        address indexed server,
        SlashReason reason,
        uint256 amount,
        uint256 toOpener
    );

    /// @notice The dispute ended: `slashed` names the servers it slashed (bit j: server j); none means every server was
    /// consistent with what its clients committed, so the clients' shares are inconsistent (`clientFault`).
    event ShareDisputeClosed(uint256 indexed roundId, uint32 leafIndex, uint16 slashed, bool clientFault);

    /// @notice `account` withdrew `amount` of the rewards its disputes earned.
    event CreditWithdrawn(address indexed account, uint256 amount);

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

    /// @notice Sets the bond the task's servers must hold to post a share-sum (at least {MIN_SERVER_BOND}, which
    /// applies until the owner sets one). Only the task's owner, and only while no round of the task is in progress.
    function setServerBond(uint256 taskId, uint256 amount) external;

    /// @notice Adds `msg.value` to the caller's bond for a task it serves.
    function depositServerBond(uint256 taskId) external payable;

    /// @notice Takes `amount` of the caller's bond back, once no share-sum of it can still be disputed
    /// ({ShamirServerBondLocked} otherwise).
    function withdrawServerBond(uint256 taskId, uint256 amount) external;

    /// @notice Opens a dispute of leaf `leafIndex` of the round's share-sums: `openings` open that leaf of more than t
    /// live share-sums (posted and not slashed), in increasing server order, against their commitments. Reverts
    /// {ShamirShareSumsConsistent} unless some coordinate of the leaf is off the polynomial through the first t
    /// openings, or a value is not below p. Every live server, opened or not, must then answer. Allowed until the
    /// round's aggregation deadline plus one step.
    function openShareDispute(uint256 roundId, uint256 leafIndex, SumOpening[] calldata openings) external;

    /// @notice A pending server answers the open dispute, in one or more batches: `clients` opens its share of the
    /// disputed leaf from the next included clients (in {IFedmashCoordinator-includedClients} order) against each
    /// client's committed root, and their sum mod p accumulates on-chain. With the batch that reaches the last client,
    /// `sum` (its own share-sum's leaf, opened against its commitment; ignored before) must equal that sum, or the
    /// server is slashed. Reverts when an opening does not match a commitment.
    function answerShareDispute(uint256 roundId, SumOpening calldata sum, ClientShareOpening[] calldata clients) external;

    /// @notice After the dispute's deadline, slashes every server that has not answered and closes the dispute.
    /// Anyone may call it.
    function closeShareDispute(uint256 roundId) external;

    /// @notice Proves that `client` committed, in the round, shares that are not on one polynomial of degree t - 1, at
    /// the leaf of the round's share-sum dispute that ended in a client fault (its answers publish every included
    /// client's shares of that leaf). Anyone may send it, once per client and round, until {faultProofUntil}. The
    /// client's whole stake for the task is forfeited ({IFedmashVerifier-forfeitStake}): half to the caller, half shared
    /// by the servers that answered that dispute (the remainder of the division burned). Reverts
    /// {ShamirNoClientFaultDispute}, {ShamirNotDisputedLeaf}, {ShamirOpeningMismatch} unless the roots are the client's
    /// submission and each leaf opens to its root, {ShamirTooFewClientShares}, {ShamirSharesOutOfOrder}, and
    /// {ShamirClientSharesConsistent} when the shares are on one polynomial (an honest client's always are).
    function proveClientFault(uint256 roundId, address client, ClientFaultProof calldata proof) external;

    /// @notice Pays the caller the rewards its disputes and proofs earned.
    function withdrawCredit() external;

    /// @notice The bond a server of the task must hold to post: what the owner set, or {MIN_SERVER_BOND}.
    function serverBondOf(uint256 taskId) external view returns (uint256);

    /// @notice A server's bond for a task, and until when it is locked (the pending disputes lock it too).
    function bondOf(
        uint256 taskId,
        address server
    ) external view returns (uint256 bond, uint64 lockedUntil, uint256 pendingDisputes);

    /// @notice The round's open (or last) share-sum dispute, and whether a dispute proved a client fault.
    function shareDispute(uint256 roundId) external view returns (ShareDispute memory dispute, bool clientFault);

    /// @notice The last second a dispute of the round's share-sums may open, and the second after which none can
    /// open or wait any more (both 0 before the first share-sum).
    function disputeWindow(uint256 roundId) external view returns (uint64 openUntil, uint64 releaseAt);

    /// @notice The last second a client fault of the round may be proven: one step after the last dispute of it can end
    /// (0 before its first share-sum). The round's clients' stakes stay locked until then.
    function faultProofUntil(uint256 roundId) external view returns (uint64);

    /// @notice Whether `client`'s fault in the round was proven.
    function isFaultyClient(uint256 roundId, address client) external view returns (bool);

    /// @notice How many included clients the server's answer to the round's open dispute has opened so far.
    function answerProgress(uint256 roundId, uint256 serverIndex) external view returns (uint32);

    /// @notice Whether a dispute slashed the server's share-sum in the round.
    function isSlashed(uint256 roundId, address server) external view returns (bool);

    /// @notice Rewards owed to `account`.
    function creditOf(address account) external view returns (uint256);

    /// @notice Wei slashed and burned (withdrawable by nobody).
    function totalBurned() external view returns (uint256);

    /// @notice 0.01 ether: the least server bond.
    function MIN_SERVER_BOND() external view returns (uint256);

    /// @notice 600 s: the least step (the task's aggregate duration when longer); a dispute gives its servers one step
    /// per {CLIENTS_PER_STEP} included clients to answer.
    function MIN_DISPUTE_STEP() external view returns (uint64);

    /// @notice 256: the included clients per step of a dispute's answer window.
    function CLIENTS_PER_STEP() external view returns (uint256);

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
