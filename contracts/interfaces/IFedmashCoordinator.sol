// SPDX-License-Identifier: MIT
// Tasks and rounds of fedmash: the on-chain state machine that client and aggregator workers react to.
pragma solidity ^0.8.28;

/// @title IFedmashCoordinator
/// @notice A task is a model being trained by federated learning: its owner opens rounds one after another,
/// registered clients join a round, train from its input model and submit their update's IPFS CID, and the
/// task's aggregator posts the aggregate and the next model. Every phase has a deadline; once it passed, anyone
/// may {advance} the round, so a round always ends in `Finalized` or `Failed`, never stuck.
/// @dev `Mode.Plain` runs Joining -> Submission -> Aggregation -> Finalized. `Mode.Mash` runs Joining -> Grouping ->
/// Shuffle -> Submission -> Completion -> Aggregation -> Verification -> Finalized: the contract picks a total-sum
/// holder and forms shuffle groups from the others, the groups pass their seed-shuffle messages and encrypted group
/// sums through this contract (calldata and events), and the included groups are fixed before the holder completes
/// the masks. `Mode.Shamir` runs Joining -> Submission -> Aggregation -> Verification -> Finalized: clients submit
/// the manifest of their Shamir shares as in `Plain`, the task's servers post their share-sums to the
/// {IFedmashShamir} contract during `Aggregation`, and the aggregate needs the task's threshold of them.
/// `Verification` (both secure modes) is run by the {IFedmashVerifier} this contract deploys.
interface IFedmashCoordinator {
    /// @notice How updates are protected and aggregated: in the clear, MASH masks, or Shamir shares held by servers.
    enum Mode {
        Plain,
        Mash,
        Shamir
    }

    /// @notice Where a round stands. `None` is the phase of a round that was never opened.
    enum Phase {
        None,
        Joining,
        Grouping,
        Shuffle,
        Submission,
        Completion,
        Aggregation,
        Verification,
        Finalized,
        Failed
    }

    /// @notice Why a round ended in `Failed`; `None` while it has not failed. `ServersMissing`: a `Shamir` round's
    /// `Aggregation` deadline passed with fewer share-sums than the task's threshold. `TooFewIncluded`: a `Mash` or
    /// `Shamir` round's included set was fixed (or could no longer reach) below the task's `minIncluded`, so nothing
    /// was unmasked or summed. `DrawExpired`: a `Mash` round's draw was not poked within 256 blocks after `drawBlock`,
    /// so its hash can no longer be read; the round fails rather than draw again, which would let a silent keeper
    /// re-roll a draw it had already seen. `AggregateFraudProven`: a `Mash` round's aggregate was proven wrong on-chain
    /// ({IFedmashVerifier-challenge}); its aggregator was slashed. `SeedExpired`: a `Mash` or `Shamir` round's verification needed a seed whose
    /// block hash left the 256-block window before anyone recorded it ({IFedmashVerifier-recordSeed}); nobody is slashed.
    enum FailureReason {
        None,
        NotEnoughClients,
        NoSubmissions,
        AggregatorMissing,
        HolderMissing,
        VerificationFailed,
        Cancelled,
        CommitmentsMissing,
        AggregateFraudProven,
        ServersMissing,
        TooFewIncluded,
        DrawExpired,
        SeedExpired
    }

    /// @notice The group a `Mash` task's masks live in; the contract never computes in it, the workers do
    /// (docs/MASKING.md). `Rlwr2048`, the default of a zeroed config, is the secure ring-LWR group, whose decoding
    /// sums at most 2048 masked vectors (the holder's included), so a task using it admits at most 2047 clients.
    /// `PaperCompat` is the MASH paper's original group, kept to reproduce the paper's figures.
    enum MaskGroup {
        Rlwr2048,
        PaperCompat
    }

