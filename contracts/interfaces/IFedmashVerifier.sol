// SPDX-License-Identifier: MIT
// The Verification phase of MASH and Shamir rounds and the money around it: sampled verification of the aggregate
// with BN254 Pedersen-style commitments, the tasks' reward pools, the aggregators' bonds, slashing and pull payments.
pragma solidity ^0.8.28;

import {IFedmashCoordinator} from "./IFedmashCoordinator.sol";
import {AggregateFraudProof} from "../libraries/AggregateFraudProof.sol";

/// @title IFedmashVerifier
/// @notice Deployed by the coordinator in its constructor, so only that coordinator drives it.
/// A `Mash` round is verified optimistically, by fraud proofs: its aggregate is a deterministic function of the
/// included masked vectors, each committed on-chain (`contentHash` = keccak256(payloadHash ‖ Merkle root)), and its
/// `aggregateHash` commits the decoded sum the same way. From the aggregate on, anyone may {challenge} one leaf
/// (16 coordinates) during `terms.challengeDuration`, sending that leaf of every included vector and of the sum
/// with their Merkle proofs; the contract recomputes the leaf's sum in the task's mask group. A wrong sum is
/// proven on the spot (`FraudProven`: the aggregator is slashed, half to the challenger, half shared by the included
/// clients; the pool pays nobody, since the round did not finalize); a right one
/// burns the challenger's bond. After the window, {settle} passes the round. docs/VERIFICATION.md, "Fraud proofs".
/// A `Shamir` round reaches `Verification` when its aggregator posts the aggregate; then, in order:
/// 1. the sample seed is the hash of the block that included the aggregate, unknown when it was posted;
/// 2. the aggregator posts the aggregate's batch sums T under the seed's partitions ({postBatchSums});
/// 3. the weight seed is the hash of the block that included T, unknown when T was posted;
/// 4. every included client checks the published aggregate against T and, if they agree,
///    {commit}s C_i = (Σ w·S_i mod r)·G to the batch sums S_i of its own quantized update;
/// 5. anyone {settle}s, once every included client committed or the commit deadline passed; the check is
///    (Σ w·T mod r)·G == Σ C_i, one ecMul whatever the number of clients.
/// docs/VERIFICATION.md has the soundness bound and the derivations; docs/PROTOCOL.md the outcomes.
/// @dev Money: the task owner funds a pool and sets {Terms}; opening a round reserves the most it can pay
/// (`maxClients · clientReward + aggregatorReward`); the aggregator opts in with the largest bond it accepts
/// ({acceptTask}), and its bond is locked from the aggregate to the settlement. A slash is burned (kept here,
/// withdrawable by nobody), never paid to the owner's pool. Nothing is pushed: winners {claim}. The contract's
/// balance always equals {totalOwed} + {totalBurned}.
interface IFedmashVerifier {
    /// @notice Where a round's verification stands. `None`: no `Mash` or `Shamir` round with this id was opened.
    /// `Reserved`: the round is open and its rewards are reserved. `BatchSums`: the aggregate is posted, the
    /// aggregator owes T. `Commitments`: T is posted, the included clients commit. `Settled`: final. `Challenge`
    /// (`Mash`): the aggregate is posted and may be challenged until the deadline (appended last, so the earlier
    /// values keep their numbers).
    enum Stage {
        None,
        Reserved,
        BatchSums,
        Commitments,
        Settled,
        Challenge
    }

    /// @notice Whose move a dispute ({openDispute}) waits for. `None`: no dispute. `Aggregator`: it must reveal the
    /// nodes below the dispute's node ({revealNodes}), or the leaf's values at the bottom ({revealLeaf}).
    /// `Challenger`: it must pick a revealed node ({pickNode}), or, at a leaf, prove it wrong ({challenge}). `Closed`:
    /// over. A dispute at a node that another dispute of the round already had revealed waits for its challenger, not
    /// the aggregator: each distinct node is answered once ({disputeOf} gives the turn and deadline that apply).
    enum DisputeTurn {
        None,
        Aggregator,
        Challenger,
        Closed
    }

    /// @notice How a dispute ended without a {challenge} upholding it. `AggregatorTimedOut`: the aggregator did not
    /// open its own commitment in time, which proves the fraud. `ChallengerTimedOut`: the challenger did not move in
    /// time; its bond goes to the aggregator. `ChallengeRejected`: the leaf it reached was right; its bond goes to the
    /// aggregator. `PaddingNotZero`: the aggregator's tree has a non-zero padding leaf, which proves the fraud.
    enum DisputeEnd {
        AggregatorTimedOut,
        ChallengerTimedOut,
        ChallengeRejected,
        PaddingNotZero
    }

