// Which clients a share-sum dispute's answers convict, and FedmashShamir.proveClientFault's evidence against each. Pure.
//
// A dispute that ended in a client fault published, in the answerShareDispute calldata of every live server, each
// included client's share of the disputed leaf for that server, opened against the root the client committed to it.
// A client whose shares there are off one polynomial of degree t − 1 (the contract's rule: interpolate the first t by
// server index, predict the rest; or a value ≥ p) is faulty, and its leaves from more than t servers, in increasing
// server order, are the proof. The rule is findInconsistentLeaf's (shareDispute.ts), run on the client's 16 values per
// server instead of on share-sums, so there is one interpolation for both. Each leaf is checked against its root here
// too, so a mis-decoded or forged batch can cost the prover nothing worse than a skipped client: an honest client's
// shares lie on its polynomial, and is never returned.
import { getBytes } from "ethers";
import { FIELD_VECTOR_WIDTH } from "../../crypto/commit/shamirCommitments";
import { VECTOR_MERKLE_LEAF_VALUES, verifyVectorMerkleProof } from "../../crypto/commit/vectorMerkle";
import { checkServerIndex, checkThreshold } from "../../crypto/shamir/shamirChecks";
import { ShareDisputeInputError } from "./errors";
import { findInconsistentLeaf, type ClientShareOpening } from "./shareDispute";

/** IFedmashShamir.ShareLeaf as ethers encodes it. */
export interface ShareLeaf {
  serverIndex: number;
  /** The leaf's 16 field elements, 8 bytes each, big-endian, as 0x hex (128 bytes). */
  values: string;
  /** The sibling hashes from the leaf up to the client's shareRoots[serverIndex]. */
  proof: string[];
}

/** IFedmashShamir.ClientFaultProof as ethers encodes it. */
export interface ClientFaultProof {
  manifestHash: string;
  shareRoots: string[];
  leafIndex: number;
  /** More than t leaves, in increasing serverIndex. */
  leaves: ShareLeaf[];
}

/** One answerShareDispute batch: the openings of included clients first … first + clients.length − 1. */
export interface AnswerBatch {
  first: number;
  clients: readonly ClientShareOpening[];
}

/** Everything one server answered in the dispute, in any batch order. */
export interface ServerAnswer {
  serverIndex: number;
  batches: readonly AnswerBatch[];
}

export interface FindFaultyClientsParameters {
  /** The disputed leaf. */
  leafIndex: number;
  threshold: number;
  /** coordinator.includedClients(roundId): position → client. */
  included: readonly string[];
  answers: readonly ServerAnswer[];
}

export interface FaultyClient {
  client: string;
  /** Its position in `included`. */
  position: number;
  proof: ClientFaultProof;
}

/**
 * Every included client whose answered shares of the leaf are off one polynomial, in included order, each with its
 * proof (every answering server's leaf that opens to the client's committed root). A client with t or fewer such
 * leaves, or whose openings name different commitments, is left out: nothing provable can be said about it.
 */
export function findFaultyClients(parameters: FindFaultyClientsParameters): FaultyClient[] {
  const { leafIndex, included, answers } = parameters;
  const threshold = checkThreshold(parameters.threshold);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) throw new ShareDisputeInputError(`The disputed leaf must be a non-negative integer, not ${leafIndex}.`);
  const byPosition = collectOpenings(answers, included.length);
  const faulty: FaultyClient[] = [];
  byPosition.forEach((openings, position) => {
    const proof = proofOf(openings, leafIndex, threshold);
    if (proof) faulty.push({ client: included[position]!, position, proof });
  });
  return faulty;
}