    /// @notice The fixed parameters of a task.
    /// @param mode The aggregation mode of every round of the task.
    /// @param aggregator The account, registered as `Role.Aggregator`, that aggregates every round.
    /// @param modelSize Number of parameters of the flat model vector.
    /// @param minClients Fewest joined clients a round needs to go on once joining closes.
    /// @param maxClients Most clients a round admits; the round leaves joining as soon as it is full.
    /// @param joinDuration Seconds the Joining phase lasts at most.
    /// @param submitDuration Seconds the Submission phase lasts at most.
    /// @param aggregateDuration Seconds the aggregator has to post the aggregate.
    /// @param modelKind The model architecture the CIDs hold, e.g. "mlp" or "cnn".
    /// @param groupSize `Mash`: the targeted shuffle group size; groups get `groupSize` to `2 * groupSize - 1`
    /// members. Ignored by `Plain` and `Shamir`.
    /// @param quantizationScale `Mash` and `Shamir`: the fixed-point scale updates are quantized with (10^4 in the
    /// paper). Ignored by `Plain`; stored for the workers, the contract does not use it.
    /// @param clipMillionths `Mash` and `Shamir`: the clipping bound of each coordinate, in millionths. Ignored by
    /// `Plain`; stored for the workers, the contract does not use it.
    /// @param keyDuration `Mash`: seconds the holder has to post its Paillier key (phase `Grouping`).
    /// @param shuffleDuration `Mash`: seconds the groups have to shuffle and post their sums (phase `Shuffle`).
    /// @param completionDuration `Mash`: seconds the holder has to submit its own update (phase `Completion`).
    /// @param minIncluded `Mash` and `Shamir`: the fewest clients whose updates may be summed (`Mash`: the included
    /// groups' members plus the holder; `Shamir`: the frozen set of submitters), at least 3 and at most `maxClients`;
    /// 0 at creation means `max(3, minClients)`, and the stored task holds the value in force. Ignored by `Plain`,
    /// which has no privacy to protect.
    /// @param maskGroup `Mash`: the group the masks live in, see {MaskGroup}. Ignored by `Plain` and `Shamir`.
    struct TaskConfig {
        Mode mode;
        address aggregator;
        uint32 modelSize;
        uint32 minClients;
        uint32 maxClients;
        uint64 joinDuration;
        uint64 submitDuration;
        uint64 aggregateDuration;
        string modelKind;
        uint32 groupSize;
        uint32 quantizationScale;
        uint32 clipMillionths;
        uint64 keyDuration;
        uint64 shuffleDuration;
        uint64 completionDuration;
        uint32 minIncluded;
        MaskGroup maskGroup;
    }

    /// @notice A task as stored.
    /// @param config The fixed parameters given at creation.
    /// @param owner The creator, the only account that opens (and may cancel) rounds.
    /// @param currentModelCid The model of the last finalized round, or the initial model before any.
    /// @param roundCount How many rounds the task opened.
    /// @param lastRoundId The global id of the task's most recent round, 0 before the first.
    struct TaskView {
        TaskConfig config;
        address owner;
        string currentModelCid;
        uint256 roundCount;
        uint256 lastRoundId;
    }

    /// @notice A round as workers need to see it.
    /// @param taskId The task the round belongs to.
    /// @param index Position of the round within its task, from 1.
    /// @param mode The task's mode, copied when the round opened.
    /// @param phase The current phase.
    /// @param deadline End of the current phase (unix seconds); 0 once the round is terminal.
    /// @param openedAt When the round was opened.
    /// @param modelCid The input model clients train from.
    /// @param aggregateCid The aggregate of the updates, once posted.
    /// @param newModelCid The model the aggregate produced, once posted.
    /// @param aggregateHash Hash of the aggregate's content, once posted.
    /// @param joinedCount Number of clients that joined.
    /// @param submittedCount Number of clients that submitted an update.
    /// @param failureReason Why the round failed, `None` otherwise.
    struct RoundView {
        uint256 taskId;
        uint256 index;
        Mode mode;
        Phase phase;
        uint64 deadline;
        uint64 openedAt;
        string modelCid;
        string aggregateCid;
        string newModelCid;
        bytes32 aggregateHash;
        uint256 joinedCount;
        uint256 submittedCount;
        FailureReason failureReason;
    }

    /// @notice One client's update in one round.
    /// @param cid IPFS CID of the update payload.
    /// @param contentHash Hash of the payload, so that a fetched copy can be checked.
    /// @param numSamples Number of local training samples, the FedAvg weight.
    /// @param loss Local training loss, fixed point with 18 decimals.
    /// @param submitted False for a client that has not submitted (all other fields are then zero).
    struct Submission {
        string cid;
        bytes32 contentHash;
        uint64 numSamples;
        uint256 loss;
        bool submitted;
    }

    /// @notice The MASH state of a round; all zero for a `Plain` round and before groups are formed.
    /// @param holder The total-sum holder, drawn when the round left `Joining`; it is in no group.
    /// @param groupingSeed The randomness the holder and the groups were drawn from.
    /// @param groupCount Number of shuffle groups.
    /// @param holderKeyHash keccak256 of the holder's posted Paillier public key.
    /// @param groupSumCount Number of groups whose leader posted the encrypted group sum.
    /// @param includedGroupCount Number of included groups (sum posted and every member submitted), fixed when the
    /// round entered `Completion`; 0 before.
    /// @param includedClientCount Members of the included groups, the holder not counted; 0 before `Completion`.
    /// @param holderSubmitted Whether the holder submitted its masked update.
    /// @param drawBlock The block whose hash draws the holder and the groups, set when the round entered `Grouping`
    /// (and again if that hash expired before the draw); 0 before.
    struct MashRoundView {
        address holder;
        bytes32 groupingSeed;
        uint256 groupCount;
        bytes32 holderKeyHash;
        uint256 groupSumCount;
        uint256 includedGroupCount;
        uint256 includedClientCount;
        bool holderSubmitted;
        uint256 drawBlock;
    }