    /// @notice One challenger's dispute of a `Mash` round's aggregate: the node of the aggregator's committed tree it
    /// has narrowed to (`depth` levels below the root, `position` from the left at that level), whose `turn` it is, and
    /// the deadline of that move.
    struct Dispute {
        bytes32 node;
        uint64 deadline;
        uint32 position;
        uint8 depth;
        DisputeTurn turn;
    }

    /// @notice How a round's verification ended. `Failed` (`Shamir`): the commitment check did not hold; nobody is
    /// slashed or paid, since it names no culprit. `Released`: the round failed before its aggregate (no
    /// verification ran, the reserve went back to the pool). `SeedExpired`: a seed's block hash left the 256-block
    /// window before anyone recorded it ({recordSeed}), so the round could not go on; nobody is slashed or paid,
    /// the reserve goes back to the pool (appended last, so the earlier values keep their numbers). `FraudProven`
    /// (`Mash`): a {challenge} proved the posted sum wrong; the aggregator is slashed, half to the challenger and half
    /// shared by the included clients; the pool pays no reward.
    enum Outcome {
        None,
        Passed,
        Failed,
        BatchSumsMissing,
        CommitmentsMissing,
        FraudProven,
        Released,
        SeedExpired
    }

    /// @notice What a task pays and demands, set by its owner between rounds.
    /// @param aggregatorBond Wei the aggregator must have bonded, and have accepted ({acceptTask}), when it posts an
    /// aggregate. `Mash`: slashed by a proven fraud ({challenge}). `Shamir`: slashed (burned) when T is missing; a
    /// failed check slashes nobody, since a client's commitment or a server's share-sum could have caused it.
    /// @param clientReward Wei paid to each included client that committed, when the round passed (or failed only
    /// because others did not commit).
    /// @param aggregatorReward Wei paid to the aggregator when the round passed.
    /// @param challengeDuration `Mash`: seconds after the aggregate during which anyone may {challenge} it, at least
    /// {MIN_CHALLENGE_DURATION}. Watchers need this long to fetch the submissions and recompute the sum; a client
    /// refuses a task whose window is shorter than its own `--min-challenge-window`.
    struct Terms {
        uint256 aggregatorBond;
        uint256 clientReward;
        uint256 aggregatorReward;
        uint64 challengeDuration;
    }

    /// @notice Who may join a task's rounds, beyond holding the registry's `Client` role. The zero value is open
    /// admission. The owner sets it between rounds ({setAdmission}).
    /// @param allowlistOnly Only accounts the owner allowed ({setAllowed}) may join.
    /// @param clientStake Wei a client must have staked for the task ({stake}) to join; the stake is locked while the
    /// client is in the task's open round, so k Sybil accounts lock k stakes for as long as they take part.
    struct Admission {
        bool allowlistOnly;
        uint256 clientStake;
    }

    /// @notice The money of one task.
    /// @param terms The current terms.
    /// @param pool Unreserved funds, withdrawable by the owner.
    /// @param bond The aggregator's bond.
    /// @param activeRoundId The task's round whose reserve or bond lock is held; 0 when none.
    /// @param acceptedBond The largest `aggregatorBond` the aggregator accepted for this task ({acceptTask}); 0 until it
    /// accepts, so a round that requires a bond cannot lock one the aggregator never agreed to.
    /// @param burned Wei slashed from this task's bonds, burned: held by the contract, withdrawable by nobody.
    struct TaskFunds {
        Terms terms;
        uint256 pool;
        uint256 bond;
        uint256 activeRoundId;
        uint256 acceptedBond;
        uint256 burned;
    }

