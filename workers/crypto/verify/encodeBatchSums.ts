// Packs batch sums as the contract reads them: m·k big-endian two's-complement int64, 8 bytes each. ABI int64[]
// would pad every sum to 32 bytes, and a negative one to 32 non-zero bytes (512 gas of calldata instead of ≤128).
import { VerificationInputError } from "./errors";

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export function encodeBatchSums(sums: BigInt64Array | readonly bigint[]): `0x${string}` {
  const bytes = Buffer.alloc(sums.length * 8);
  for (let s = 0; s < sums.length; s++) {
    const sum = sums[s];
    if (typeof sum !== "bigint" || sum < INT64_MIN || sum > INT64_MAX) throw new VerificationInputError("batch sums", `sum ${s} is not an int64`);
    bytes.writeBigInt64BE(sum, s * 8);
  }
  return `0x${bytes.toString("hex")}`;
}