    /// @notice One shuffle group of a `Mash` round.
    /// @param members The members in chain order: position 0 sends first, the last position is the leader.
    /// @param shuffleStep The position whose turn it is; equals the leader's position once every other member posted.
    /// @param sumPosted Whether the leader posted the encrypted group sum.
    /// @param included Whether the group is included (fixed when the round entered `Completion`).
    /// @param sumHash keccak256 of the posted encrypted group sum.
    /// @param submittedCount Members that submitted their masked update.
    struct GroupView {
        address[] members;
        uint256 shuffleStep;
        bool sumPosted;
        bool included;
        bytes32 sumHash;
        uint256 submittedCount;
    }

    /// @notice The registry given to the constructor has no code.
    error CoordinatorInvalidRegistry(address registry);

    /// @notice The verifier factory returned a verifier whose coordinator is not this contract.
    error CoordinatorInvalidVerifier(address verifier);

    /// @notice {createTask} cannot create a task of this mode: `Shamir` tasks need {createShamirTask}.
    error CoordinatorModeUnsupported(Mode mode);

    /// @notice A task parameter is out of range; `reason` names it.
    error CoordinatorInvalidConfig(string reason);

    /// @notice An `Rlwr2048` task's aggregate bound `maxClients · perClientBound` exceeds `maxBound` (2^28 - 1), the
    /// largest |Σg| its masks decode exactly; `perClientBound` is round(clipMillionths · quantizationScale / 10^6).
    error CoordinatorAggregateBoundTooLarge(
        uint256 maxClients,
        uint256 perClientBound,
        uint256 aggregateBound,
        uint256 maxBound
    );

    /// @notice A CID argument is empty.
    error CoordinatorEmptyCid();

    /// @notice An update must be trained on at least one sample.
    error CoordinatorZeroSamples();

    /// @notice A `Mash` or `Shamir` round must start from the task's initial model or a model one of its verified
    /// rounds produced: `given` is none of them (`expected` is the current one, the latest). Stops laundering a model
    /// that no verification passed into the chain of verified models.
    error CoordinatorModelNotCurrent(uint256 taskId, string given, string expected);

    /// @notice No task has this id.
    error CoordinatorUnknownTask(uint256 taskId);

    /// @notice No round has this id.
    error CoordinatorUnknownRound(uint256 roundId);

    /// @notice Only the task's owner may do this.
    error CoordinatorNotTaskOwner(uint256 taskId, address caller);

    /// @notice The account is not an active aggregator, or not the task's aggregator.
    error CoordinatorNotAggregator(address account);

    /// @notice The account is not an active registered client.
    error CoordinatorNotClient(address account);

    /// @notice The task's previous round has not ended yet.
    error CoordinatorRoundInProgress(uint256 taskId, uint256 roundId);

    /// @notice The round is in phase `current`; `allowed` has bit `1 << uint8(phase)` set for each phase that is.
    error CoordinatorUnexpectedPhase(uint256 roundId, Phase current, bytes32 allowed);

    /// @notice The current phase still runs until `deadline`, so it cannot be advanced yet.
    error CoordinatorDeadlineNotPassed(uint256 roundId, Phase phase, uint64 deadline);

    /// @notice The current phase ended at `deadline`; the round must be advanced, late actions are refused.
    error CoordinatorDeadlinePassed(uint256 roundId, Phase phase, uint64 deadline);

    /// @notice The client already joined this round.
    error CoordinatorAlreadyJoined(uint256 roundId, address client);

    /// @notice The round already has `maxClients` clients.
    error CoordinatorRoundFull(uint256 roundId, uint32 maxClients);

    /// @notice The account did not join this round.
    error CoordinatorNotParticipant(uint256 roundId, address account);

    /// @notice The client already submitted its update for this round.
    error CoordinatorAlreadySubmitted(uint256 roundId, address client);

    /// @notice The caller is not the round's total-sum holder.
    error CoordinatorNotHolder(uint256 roundId, address account);

    /// @notice The account is in no shuffle group of the round (it did not join, is the holder, or the round has no
    /// groups).
    error CoordinatorNotGroupMember(uint256 roundId, address account);

    /// @notice The caller is a member of group `groupIndex` but not its leader (its last position).
    error CoordinatorNotLeader(uint256 roundId, uint256 groupIndex, address account);