    /// @notice One round's verification.
    /// @param taskId The round's task.
    /// @param aggregator The task's aggregator.
    /// @param stage See {Stage}.
    /// @param outcome See {Outcome}; `None` until settled.
    /// @param partitions m, the number of random partitions.
    /// @param batches k, the batches per partition.
    /// @param aggregateBlock The block that included the aggregate; its hash gives the sample seed.
    /// @param batchSumsBlock The block that included T; its hash gives the weight seed.
    /// @param deadline End of the current stage (unix seconds): T's deadline in `BatchSums`, the commitments'
    /// in `Commitments`; 0 otherwise.
    /// @param includedCount Clients whose updates are in the aggregate, each of which must commit.
    /// @param committedCount Clients that committed.
    /// @param challengeCount `Mash`: challenges resolved (rejected ones, and the one that proved fraud).
    /// @param aggregateHash The posted aggregate's content hash.
    /// @param sampleSeed σ, stored by {recordSeed} or when T is posted; 0 before.
    /// @param weightSeed σ_w, stored by {recordSeed} or by the first commitment; 0 before.
    /// @param batchSumsHash keccak256 of the packed T; 0 before.
    /// @param commitmentX x of Σ C_i so far (0 with y = 0: none yet, or the sum is the point at infinity).
    /// @param commitmentY y of Σ C_i so far.
    /// @param terms The terms in force when the round opened.
    /// @param reserved Wei reserved for this round until it settles.
    /// @param unclaimed Wei owed to this round's winners after settlement and not yet claimed.
    /// @param slashed Wei taken from the aggregator's bond by this round.
    /// @param challenger `Mash`: who proved fraud, 0 otherwise.
    /// @param challengerReward Wei the challenger is owed: its bond back and half the slash.
    struct RoundVerification {
        uint256 taskId;
        address aggregator;
        Stage stage;
        Outcome outcome;
        uint16 partitions;
        uint16 batches;
        uint64 aggregateBlock;
        uint64 batchSumsBlock;
        uint64 deadline;
        uint32 includedCount;
        uint32 committedCount;
        uint32 challengeCount;
        bytes32 aggregateHash;
        bytes32 sampleSeed;
        bytes32 weightSeed;
        bytes32 batchSumsHash;
        uint256 commitmentX;
        uint256 commitmentY;
        Terms terms;
        uint256 reserved;
        uint256 unclaimed;
        uint256 slashed;
        address challenger;
        uint256 challengerReward;
    }

