// The `allowed` argument of CoordinatorUnexpectedPhase: bit `1 << phase` set for each allowed phase, as bytes32.
import { toBeHex } from "ethers";
import type { Phase } from "./enums";

export function phaseBitmap(...phases: readonly Phase[]): string {
  const bits = phases.reduce((bitmap, phase) => bitmap | (1n << BigInt(phase)), 0n);
  return toBeHex(bits, 32);
}