    /// @notice It is position `expectedPosition`'s turn in the group, not `position`'s. A leader posting a shuffle
    /// message gets this error too: its turn is {postGroupSum}.
    error CoordinatorWrongShuffleTurn(uint256 roundId, uint256 groupIndex, uint256 expectedPosition, uint256 position);

    /// @notice The group's leader already posted the group sum.
    error CoordinatorGroupSumAlreadyPosted(uint256 roundId, uint256 groupIndex);

    /// @notice The group posted no sum, so its members' masked updates cannot be unmasked and are refused.
    error CoordinatorGroupExcluded(uint256 roundId, uint256 groupIndex);

    /// @notice No group of the round has this index.
    error CoordinatorUnknownGroup(uint256 roundId, uint256 groupIndex);

    /// @notice A key, shuffle message or group sum is empty.
    error CoordinatorEmptyMessage();

    /// @notice A key, shuffle message or group sum is longer than `max` bytes.
    error CoordinatorMessageTooLarge(uint256 length, uint256 max);

    /// @notice Only the verifier this coordinator deployed may conclude a verification.
    error CoordinatorNotVerifier(address caller);

    /// @notice A `Shamir` round's aggregate cannot have been reconstructed: only `posted` share-sums were posted to
    /// {IFedmashShamir}, `threshold` are needed.
    error ShamirNotEnoughShareSums(uint256 roundId, uint32 posted, uint32 threshold);

    /// @notice Emitted when `owner` creates task `taskId`.
    event TaskCreated(
        uint256 indexed taskId,
        address indexed owner,
        Mode mode,
        address indexed aggregator,
        string initialModelCid
    );

    /// @notice Emitted when round `roundId`, the `index`-th of task `taskId`, opens for joining.
    event RoundOpened(uint256 indexed taskId, uint256 indexed roundId, uint256 index, string modelCid, uint64 joinDeadline);

    /// @notice Emitted when `client` joins; `joinedCount` counts it.
    event ClientJoined(uint256 indexed roundId, address indexed client, uint256 joinedCount);

    /// @notice Emitted on every phase change, opening included; `deadline` ends the new phase (0 when terminal).
    event PhaseChanged(uint256 indexed roundId, Phase previous, Phase current, uint64 deadline);

    /// @notice Emitted when `client` submits its update.
    event UpdateSubmitted(
        uint256 indexed roundId,
        address indexed client,
        string cid,
        bytes32 contentHash,
        uint64 numSamples,
        uint256 loss
    );

    /// @notice Emitted when the aggregator posts the round's aggregate and the model it produced.
    event AggregatePosted(
        uint256 indexed roundId,
        address indexed aggregator,
        string aggregateCid,
        string modelCid,
        bytes32 aggregateHash
    );

    /// @notice Emitted once, when a `Mash` round enters `Grouping`: the holder and the groups will be drawn from
    /// `blockhash(drawBlock)` by the first {advance} mined after block `drawBlock`, within 256 blocks of it (later,
    /// the round fails with `DrawExpired`; it is never re-armed).
    event GroupsDrawArmed(uint256 indexed roundId, uint256 drawBlock);

    /// @notice Emitted by the {advance} that draws a `Mash` round's groups: `holder` was drawn from `seed`, and
    /// `groupCount` {GroupFormed} events follow.
    event GroupsFormed(uint256 indexed roundId, address indexed holder, uint256 groupCount, bytes32 seed);

    /// @notice Emitted once per group by the {advance} that draws a `Mash` round's groups; `members` in chain order,
    /// the last one leads.
    event GroupFormed(uint256 indexed roundId, uint256 indexed groupIndex, address[] members);

    /// @notice Emitted when the holder posts the round's Paillier public key.
    event HolderKeyPosted(uint256 indexed roundId, address indexed holder, bytes paillierPublicKey);

    /// @notice Emitted when the member at `position` of group `groupIndex` posts its shuffle message for the next
    /// member.
    event ShuffleMessagePosted(
        uint256 indexed roundId,
        uint256 indexed groupIndex,
        uint256 position,
        address indexed sender,
        bytes message
    );

    /// @notice Emitted when a group's leader posts the encrypted group sum for the holder.
    event GroupSumPosted(
        uint256 indexed roundId,
        uint256 indexed groupIndex,
        address indexed leader,
        bytes encryptedSum
    );

    /// @notice Emitted when a `Mash` round enters `Completion`: the groups whose sum arrived and whose every member
    /// submitted, ascending; `includedClients` counts their members, the holder not included.
    event GroupsIncluded(uint256 indexed roundId, uint256[] groupIndices, uint256 includedClients);