    /// @notice A coordinator-only hook was called by someone else.
    error VerifierNotCoordinator(address caller);
    /// @notice Only the task's owner may do this.
    error VerifierNotTaskOwner(uint256 taskId, address account);
    /// @notice Only the task's (or round's) aggregator may do this.
    error VerifierNotAggregator(uint256 taskId, address account);
    /// @notice A zero amount was sent or requested.
    error VerifierZeroAmount();
    /// @notice The terms could not be reserved for a round of `MAX_MASH_CLIENTS` clients without overflowing.
    error VerifierTermsTooLarge(uint256 clientReward, uint256 aggregatorReward);
    /// @notice Terms change only while no round of the task holds a reserve.
    error VerifierTaskBusy(uint256 taskId, uint256 roundId);
    /// @notice The pool cannot cover `requested` (a reserve at round opening, or a withdrawal).
    error VerifierInsufficientPool(uint256 taskId, uint256 requested, uint256 available);
    /// @notice The bond is below what is `required` (posting an aggregate) or `requested` (a withdrawal).
    error VerifierInsufficientBond(uint256 taskId, uint256 required, uint256 available);
    /// @notice The round's terms `required` a larger bond than the aggregator `accepted` for the task ({acceptTask}).
    error VerifierBondNotAccepted(uint256 taskId, uint256 required, uint256 accepted);
    /// @notice The bond is locked by a round under verification.
    error VerifierBondLocked(uint256 taskId, uint256 roundId);
    /// @notice No `Mash` or `Shamir` round with this id was opened.
    error VerifierUnknownRound(uint256 roundId);
    /// @notice The round's verification is in `current`, not `expected`.
    error VerifierUnexpectedStage(uint256 roundId, Stage current, Stage expected);
    /// @notice The stage's deadline passed.
    error VerifierDeadlinePassed(uint256 roundId, uint64 deadline);
    /// @notice The stage's deadline has not passed (and not every included client committed).
    error VerifierDeadlineNotPassed(uint256 roundId, uint64 deadline);
    /// @notice A seed's block is the current block (or later): wait for the next block.
    error VerifierSeedNotReady(uint256 roundId, uint256 seedBlock);
    /// @notice A seed's block is more than 256 blocks old, so its hash is gone, and nobody recorded the seed.
    error VerifierSeedExpired(uint256 roundId, uint256 seedBlock);
    /// @notice {recordSeed}: the seed the round needs now is already stored.
    error VerifierSeedAlreadyRecorded(uint256 roundId, uint256 seedBlock);
    /// @notice `account`'s update is not part of the round's aggregate.
    error VerifierNotIncluded(uint256 roundId, address account);
    /// @notice `account` already committed in this round.
    error VerifierAlreadyCommitted(uint256 roundId, address account);
    /// @notice {setTerms}: a challenge window below {MIN_CHALLENGE_DURATION}.
    error VerifierChallengeWindowTooShort(uint256 given, uint256 minimum);
    /// @notice {challenge}: the leaf is past the model's last ({AggregateFraudProof}'s error, declared here too so that
    /// the verifier's ABI decodes it).
    error FraudProofLeafOutOfRange(uint256 leafIndex, uint256 leafCount);
    /// @notice {challenge}: opening `index` (the sum's is 2^256 − 1) has the wrong number of value bytes or siblings.
    error FraudProofMalformedOpening(uint256 index, uint256 valuesLength, uint256 proofLength);
    /// @notice {challenge}: opening `index` does not hash to its on-chain commitment.
    error FraudProofOpeningMismatch(uint256 index, bytes32 commitment, bytes32 opened);
    /// @notice {challenge}: the modexp precompile failed (out of gas).
    error FraudProofModExpFailed();
    /// @notice {setTerms}: a challenge window above {MAX_CHALLENGE_DURATION}.
    error VerifierChallengeWindowTooLong(uint256 given, uint256 maximum);
    /// @notice Opening a `Mash` round of `maxClients` above {MAX_PROVABLE_CLIENTS}: a challenge of its aggregate would
    /// not fit in one transaction, so a wrong sum could not be proven.
    error VerifierTooManyClientsToProve(uint256 taskId, uint256 maxClients, uint256 maximum);
    /// @notice {challenge}: `sent` wei is not the {CHALLENGE_BOND}.
    error VerifierWrongChallengeBond(uint256 sent, uint256 required);
    /// @notice {openDispute}: `challenger` already has a dispute of this round.
    error VerifierDisputeExists(uint256 roundId, address challenger);
    /// @notice `challenger` has no open dispute of this round.
    error VerifierNoDispute(uint256 roundId, address challenger);
    /// @notice The dispute waits for the other party's move (`turn`).
    error VerifierNotYourTurn(uint256 roundId, address challenger, DisputeTurn turn);
    /// @notice {pickNode} and {revealLeaf}/{revealNodes} are accepted up to the step's `deadline`.
    error VerifierDisputeDeadlinePassed(uint256 roundId, address challenger, uint64 deadline);
    /// @notice {closeDispute}: the step's `deadline` has not passed.
    error VerifierDisputeNotExpired(uint256 roundId, address challenger, uint64 deadline);
    /// @notice {settle}: `count` disputes are still open; each ends by its moves or {closeDispute}.
    error VerifierDisputesOpen(uint256 roundId, uint256 count);
    /// @notice {challenge}: the round is not a `Mash` round (a `Shamir` aggregate is checked by commitments).
    error VerifierNotChallengeable(uint256 roundId);
    /// @notice {challenge}: one opening per included vector (the included clients in {IFedmashCoordinator-includedClients}
    /// order, then the holder) is needed.
    error VerifierWrongOpeningCount(uint256 roundId, uint256 given, uint256 expected);
    /// @notice The batch sums given to {settle} are not the ones posted.
    error VerifierBatchSumsMismatch(uint256 roundId, bytes32 expectedHash, bytes32 actualHash);
    /// @notice `account` already claimed this round.
    error VerifierAlreadyClaimed(uint256 roundId, address account);
    /// @notice `account` is owed nothing by this round.
    error VerifierNothingToClaim(uint256 roundId, address account);
    /// @notice `account` may not join task `taskId`: not `allowed` by the owner on an allowlist-only task, or its
    /// `staked` wei are below the `requiredStake`.
    error VerifierNotAdmitted(uint256 taskId, address account, bool allowed, uint256 staked, uint256 requiredStake);
    /// @notice The stake is locked: `roundId`, the last round of the task `account` joined, is open, or is a `Shamir`
    /// round in which a client fault can still be proven ({IFedmashShamir-faultProofUntil}).
    error VerifierStakeLocked(uint256 taskId, address account, uint256 roundId);
    /// @notice Only the coordinator's FedmashShamir may forfeit a stake.
    error VerifierNotShamir(address caller);
    /// @notice A withdrawal of `requested` wei exceeds the `staked` amount.
    error VerifierInsufficientStake(uint256 taskId, address account, uint256 requested, uint256 staked);