/** Per included position, the opening each server gave of it (a server that gave two different ones gives none). */
function collectOpenings(answers: readonly ServerAnswer[], includedCount: number): Map<number, Map<number, ClientShareOpening>> {
  const byPosition = new Map<number, Map<number, ClientShareOpening>>();
  const seenServers = new Set<number>();
  for (const answer of answers) {
    const serverIndex = checkServerIndex(answer.serverIndex);
    if (seenServers.has(serverIndex)) throw new ShareDisputeInputError(`Server index ${serverIndex} has two answers; merge its batches into one.`);
    seenServers.add(serverIndex);
    const conflicting = new Set<number>();
    for (const batch of answer.batches) {
      if (!Number.isSafeInteger(batch.first) || batch.first < 0) throw new ShareDisputeInputError(`A batch of server index ${serverIndex} starts at ${batch.first}.`);
      batch.clients.forEach((opening, offset) => {
        const position = batch.first + offset;
        if (position >= includedCount || conflicting.has(position)) return;
        const openings = byPosition.get(position) ?? new Map<number, ClientShareOpening>();
        byPosition.set(position, openings);
        const earlier = openings.get(serverIndex);
        if (earlier && !sameOpening(earlier, opening)) {
          openings.delete(serverIndex);
          conflicting.add(position);
          return;
        }
        openings.set(serverIndex, opening);
      });
    }
  }
  return new Map([...byPosition.entries()].sort(([a], [b]) => a - b));
}

/** The proof against the client of these openings (by serverIndex), or undefined when they are not provably off. */
function proofOf(openings: ReadonlyMap<number, ClientShareOpening>, leafIndex: number, threshold: number): ClientFaultProof | undefined {
  const sorted = [...openings.entries()].sort(([a], [b]) => a - b);
  if (sorted.length <= threshold) return undefined;
  const [, reference] = sorted[0]!;
  const roots = reference.shareRoots.map((root) => root.toLowerCase());
  const manifestHash = reference.manifestHash.toLowerCase();
  const leaves: ShareLeaf[] = [];
  const points: { serverIndex: number; values: Uint32Array }[] = [];
  let outOfField = false;
  for (const [serverIndex, opening] of sorted) {
    // The contract binds every opening to the client's one submission: differing commitments mean bad input.
    if (opening.manifestHash.toLowerCase() !== manifestHash || !sameRoots(opening.shareRoots, roots)) return undefined;
    const bytes = leafBytes(opening.values);
    const root = roots[serverIndex];
    if (!bytes || root === undefined || !verifyVectorMerkleProof(bytes, FIELD_VECTOR_WIDTH, leafIndex, opening.proof, root)) continue;
    const values = fieldValues(bytes);
    if (values === undefined) outOfField = true;
    else points.push({ serverIndex, values });
    leaves.push({ serverIndex, values: opening.values.toLowerCase(), proof: [...opening.proof] });
  }
  if (leaves.length <= threshold) return undefined;
  if (!outOfField && findInconsistentLeaf(points, threshold) === undefined) return undefined;
  return { manifestHash, shareRoots: roots, leafIndex, leaves };
}

function sameOpening(a: ClientShareOpening, b: ClientShareOpening): boolean {
  return (
    a.manifestHash.toLowerCase() === b.manifestHash.toLowerCase() &&
    sameRoots(a.shareRoots, b.shareRoots.map((root) => root.toLowerCase())) &&
    a.values.toLowerCase() === b.values.toLowerCase() &&
    a.proof.length === b.proof.length &&
    a.proof.every((hash, i) => hash.toLowerCase() === b.proof[i]!.toLowerCase())
  );
}

function sameRoots(roots: readonly string[], lowercase: readonly string[]): boolean {
  return roots.length === lowercase.length && roots.every((root, j) => root.toLowerCase() === lowercase[j]);
}

const LEAF_BYTES = VECTOR_MERKLE_LEAF_VALUES * FIELD_VECTOR_WIDTH;

/** The 128 bytes of a leaf's 0x hex, or undefined when it is not that (the contract refuses such an opening). */
function leafBytes(values: string): Uint8Array | undefined {
  if (typeof values !== "string" || !/^0x[0-9a-fA-F]*$/.test(values) || values.length !== 2 + 2 * LEAF_BYTES) return undefined;
  return getBytes(values);
}

/** The 16 values as field-vector slots, or undefined when one does not fit 32 bits (so it is ≥ p: off the field). */
function fieldValues(bytes: Uint8Array): Uint32Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(VECTOR_MERKLE_LEAF_VALUES);
  for (let i = 0; i < VECTOR_MERKLE_LEAF_VALUES; i++) {
    if (view.getUint32(i * FIELD_VECTOR_WIDTH) !== 0) return undefined;
    out[i] = view.getUint32(i * FIELD_VECTOR_WIDTH + 4);
  }
  // Values in [p, 2^32) stay: findInconsistentLeaf judges them off the field, as the contract does.
  return out;
}