    /// @notice Emitted when a round succeeds; `modelCid` becomes the task's current model.
    event RoundFinalized(uint256 indexed taskId, uint256 indexed roundId, string modelCid);

    /// @notice Emitted when a round ends without a new model.
    event RoundFailed(uint256 indexed taskId, uint256 indexed roundId, FailureReason reason);

    /// @notice Creates a `Plain` or `Mash` task owned by the caller.
    /// @dev Reverts {CoordinatorModeUnsupported} for `Shamir` (see {createShamirTask}), {CoordinatorNotAggregator} if
    /// `config.aggregator` is not an active aggregator, {CoordinatorInvalidConfig} for `modelSize` 0,
    /// `minClients` 0 or above `maxClients`, a duration of 0 or above one year, or an empty `modelKind`, and
    /// {CoordinatorEmptyCid} for an empty `initialModelCid`. `Mash` also needs `groupSize` in [3, 16],
    /// `minClients` >= 4 (a holder and one group of three: in a group of two each member could subtract its own
    /// seed from the group sum and learn the other's), `maxClients` <= 2047 with `MaskGroup.Rlwr2048` and
    /// <= {MAX_MASH_CLIENTS} (so that forming groups fits in a block), non-zero `quantizationScale` and
    /// `clipMillionths`, its three durations in the same range, and `minIncluded` 0 or in [3, `maxClients`];
    /// `Plain` ignores those nine fields.
    /// @param config The task's fixed parameters.
    /// @param initialModelCid IPFS CID of the model the first round starts from.
    /// @return taskId The new task's id; ids start at 1.
    function createTask(TaskConfig calldata config, string calldata initialModelCid) external returns (uint256 taskId);

    /// @notice Creates a `Shamir` task owned by the caller, served by `servers` with threshold `threshold`.
    /// @dev Reverts {CoordinatorInvalidConfig} ("mode is not Shamir") unless `config.mode` is `Shamir`, then as
    /// {createTask} for the common fields; `Shamir` also needs `maxClients` <= {MAX_MASH_CLIENTS} (the verifier
    /// reserves rewards for at most that many), non-zero `quantizationScale` and `clipMillionths`, and `minIncluded`
    /// in [3, `maxClients`] or 0 with `maxClients` >= 3 ("maxClients below 3": no round could reach the default
    /// floor), with the reason strings of `Mash`, and ignores the five other `Mash` fields. The servers are checked by
    /// {IFedmashShamir-configureServers}: {IFedmashShamir-ShamirTooManyServers},
    /// {IFedmashShamir-ShamirInvalidThreshold} unless 2 <= threshold <= servers.length,
    /// {IFedmashShamir-ShamirNotServer} and {IFedmashShamir-ShamirDuplicateServer}.
    /// @param config The task's fixed parameters.
    /// @param initialModelCid IPFS CID of the model the first round starts from.
    /// @param servers The servers, registered as `Role.Server`, in share order: client shares for x = j + 1 go to
    /// `servers[j]`.
    /// @param threshold t, the number of share-sums that reconstruct an aggregate.
    /// @return taskId The new task's id.
    function createShamirTask(
        TaskConfig calldata config,
        string calldata initialModelCid,
        address[] calldata servers,
        uint32 threshold
    ) external returns (uint256 taskId);

    /// @notice Opens the task's next round, in phase `Joining` until `now + joinDuration`.
    /// @dev Task owner only ({CoordinatorNotTaskOwner}). Reverts {CoordinatorRoundInProgress} while the previous
    /// round is not terminal, {CoordinatorEmptyCid} for an empty `modelCid`, {CoordinatorNotAggregator} if
    /// the task's aggregator deactivated (the round could only fail), and, in `Mash` and `Shamir`,
    /// {CoordinatorModelNotCurrent} unless `modelCid` is the task's `currentModelCid`: a secure round only ever
    /// trains on the initial model or a model whose verification passed, so by induction every model of the task
    /// descends from the initial one through verified rounds only. A task's mode never changes.
    /// @param taskId The task.
    /// @param modelCid IPFS CID of the input model: in `Plain` any model (normally the current one); in `Mash` and
    /// `Shamir` exactly the task's current model.
    /// @return roundId The new round's global id; ids start at 1.
    function openRound(uint256 taskId, string calldata modelCid) external returns (uint256 roundId);

    /// @notice Joins the round as a client. The `maxClients`-th join moves the round on at once: to `Submission`
    /// in `Plain` and `Shamir`, to `Grouping` in `Mash`, which arms the draw of the groups for a later block (see
    /// {advance}): nothing the joining transaction can read decides the holder.
    /// @dev Reverts {CoordinatorNotClient} for a caller that is not an active client,
    /// {CoordinatorAlreadyJoined}, {CoordinatorRoundFull}, {CoordinatorUnexpectedPhase} outside `Joining`, and
    /// {CoordinatorDeadlinePassed} once joining closed.
    /// @param roundId The round.
    function join(uint256 roundId) external;