    /// @notice Someone added `amount` to the task's pool.
    event TaskFunded(uint256 indexed taskId, address indexed from, uint256 amount, uint256 pool);
    /// @notice The owner set the task's terms.
    event TermsSet(
        uint256 indexed taskId,
        uint256 aggregatorBond,
        uint256 clientReward,
        uint256 aggregatorReward,
        uint64 challengeDuration
    );
    /// @notice The owner took `amount` out of the pool.
    event PoolWithdrawn(uint256 indexed taskId, address indexed to, uint256 amount, uint256 pool);
    /// @notice The aggregator accepted to serve the task with a bond of at most `maxBond` (0 withdraws the acceptance).
    event TaskAccepted(uint256 indexed taskId, address indexed aggregator, uint256 maxBond);
    /// @notice The aggregator added `amount` to its bond.
    event BondDeposited(uint256 indexed taskId, address indexed aggregator, uint256 amount, uint256 bond);
    /// @notice The aggregator took `amount` out of its bond.
    event BondWithdrawn(uint256 indexed taskId, address indexed aggregator, uint256 amount, uint256 bond);
    /// @notice Opening the round moved `amount` from the pool into the round's reserve.
    event RewardsReserved(uint256 indexed taskId, uint256 indexed roundId, uint256 amount);
    /// @notice The aggregate was posted: T is due by `deadline`; the sample seed is the hash of `aggregateBlock`.
    event VerificationStarted(
        uint256 indexed taskId,
        uint256 indexed roundId,
        uint256 aggregateBlock,
        uint256 includedCount,
        uint64 deadline
    );
    /// @notice The aggregator posted T (`batchSums`, m·k packed big-endian int64) under `sampleSeed`; the
    /// included clients commit by `deadline`, with the weight seed taken from this event's block.
    event BatchSumsPosted(
        uint256 indexed roundId,
        bytes32 sampleSeed,
        uint256 partitions,
        uint256 batches,
        bytes batchSums,
        uint64 deadline
    );
    /// @notice `recorder` stored the seed of tag `tag` (SAMPLE_SEED_TAG: σ, WEIGHT_SEED_TAG: σ_w), derived from the hash of
    /// `seedBlock`, so the later steps can read it after that hash leaves the 256-block window.
    event SeedRecorded(uint256 indexed roundId, bytes32 tag, uint256 seedBlock, bytes32 seed, address indexed recorder);
    /// @notice An included client committed; `x`, `y` is its point.
    event CommitmentPosted(uint256 indexed roundId, address indexed client, uint256 x, uint256 y, uint256 committedCount);
    /// @notice `Mash`: the aggregate was posted; it may be {challenge}d until `deadline`.
    event ChallengeWindowOpened(uint256 indexed roundId, bytes32 aggregateHash, uint64 deadline);
    /// @notice A challenge of leaf `leafIndex` found the posted sum right; the challenger's `bond` was burned.
    event ChallengeRejected(uint256 indexed roundId, address indexed challenger, uint256 leafIndex, uint256 bond);
    /// @notice `challenger` disputes the aggregate committed by `root`; the aggregator must move by `deadline`.
    event DisputeOpened(uint256 indexed roundId, address indexed challenger, bytes32 root, uint64 deadline);
    /// @notice The aggregator opened the node at (`depth`, `position`) of its tree: `nodes` are its descendants
    /// min(7, D − depth) levels below, left to right. The challenger must pick one by `deadline`.
    event DisputeNodesRevealed(
        uint256 indexed roundId,
        address indexed challenger,
        uint256 depth,
        uint256 position,
        bytes32[] nodes,
        uint64 deadline
    );
    /// @notice The challenger picked `node`, now at (`depth`, `position`); the aggregator must open it by `deadline`.
    event DisputeNodePicked(
        uint256 indexed roundId,
        address indexed challenger,
        uint256 depth,
        uint256 position,
        bytes32 node,
        uint64 deadline
    );
    /// @notice The aggregator opened leaf `leafIndex` of its tree: 16 int64 `values`. The challenger may {challenge}
    /// that leaf by `deadline`, even after the window.
    event DisputeLeafRevealed(
        uint256 indexed roundId,
        address indexed challenger,
        uint256 leafIndex,
        bytes values,
        uint64 deadline
    );
    /// @notice `challenger`'s dispute ended as `end`; `bond` wei of its bond went to the aggregator's task bond (0 when
    /// the dispute proved the fraud: the bond is then in the challenger's reward).
    event DisputeClosed(uint256 indexed roundId, address indexed challenger, DisputeEnd end, uint256 bond);
    /// @notice A challenge proved the posted sum wrong at `coordinate`: the round fails, `slashed` wei left the
    /// aggregator's bond, of which the challenger is owed half plus its bond (`challengerReward`) and each included
    /// client an equal share of the other half (`clientShare`); the division's remainder is burned.
    event AggregateFraudProven(
        uint256 indexed taskId,
        uint256 indexed roundId,
        address indexed challenger,
        uint256 coordinate,
        uint256 slashed,
        uint256 challengerReward,
        uint256 clientShare
    );
    /// @notice The round's verification ended: `paid` wei became claimable, `slashed` wei of the bond were burned,
    /// `released` wei went back to the pool.
    event VerificationSettled(
        uint256 indexed taskId,
        uint256 indexed roundId,
        Outcome outcome,
        uint256 committedCount,
        uint256 includedCount,
        uint256 paid,
        uint256 slashed,
        uint256 released
    );
    /// @notice `amount` of the aggregator's bond was burned: it stays in the contract, withdrawable by nobody.
    event AggregatorSlashed(uint256 indexed taskId, uint256 indexed roundId, address indexed aggregator, uint256 amount);
    /// @notice `account` was paid `amount` for the round.
    event RewardClaimed(uint256 indexed roundId, address indexed account, uint256 amount);
    /// @notice The owner set the task's admission policy.
    event AdmissionSet(uint256 indexed taskId, bool allowlistOnly, uint256 clientStake);
    /// @notice The owner allowed (or disallowed) `account` on the task's allowlist.
    event AllowlistChanged(uint256 indexed taskId, address indexed account, bool allowed);
    /// @notice `account`'s stake for the task changed by `delta` (positive: staked, negative: withdrawn) to `stake`.
    event StakeChanged(uint256 indexed taskId, address indexed account, int256 delta, uint256 stake);

