// An independent TypeScript re-derivation of the coordinator's MASH grouping (holder draw, keccak-chained
// Fisher-Yates, k-th shuffled client to group k % G), so that tests check the contract against the documented
// rule computed from chain data rather than against the contract's own output.
import { AbiCoder, keccak256 } from "ethers";

export interface MashGroupingParameters {
  /** blockhash(drawBlock): the hash of the block armed when the round entered Grouping (drawHashOf). */
  drawHash: string;
  coordinator: string;
  roundId: bigint;
  /** The round's participants in joining order. */
  participants: readonly string[];
  groupSize: number;
}

export interface MashGroupingReturnType {
  seed: string;
  holder: string;
  /** Members of each group in chain order; the last one leads. */
  groups: string[][];
}

export function mashGrouping(parameters: MashGroupingParameters): MashGroupingReturnType {
  const { participants, groupSize } = parameters;
  const seed = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "address", "uint256", "address[]"],
      [parameters.drawHash, parameters.coordinator, parameters.roundId, participants],
    ),
  );
  const count = BigInt(participants.length);
  const holderIndex = Number(BigInt(seed) % count);
  const order = Array.from(participants).filter((_, index) => index !== holderIndex);
  let chain = seed;
  for (let i = order.length - 1; i > 0; i--) {
    chain = keccak256(chain);
    const j = Number(BigInt(chain) % BigInt(i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const groupCount = Math.max(1, Math.floor(order.length / groupSize));
  const groups: string[][] = Array.from({ length: groupCount }, () => []);
  order.forEach((member, k) => groups[k % groupCount].push(member));
  return { seed, holder: participants[holderIndex], groups };
}