    /// @notice Submits the caller's update. In `Plain` and `Shamir` (where `cid` is the manifest of the client's
    /// encrypted shares) the last joined client's submission moves the round to `Aggregation` at once, which freezes
    /// the submitted set. In `Mash` the update is masked: members of groups whose sum was posted submit in
    /// `Submission`, and once every one of them did the round enters `Completion` at once; the holder submits in
    /// `Completion`, which moves the round to `Aggregation` at once. In both secure modes a set fixed below the
    /// task's `minIncluded` fails the round (`TooFewIncluded`) instead, see {advance}.
    /// @dev Reverts {CoordinatorNotParticipant} for a caller that did not join, {CoordinatorAlreadySubmitted},
    /// {CoordinatorUnexpectedPhase} outside `Submission` (for the `Mash` holder: outside `Completion`),
    /// {CoordinatorDeadlinePassed} once the phase closed, {CoordinatorGroupExcluded} for a member of a group
    /// without a posted sum, {CoordinatorEmptyCid} and {CoordinatorZeroSamples}.
    /// @param roundId The round.
    /// @param cid IPFS CID of the update payload.
    /// @param contentHash Hash of the payload.
    /// @param numSamples Number of local training samples, at least 1.
    /// @param loss Local training loss, fixed point with 18 decimals.
    function submitUpdate(
        uint256 roundId,
        string calldata cid,
        bytes32 contentHash,
        uint64 numSamples,
        uint256 loss
    ) external;

    /// @notice Posts the round's aggregate and the model it produced. In `Plain` mode this finalizes the round
    /// and `modelCid` becomes the task's current model; `Mash` and `Shamir` rounds enter `Verification`, whose
    /// deadline is `aggregateDuration + submitDuration` from now, and the verifier locks the aggregator's bond.
    /// @dev The task's aggregator only ({CoordinatorNotAggregator}). Reverts {CoordinatorUnexpectedPhase}
    /// outside `Aggregation`, {CoordinatorDeadlinePassed} once the aggregation deadline passed,
    /// {CoordinatorEmptyCid} for an empty CID, {ShamirNotEnoughShareSums} for a `Shamir` round with fewer
    /// share-sums than its task's threshold, and {IFedmashVerifier-VerifierInsufficientBond}.
    /// @param roundId The round.
    /// @param aggregateCid IPFS CID of the aggregated update.
    /// @param modelCid IPFS CID of the new model.
    /// @param aggregateHash Hash of the aggregate's content.
    function postAggregate(
        uint256 roundId,
        string calldata aggregateCid,
        string calldata modelCid,
        bytes32 aggregateHash
    ) external;

    /// @notice Moves a round whose phase deadline passed, or draws a `Mash` round's groups. Anyone may call it.
    /// `Plain`: `Joining` goes to `Submission` with at least `minClients` joined, else fails (`NotEnoughClients`);
    /// `Submission` goes to `Aggregation` with at least one update, else fails (`NoSubmissions`); `Aggregation`
    /// fails (`AggregatorMissing`).
    /// `Mash`: `Joining` goes to `Grouping` with at least `minClients` joined, else fails (`NotEnoughClients`), or
    /// with fewer than `minIncluded` joined fails (`TooFewIncluded`); entering `Grouping` sets
    /// `drawBlock = block.number + 1` ({GroupsDrawArmed}) and forms no groups yet. In `Grouping` without groups,
    /// `advance` needs no deadline: while `block.number <= drawBlock` it does nothing (it only gets the block mined);
    /// once `blockhash(drawBlock)` exists it draws the holder and the groups ({GroupsFormed}, {GroupFormed}) and the
    /// holder's key deadline restarts at `now + keyDuration`; if that hash expired (more than 256 blocks passed) the
    /// round fails (`DrawExpired`): a draw is never re-armed, since every keeper can read the expired hash's draw
    /// and a re-arm would let one that stayed silent re-roll it. After the draw, `Grouping` fails (`HolderMissing`); `Shuffle` goes
    /// to `Submission` with at least one group sum, else fails (`NotEnoughClients`); `Submission` goes to
    /// `Completion` with at least one complete group, else fails (`NoSubmissions`), and entering `Completion` with
    /// fewer than `minIncluded` included (the included groups' members plus the holder) fails (`TooFewIncluded`);
    /// `Completion` fails (`HolderMissing`); `Aggregation` fails (`AggregatorMissing`).
    /// The draw: `seed = keccak256(abi.encode(blockhash(drawBlock), address(this), roundId, participants))`, the
    /// holder `participants[seed % n]`, and the other participants (in joining order) shuffled by Fisher-Yates:
    /// `r = seed`, then for `i` from `n - 2` down to 1, `r = keccak256(r)` and swap `i` with `r % (i + 1)`. With
    /// `G = max(1, (n - 1) / groupSize)` groups, the `k`-th shuffled client is member `k / G` of group `k % G`;
    /// every group has at least 3 members. No join or advance can read `blockhash(drawBlock)` when it is sent, so
    /// none can pick the holder; the proposer of block `drawBlock` still can bias it (docs/SHUFFLE.md).
    /// `Shamir`: as `Plain`, except that `Joining` fails (`TooFewIncluded`) with fewer than `minIncluded` joined,
    /// `Submission` fails (`TooFewIncluded`) with at least one but fewer than `minIncluded` updates, and
    /// `Aggregation` fails with `ServersMissing` when fewer share-sums than the task's threshold were posted.
    /// `Verification` is not advanced here: {IFedmashVerifier-settle} ends it.
    /// @dev Reverts {CoordinatorUnexpectedPhase} for a terminal round or one in `Verification`, and
    /// {CoordinatorDeadlineNotPassed} while `block.timestamp <= deadline` (except for a `Mash` draw).
    /// @param roundId The round.
    function advance(uint256 roundId) external;