    /// @notice Adds `msg.value` to the task's pool. Anyone may fund a task.
    function fundTask(uint256 taskId) external payable;

    /// @notice Sets the task's terms, effective from the next round. Task owner only, and not while a round of
    /// the task holds a reserve ({VerifierTaskBusy}).
    function setTerms(uint256 taskId, Terms calldata terms) external;

    /// @notice Sends `amount` of the unreserved pool to the owner.
    function withdrawPool(uint256 taskId, uint256 amount) external;

    /// @notice Sets who may join the task's rounds ({Admission}). Task owner only, not while a round holds a reserve
    /// ({VerifierTaskBusy}).
    function setAdmission(uint256 taskId, Admission calldata admission) external;

    /// @notice Adds (`allowed`) or removes `accounts` on the task's allowlist. Task owner only; takes effect at the next
    /// join (an account already in a round stays in it).
    function setAllowed(uint256 taskId, address[] calldata accounts, bool allowed) external;

    /// @notice Adds `msg.value` to the caller's stake for the task.
    function stake(uint256 taskId) external payable;

    /// @notice Sends `amount` of the caller's stake back; not while the last round of the task it joined is open, nor,
    /// for a `Shamir` round, until {IFedmashShamir-faultProofUntil} has passed ({VerifierStakeLocked}).
    function withdrawStake(uint256 taskId, uint256 amount) external;

    /// @notice Coordinator hook, on every join: reverts {VerifierNotAdmitted} unless `account` may join the task, and
    /// records the round as the last one the account joined (which locks its stake).
    function admit(uint256 taskId, address account) external;

    /// @notice FedmashShamir hook, once a client fault of `account` is proven: takes its whole stake for the task
    /// (sent to the caller, which shares it out) and removes it from the task's allowlist.
    /// @dev Reverts {VerifierNotShamir} for any other caller.
    /// @return amount The stake taken, possibly 0.
    function forfeitStake(uint256 taskId, address account) external returns (uint256 amount);

    /// @notice The task's admission policy.
    function admission(uint256 taskId) external view returns (Admission memory);

    /// @notice Whether the owner allowed `account` on the task's allowlist.
    function isAllowed(uint256 taskId, address account) external view returns (bool);

    /// @notice `account`'s stake for the task.
    function stakeOf(uint256 taskId, address account) external view returns (uint256);

    /// @notice The task's aggregator opts in to the task, accepting bonds of at most `maxBond`: posting an aggregate
    /// reverts ({VerifierBondNotAccepted}) while the round's `aggregatorBond` exceeds it. May be called again to raise
    /// or lower the cap (0 withdraws the acceptance of any bond); a bond already locked by a round stays locked.
    function acceptTask(uint256 taskId, uint256 maxBond) external;

