// A fresh encryption of zero, r^n mod n² with r uniform in Z*_n: the expensive half of every encryption and
// the whole of a re-randomization. paillier-bigint draws r from the OS CSPRNG and checks gcd(r, n) = 1.
import { PublicKey as LibraryPublicKey } from "paillier-bigint";
import type { PaillierPublicKey } from "./types";

export function randomNthPower(publicKey: PaillierPublicKey): bigint {
  // With g = n + 1 and m = 0 the library computes g⁰ · rⁿ mod n², i.e. exactly rⁿ.
  return new LibraryPublicKey(publicKey.n, publicKey.n + 1n).encrypt(0n);
}