    /// @notice Cancels a round before aggregation started: it fails with `Cancelled`, so that the owner can open
    /// a new one without waiting for the deadlines.
    /// @dev Task owner only ({CoordinatorNotTaskOwner}); {CoordinatorUnexpectedPhase} outside `Joining` and
    /// `Submission` (every mode), and for `Mash` also `Grouping`, `Shuffle` and `Completion`.
    /// @param roundId The round.
    function cancelRound(uint256 roundId) external;

    /// @notice `Mash`: the holder posts the round's fresh Paillier public key, which moves the round to `Shuffle`.
    /// @dev Reverts {CoordinatorNotHolder}, {CoordinatorUnexpectedPhase} outside `Grouping`,
    /// {CoordinatorDeadlinePassed}, {CoordinatorEmptyMessage} and {CoordinatorMessageTooLarge}. Only the key's
    /// keccak256 is stored; the key itself is in the {HolderKeyPosted} event.
    /// @param roundId The round.
    /// @param paillierPublicKey The key as the workers encode it (the modulus `n`, big-endian).
    function postHolderKey(uint256 roundId, bytes calldata paillierPublicKey) external;

    /// @notice `Mash`: a group member that is not the leader posts its shuffle message for the next member, in
    /// position order; the message is only in the {ShuffleMessagePosted} event.
    /// @dev Reverts {CoordinatorNotGroupMember}, {CoordinatorUnexpectedPhase} outside `Shuffle`,
    /// {CoordinatorDeadlinePassed}, {CoordinatorWrongShuffleTurn} unless the caller's position is the group's
    /// `shuffleStep` (always for the leader), {CoordinatorEmptyMessage} and {CoordinatorMessageTooLarge}.
    /// @param roundId The round.
    /// @param message The onion-encrypted vector for the next member.
    function postShuffleMessage(uint256 roundId, bytes calldata message) external;

    /// @notice `Mash`: a group's leader posts the encrypted group sum once every other member posted its shuffle
    /// message. When every group has its sum, the round moves to `Submission` at once.
    /// @dev Reverts {CoordinatorNotGroupMember}, {CoordinatorNotLeader}, {CoordinatorGroupSumAlreadyPosted},
    /// {CoordinatorUnexpectedPhase} outside `Shuffle`, {CoordinatorDeadlinePassed}, {CoordinatorWrongShuffleTurn}
    /// while a member before the leader has not posted, {CoordinatorEmptyMessage} and
    /// {CoordinatorMessageTooLarge}. Only the sum's keccak256 is stored; the sum is in the {GroupSumPosted} event.
    /// @param roundId The round.
    /// @param encryptedSum The Paillier-encrypted sum of the group's seeds.
    function postGroupSum(uint256 roundId, bytes calldata encryptedSum) external;

    /// @notice The participant registry this coordinator reads.
    /// @return The registry's address.
    function registry() external view returns (address);

    /// @notice The {IFedmashVerifier} this coordinator deployed in its constructor: it runs the `Verification`
    /// phase of `Mash` and `Shamir` rounds and holds the tasks' reward pools and the aggregators' bonds.
    function verifier() external view returns (address);

    /// @notice The {IFedmashShamir} this coordinator deployed in its constructor: it holds the servers and threshold
    /// of `Shamir` tasks and the share-sums of their rounds.
    function shamir() external view returns (address);