    /// @notice Adds `msg.value` to the bond. The task's aggregator only.
    function depositBond(uint256 taskId) external payable;

    /// @notice Sends `amount` of the bond back to the aggregator; not while a round holds the lock.
    function withdrawBond(uint256 taskId, uint256 amount) external;

    /// @notice The aggregator posts T: m·k batch sums of the aggregate under the sample seed's partitions, as
    /// packed big-endian int64 (8 bytes each, order j·k + b). Fixes the sample seed; must come in a block after
    /// the aggregate's.
    function postBatchSums(uint256 roundId, bytes calldata batchSums) external;

    /// @notice Anyone stores the seed the round needs next, while its block hash is readable: σ in `BatchSums`,
    /// σ_w in `Commitments`. A seed is fixed by a block hash, so recording changes no value, only how long it can be
    /// read: T and the commitments then need no block hash, on any block time. Reverts {VerifierSeedNotReady} in
    /// the seed's block, {VerifierSeedExpired} past the window, {VerifierSeedAlreadyRecorded} if stored (T stores
    /// σ, the first commitment σ_w), {VerifierUnexpectedStage} in other stages.
    /// @return seed The recorded seed.
    function recordSeed(uint256 roundId) external returns (bytes32 seed);

    /// @notice An included client commits to its batch sums: C = (Σ w·S mod r)·G, on BN254 G1. Must come in a
    /// block after T's; the first commitment fixes the weight seed.
    function commit(uint256 roundId, uint256 x, uint256 y) external;

    /// @notice `Mash`: challenges leaf `leafIndex` (coordinates 16·leafIndex … 16·leafIndex + 15) of the posted sum.
    /// `openings` holds that leaf of every included masked vector, in {IFedmashCoordinator-includedClients} order
    /// then the holder's, and `aggregate` that leaf of the sum, each with its Merkle proof against its on-chain
    /// commitment. Send exactly {CHALLENGE_BOND}. If some coordinate does not decode to the posted value (in the
    /// task's mask group), the fraud is proven: the round settles `FraudProven` at once. Otherwise the challenge is
    /// rejected and the bond burned. Reverts (and keeps the bond) on openings that are not the committed ones.
    /// @return upheld Whether the fraud was proven.
    function challenge(
        uint256 roundId,
        uint256 leafIndex,
        AggregateFraudProof.Opening[] calldata openings,
        AggregateFraudProof.Opening calldata aggregate
    ) external payable returns (bool upheld);

    /// @notice Disputes the aggregate of `Mash` round `roundId` when its payload cannot be used (withheld, or not
    /// matching the committed root), with exactly {CHALLENGE_BOND}, during the challenge window. The aggregator must
    /// then open its committed tree, step by step, down a path `msg.sender` picks ({revealNodes}, {pickNode},
    /// {revealLeaf}); each move has the window's length to be made. At the leaf, `msg.sender` may {challenge} it
    /// (also after the window). Reverts {VerifierDisputeExists} for a second dispute by the same account.
    function openDispute(uint256 roundId) external payable;

    /// @notice The aggregator's move (anyone may send it): the descendants of `challenger`'s dispute node, 7 levels
    /// below (fewer near the leaves), left to right. Reverts unless they hash up to the node.
    function revealNodes(uint256 roundId, address challenger, bytes32[] calldata nodes) external;

    /// @notice The challenger's move: child `childIndex` of the last reveal, `child`, with the siblings from it up to
    /// the dispute node (bottom first). A padding leaf that is not all zeros proves the fraud at once.
    function pickNode(uint256 roundId, uint256 childIndex, bytes32 child, bytes32[] calldata proof) external;

    /// @notice The aggregator's last move (anyone may send it): the 16 int64 values of the leaf `challenger`'s dispute
    /// reached.
    function revealLeaf(uint256 roundId, address challenger, bytes calldata values) external;

    /// @notice Ends `challenger`'s dispute once its step deadline passed: the aggregator's missed move proves the
    /// fraud (the round fails `AggregateFraudProven`, paid as a challenge); the challenger's missed move gives its
    /// bond to the aggregator's task bond.
    function closeDispute(uint256 roundId, address challenger) external;

    /// @notice `challenger`'s dispute of `roundId` (turn `None` if it opened none), with the turn and deadline that apply
    /// now: at a node another dispute already had revealed (in time), the challenger's, one step from the later of that
    /// reveal and the dispute's arrival there.
    function disputeOf(uint256 roundId, address challenger) external view returns (Dispute memory);