    /// @notice Called by the verifier when it settled the `Verification` phase of `roundId`: `reason == None`
    /// finalizes the round (and makes its new model the task's current model), any other reason fails it.
    /// @dev Reverts with {CoordinatorNotVerifier} for any other caller and {CoordinatorUnexpectedPhase} outside
    /// `Verification`.
    function concludeVerification(uint256 roundId, FailureReason reason) external;

    /// @notice Whether `account`'s update is part of the aggregate. `Mash`: a member of an included group, or the
    /// holder once it submitted. `Shamir`: a client that submitted (the set is frozen once `Aggregation` starts).
    /// These are the clients that commit in `Verification`. Always false in `Plain`.
    function isIncluded(uint256 roundId, address account) external view returns (bool);

    /// @notice The round's current phase.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @return The phase as stored; a passed deadline shows only once someone calls {advance}.
    function phase(uint256 roundId) external view returns (Phase);

    /// @notice The few fields another contract needs to act on a round, without copying its CIDs.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @return taskId The round's task.
    /// @return mode The round's mode.
    /// @return currentPhase The phase as stored.
    /// @return deadline The end of that phase; 0 once terminal.
    function roundStatus(
        uint256 roundId
    ) external view returns (uint256 taskId, Mode mode, Phase currentPhase, uint64 deadline);

    /// @notice The task's configuration and progress.
    /// @dev Reverts {CoordinatorUnknownTask}.
    /// @param taskId The task.
    /// @return The task.
    function task(uint256 taskId) external view returns (TaskView memory);

    /// @notice The round's state.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @return The round.
    function round(uint256 roundId) external view returns (RoundView memory);

    /// @notice The clients that joined the round, in joining order.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @return The joined clients.
    function participants(uint256 roundId) external view returns (address[] memory);

    /// @notice The update `client` submitted in the round; `submitted` is false if there is none.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @param client The client.
    /// @return The submission.
    function submission(uint256 roundId, address client) external view returns (Submission memory);

    /// @notice Whether `client` joined the round.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @param client The client.
    /// @return True if it joined.
    function hasJoined(uint256 roundId, address client) external view returns (bool);

    /// @notice The MASH state of the round; all zero for a `Plain` round or before the groups are formed.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @return The holder, the grouping seed, and the progress counters.
    function mashRound(uint256 roundId) external view returns (MashRoundView memory);

    /// @notice One shuffle group of a `Mash` round.
    /// @dev Reverts {CoordinatorUnknownRound}, and {CoordinatorUnknownGroup} for `groupIndex >= groupCount`.
    /// @param roundId The round.
    /// @param groupIndex The group, from 0.
    /// @return The group's members in chain order and its progress.
    function group(uint256 roundId, uint256 groupIndex) external view returns (GroupView memory);

    /// @notice Where `account` sits in the round's shuffle groups.
    /// @dev Reverts {CoordinatorUnknownRound}.
    /// @param roundId The round.
    /// @param account Any account.
    /// @return isMember False for the holder, non-participants, `Plain` rounds and before the groups are formed.
    /// @return groupIndex Its group, 0 when not a member.
    /// @return position Its position in the group's chain, 0 when not a member.
    function memberOf(
        uint256 roundId,
        address account
    ) external view returns (bool isMember, uint256 groupIndex, uint256 position);

    /// @notice `Mash`: the members of the included groups, in group then position order, the holder not among them:
    /// with the holder, the clients whose masked updates the aggregator multiplies. `Shamir`: the clients that
    /// submitted, in joining order. Empty in `Plain`.
    /// @dev Reverts {CoordinatorUnknownRound}. `Mash`: empty before the round entered `Completion`.
    /// @param roundId The round.
    /// @return The included clients.
    function includedClients(uint256 roundId) external view returns (address[] memory);

    /// @notice The longest holder key, shuffle message or group sum accepted, in bytes.
    /// @return 16384.
    function MAX_MESSAGE_BYTES() external view returns (uint256);

    /// @notice The most clients a `Mash` task may admit per round, so that forming the groups fits in a block.
    /// @return The bound on `maxClients`.
    function MAX_MASH_CLIENTS() external view returns (uint256);

    /// @notice How many tasks exist; task ids run from 1 to this.
    /// @return The number of tasks.
    function taskCount() external view returns (uint256);

    /// @notice How many rounds exist over all tasks; round ids run from 1 to this.
    /// @return The number of rounds.
    function roundCount() external view returns (uint256);

    /// @notice The global id of the task's most recent round, 0 if it opened none.
    /// @dev Reverts {CoordinatorUnknownTask}.
    /// @param taskId The task.
    /// @return The round id.
    function latestRound(uint256 taskId) external view returns (uint256);
}