    /// @notice How many disputes of `roundId` are open; {settle} waits for none. After a proven fraud it still counts
    /// the disputes that were open then, whose bonds {claim} refunds.
    function openDisputes(uint256 roundId) external view returns (uint256);

    /// @notice `Mash`: passes the round once its challenge window closed without a proven fraud. `Shamir`: ends the
    /// verification once every included client committed, or after the stage's deadline, or at once when the seed
    /// the round needs next was never recorded and its block hash is gone (`SeedExpired`).
    /// `batchSums` must be the posted T (ignored, and may be empty, when T was never posted).
    function settle(uint256 roundId, bytes calldata batchSums) external;

    /// @notice Pays `msg.sender` what `roundId` owes it (client reward, aggregator reward, or both).
    /// @return amount The wei sent.
    function claim(uint256 roundId) external returns (uint256 amount);

    /// @notice Coordinator hook: `roundId` of `taskId` opened; reserves `maxClients · clientReward +
    /// aggregatorReward` from the pool ({VerifierInsufficientPool} reverts the opening).
    function onRoundOpened(uint256 taskId, uint256 roundId, address aggregator, uint256 maxClients) external;

    /// @notice Coordinator hook: the aggregate was posted; locks the bond ({VerifierBondNotAccepted} or
    /// {VerifierInsufficientBond} reverts the posting). `Mash`: starts the `Challenge` stage, which lasts the terms'
    /// `challengeDuration`. `Shamir`: starts the `BatchSums` stage, which lasts `batchSumsDuration`; the commitments
    /// then get `commitDuration`.
    function onAggregatePosted(
        uint256 roundId,
        bytes32 aggregateHash,
        uint256 includedCount,
        uint64 batchSumsDuration,
        uint64 commitDuration
    ) external;

    /// @notice Coordinator hook: the round failed before its aggregate; its reserve goes back to the pool.
    function onRoundFailed(uint256 roundId) external;

    /// @notice The coordinator that deployed this verifier.
    function coordinator() external view returns (IFedmashCoordinator);

    /// @notice The task's money.
    function taskFunds(uint256 taskId) external view returns (TaskFunds memory);

    /// @notice The round's verification ({VerifierUnknownRound} if none).
    function verification(uint256 roundId) external view returns (RoundVerification memory);

    /// @notice σ = keccak256(abi.encode(blockhash(aggregateBlock), roundId, SAMPLE_SEED_TAG)); from storage once
    /// fixed, else computed ({VerifierSeedNotReady}, {VerifierSeedExpired}).
    function sampleSeed(uint256 roundId) external view returns (bytes32);

    /// @notice σ_w = keccak256(abi.encode(blockhash(batchSumsBlock), roundId, WEIGHT_SEED_TAG)); as {sampleSeed}.
    function weightSeed(uint256 roundId) external view returns (bytes32);

    /// @notice Whether `account` committed in `roundId`.
    function hasCommitted(uint256 roundId, address account) external view returns (bool);

    /// @notice The wei a {challenge} must send: burned when the challenge is rejected, returned when it is upheld.
    function CHALLENGE_BOND() external view returns (uint256);

    /// @notice The shortest `challengeDuration` {setTerms} accepts, in seconds.
    function MIN_CHALLENGE_DURATION() external view returns (uint64);

    /// @notice The longest `challengeDuration` {setTerms} accepts, in seconds (7 days): the window locks the bond and
    /// the included clients' stakes.
    function MAX_CHALLENGE_DURATION() external view returns (uint64);

    /// @notice The most clients a `Mash` round may admit ({VerifierTooManyClientsToProve} at opening): an upheld
    /// challenge at 128 clients costs about 8.5M gas and 95 KB of calldata (d = 101,770), inside EIP-7825's 2^24-gas
    /// transaction cap and geth's 128 KiB transaction size.
    function MAX_PROVABLE_CLIENTS() external view returns (uint256);

    /// @notice What {claim} would pay `account` for `roundId` now (0 once claimed).
    function claimable(uint256 roundId, address account) external view returns (uint256);

    /// @notice Σ pools + bonds + stakes + reserves + unclaimed rewards: what the contract owes; its balance minus
    /// {totalBurned}.
    function totalOwed() external view returns (uint256);

    /// @notice Σ slashes: wei burned, held by the contract and withdrawable by nobody (Σ of the tasks' `burned`).
    function totalBurned() external view returns (uint256);
}
