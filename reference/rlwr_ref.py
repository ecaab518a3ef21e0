#!/usr/bin/python3
"""Independent reference of the `rlwr-2048` mask group (docs/MASKING.md).

Written from the text of docs/MASKING.md alone, with the Python standard library only
(hashlib.shake_128 for the expansion of A, a Keccak-f[1600] of its own for the mask context c).
It shares no code with the TypeScript group or the C kernel, and it produced
docs/testvectors/rlwr2048.json.

usage: rlwr_ref.py vectors   -> prints the known-answer vectors (JSON) on stdout, deterministically
       rlwr_ref.py check     -> self-checks (parameters, NTT against direct evaluation and a schoolbook
                                product, exactness over zero-sum seeds up to N = 50, decode failures,
                                seed packing); exits 1 on the first failure
"""
import hashlib
import json
import random
import sys
import time

# ---------------------------------------------------------------- parameters (MASKING.md, Parameters)
N_DEG = 2048                      # ring degree n
LOG_N = 11
Q = (1 << 62) - (1 << 16) + 1     # 4611686018427322369
P = 1 << 40                       # rounding modulus p
B = 1 << 11                       # encoding factor
SEED_HALF = 1 << 21               # fresh seeds uniform in [-2^21, 2^21)
N_MAX = 2048
G_MAX = (1 << 28) - 1
TAG = b"fedmash/rlwr-2048/A/v1"   # 22 ASCII bytes
assert len(TAG) == 22
SLOT_BITS = 33                    # packing slot width W


class MaskDecodeError(Exception):
    def __init__(self, index, residual, bound, total):
        super().__init__(f"coordinate {index}: residual {residual}, decoded {total}, bound {bound}")
        self.index, self.residual, self.bound, self.total = index, residual, bound, total


class MaskCiphertextMalformedError(Exception):
    pass


# ---------------------------------------------------------------- number theory
def is_prime(n):
    """Deterministic Miller-Rabin for n < 3.3e24 (the first 13 prime bases)."""
    if n < 2:
        return False
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    for b in bases:
        if n % b == 0:
            return n == b
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def find_psi():
    """Smallest h >= 2 with h^((q-1)/4096) of order 4096; returns (h, psi)."""
    e = (Q - 1) // (2 * N_DEG)
    h = 2
    while True:
        psi = pow(h, e, Q)
        # psi^4096 = 1 always; the order is 4096 iff psi^2048 != 1 (4096 is a power of 2)
        if pow(psi, N_DEG, Q) != 1:
            return h, psi
        h += 1


H_GEN, PSI = find_psi()
PSI_INV = pow(PSI, Q - 2, Q)
N_INV = pow(N_DEG, Q - 2, Q)


def brv(k, bits=LOG_N):
    r = 0
    for _ in range(bits):
        r = (r << 1) | (k & 1)
        k >>= 1
    return r


# twiddles in bit-reversed order: ZETA[k] = psi^brv(k), ZETA_INV[k] = psi^-brv(k)
ZETA = [pow(PSI, brv(k), Q) for k in range(N_DEG)]
ZETA_INV = [pow(PSI_INV, brv(k), Q) for k in range(N_DEG)]


def ntt(coeffs):
    """Forward negacyclic NTT (Cooley-Tukey, natural order in, bit-reversed order out).
    Output k is the evaluation at psi^(2*brv(k)+1) (checked against Horner in `check`)."""
    a = [c % Q for c in coeffs]
    n, q = N_DEG, Q
    t, m = n, 1
    while m < n:
        t >>= 1
        for i in range(m):
            z = ZETA[m + i]
            j1 = 2 * i * t
            for j in range(j1, j1 + t):
                u = a[j]
                v = a[j + t] * z % q
                a[j] = (u + v) % q
                a[j + t] = (u - v) % q
        m <<= 1
    return a


def intt(values):
    """Inverse of ntt (Gentleman-Sande, bit-reversed in, natural order out, times n^-1)."""
    a = list(values)
    n, q = N_DEG, Q
    t, m = 1, n
    while m > 1:
        h = m >> 1
        j1 = 0
        for i in range(h):
            z = ZETA_INV[h + i]
            for j in range(j1, j1 + t):
                u = a[j]
                v = a[j + t]
                a[j] = (u + v) % q
                a[j + t] = (u - v) * z % q
            j1 += 2 * t
        t <<= 1
        m = h
    return [x * N_INV % q for x in a]


def negacyclic_schoolbook(a, s):
    """a*s in Z_q[X]/(X^n + 1) by the definition (slow: for the self-check only)."""
    n = N_DEG
    acc = [0] * (2 * n)
    for i, ai in enumerate(a):
        if ai:
            for j, sj in enumerate(s):
                acc[i + j] += ai * sj
    return [(acc[j] - acc[j + n]) % Q for j in range(n)]


def horner(coeffs, x):
    r = 0
    for c in reversed(coeffs):
        r = (r * x + c) % Q
    return r


# ---------------------------------------------------------------- Keccak-256 (for the mask context c)
def _keccak_tables():
    rc = []
    state = 1
    def rc_bit():
        nonlocal state
        bit = state & 1
        state <<= 1
        if state & 0x100:
            state ^= 0x171
        return bit
    for _ in range(24):
        lane = 0
        for j in range(7):
            if rc_bit():
                lane |= 1 << ((1 << j) - 1)
        rc.append(lane)
    rot = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        rot[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rc, rot


_RC, _ROT = _keccak_tables()
_M64 = (1 << 64) - 1


def _keccak_f(A):
    for rnd in range(24):
        C = [A[x] ^ A[x + 5] ^ A[x + 10] ^ A[x + 15] ^ A[x + 20] for x in range(5)]
        D = [C[(x - 1) % 5] ^ (((C[(x + 1) % 5] << 1) | (C[(x + 1) % 5] >> 63)) & _M64) for x in range(5)]
        A = [A[i] ^ D[i % 5] for i in range(25)]
        Bm = [0] * 25
        for x in range(5):
            for y in range(5):
                r = _ROT[x][y]
                v = A[x + 5 * y]
                Bm[y + 5 * ((2 * x + 3 * y) % 5)] = ((v << r) | (v >> (64 - r))) & _M64 if r else v
        A = [Bm[i] ^ ((~Bm[(i % 5 + 1) % 5 + 5 * (i // 5)]) & Bm[(i % 5 + 2) % 5 + 5 * (i // 5)]) for i in range(25)]
        A[0] ^= _RC[rnd]
    return A


def _keccak(data, rate, pad, outlen):
    msg = bytearray(data)
    msg.append(pad)
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    A = [0] * 25
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            A[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        A = _keccak_f(A)
    out = b"".join(A[i].to_bytes(8, "little") for i in range(rate // 8))
    return out[:outlen]


def keccak256(data):
    return _keccak(data, 136, 0x01, 32)


def mask_context(chain_id, coordinator_hex, round_id):
    """c = keccak256(tag ‖ u256be(chainId) ‖ coordinator (20 bytes) ‖ u256be(roundId))."""
    addr = bytes.fromhex(coordinator_hex[2:] if coordinator_hex.startswith("0x") else coordinator_hex)
    assert len(addr) == 20
    return keccak256(TAG + chain_id.to_bytes(32, "big") + addr + round_id.to_bytes(32, "big"))


# ---------------------------------------------------------------- the public polynomials A
def expand_a(c, b):
    """The 2048 NTT values of a_b, from SHAKE128(tag ‖ c ‖ u32le(b)) by rejection sampling."""
    assert len(c) == 32 and 0 <= b < 1 << 32
    xof = hashlib.shake_128(TAG + c + b.to_bytes(4, "little"))
    out = []
    nbytes = 8 * (N_DEG + 16)
    while True:
        stream = xof.digest(nbytes)
        out = []
        for off in range(0, len(stream), 8):
            v = int.from_bytes(stream[off:off + 8], "little") & ((1 << 62) - 1)
            if v < Q:
                out.append(v)
                if len(out) == N_DEG:
                    return out
        nbytes *= 2          # (never happens in practice: a word is rejected with probability 2^-46)


_A_CACHE = {}


def a_hat(c, b):
    key = (c, b)
    if key not in _A_CACHE:
        if len(_A_CACHE) > 64:
            _A_CACHE.clear()
        _A_CACHE[key] = expand_a(c, b)
    return _A_CACHE[key]


# ---------------------------------------------------------------- masking
def ring_product(c, b, s_hat):
    """x^(b) = a_b · s in R_q (coefficients in [0, q)), given s_hat = ntt(s)."""
    ah = a_hat(c, b)
    return intt([x * y % Q for x, y in zip(ah, s_hat)])


def round_mask(x):
    return ((P * x + (Q - 1) // 2) // Q) % P


def mask(seed, c, start, grads, detail=None):
    """Masked elements y_i, i = start … start + len(grads) - 1 (integers in [0, p))."""
    assert len(seed) == N_DEG
    s_hat = ntt(seed)
    ys = []
    xs = {}
    for k, g in enumerate(grads):
        assert -(1 << 31) <= g < (1 << 31)
        i = start + k
        b, j = divmod(i, N_DEG)
        if b not in xs:
            xs[b] = ring_product(c, b, s_hat)
        m = round_mask(xs[b][j])
        ys.append(((B * g) % P + m) % P)
        if detail is not None:
            detail.setdefault("m", []).append(m)
    if detail is not None:
        detail["x"] = xs
    return ys


def to_limbs(ys):
    out = []
    for y in ys:
        assert 0 <= y < P
        out += [y & 0xFFFFFFFF, y >> 32]
    return out


def from_limbs(limbs):
    if len(limbs) % 2:
        raise MaskCiphertextMalformedError("odd limb count")
    ys = []
    for k in range(0, len(limbs), 2):
        lo, hi = limbs[k], limbs[k + 1]
        if not (0 <= lo < 1 << 32) or not (0 <= hi < 256):
            raise MaskCiphertextMalformedError(f"element {k // 2}: limb 1 = {hi}")
        ys.append(lo | (hi << 32))
    return ys


def limbs_sha256(limbs):
    return hashlib.sha256(b"".join(x.to_bytes(4, "little") for x in limbs)).hexdigest()


# ---------------------------------------------------------------- aggregation and decoding
def decode_one(Y, n_vectors):
    V = Y if Y < (1 << 39) else Y - (1 << 40)
    G = (V + 1024) // 2048
    return G, V - 2048 * G


def aggregate(vectors, bound):
    """vectors: lists of y (already parsed from limbs). Returns Σg per coordinate or raises."""
    n = len(vectors)
    d = len(vectors[0])
    assert all(len(v) == d for v in vectors)
    out = []
    for i in range(d):
        Y = sum(v[i] for v in vectors) % P
        G, e = decode_one(Y, n)
        if not (2 * abs(e) < n and abs(G) <= bound):
            raise MaskDecodeError(i, e, bound, G)
        out.append(G)
    return out


# ---------------------------------------------------------------- seed packing for Paillier
def slots_per_plaintext(key_bits):
    return (key_bits - 2) // SLOT_BITS


def pack_seed(seed, key_bits):
    K = slots_per_plaintext(key_bits)
    pts = []
    for t in range((N_DEG + K - 1) // K):
        pt = 0
        for r in range(K):
            j = t * K + r
            if j >= N_DEG:
                break
            u = seed[j] + SEED_HALF
            assert 0 <= u < 1 << 22
            pt |= u << (SLOT_BITS * r)
        pts.append(pt)
    return pts


def unpack_holder(summed, count, key_bits):
    """Holder's seed from the plaintext sums of `count` clients' packed seeds."""
    K = slots_per_plaintext(key_bits)
    assert len(summed) == (N_DEG + K - 1) // K
    mask33 = (1 << SLOT_BITS) - 1
    out = []
    for j in range(N_DEG):
        t, r = divmod(j, K)
        U = (summed[t] >> (SLOT_BITS * r)) & mask33
        out.append(-(U - count * SEED_HALF))
    return out


# ---------------------------------------------------------------- test data
def fresh_seed(rng):
    return [rng.randrange(-SEED_HALF, SEED_HALF) for _ in range(N_DEG)]


def holder_of(seeds):
    return [-sum(col) for col in zip(*seeds)]


def u64le_sha256(values):
    return hashlib.sha256(b"".join(v.to_bytes(8, "little") for v in values)).hexdigest()


# ---------------------------------------------------------------- vectors
FORMAT = """\
Known-answer vectors of the rlwr-2048 mask group (docs/MASKING.md), produced by reference/rlwr_ref.py
(`python3 reference/rlwr_ref.py vectors > docs/testvectors/rlwr2048.json`; deterministic: test data from
random.Random(14)). All big integers (q, psi, NTT values, masks, plaintexts, sums of plaintexts) are decimal
strings; small ones (n, p's exponent, seed coefficients, g, limbs, indices, bounds, Σg) are JSON numbers
(all below 2^53 in magnitude).
- params: n, q, psi, psiGenerator (the h with psi = h^((q-1)/4096)), p, B, tag (ASCII), seedHalfWidth (2^21),
  nMax, gMax, slotBits (W = 33).
- seeds: name -> 2048 signed integer coefficients s_0 … s_2047 (the seed polynomial). Fresh seeds are in
  [-2^21, 2^21); 'holder*' seeds are minus the sum of the seeds listed in holderOf; 'extreme' has
  coefficients up to 2047·2^21 in magnitude (the largest a holder seed can have).
- holderOf: holder seed name -> the names of the seeds it is minus the sum of.
- context: mask-context derivations: chainId (number), coordinator (hex address), roundId (number),
  c (hex of the 32 bytes = keccak256(tag ‖ u256be(chainId) ‖ coordinator ‖ u256be(roundId))).
- expansion: c (hex), b, first8 / last8 (â_b[0..7] and â_b[2040..2047], decimal strings), sha256 (hex of
  the 2048 values â_b[0..2047] as u64le, concatenated).
- mask: seed (name in seeds), c (hex), start, g (the int32 quantized coordinates g_start … g_start+d-1),
  and the expected masked elements either as y (list of [limb0, limb1] pairs, i.e. the [d, 2] uint32
  tensor: limb0 = y mod 2^32, limb1 = floor(y / 2^32)) or, for full-block cases, ySha256 = sha256 hex of
  the 2d limbs as u32le in wire order (limb0 of element 0, limb1 of element 0, limb0 of element 1, …) with
  yHead = the first 4 pairs. m = the rounded masks m_i (decimal strings; absent in full-block cases).
  xSha256: block b -> sha256 hex of the 2048 coefficients of x^(b) = a_b·s (in [0, q)) as u64le, and
  xHead: block b -> its first 4 coefficients (decimal strings), for debugging the ring product alone.
- aggregate: N vectors (the clients then the holder, whose seed is minus the clients' sum); seeds (names,
  in vector order), c (hex), start, g (one int32 list per vector), y (one list of [limb0, limb1] pairs per
  vector: the masked vectors, each reproducible from its seed, c, start and g), bound, and either
  sum (the expected Σg per coordinate, numbers) or, for a failing case, the vectors given are only those
  whose indices are in included (one is left out, so the seeds no longer sum to zero), N is the number of
  vectors given, and fail = {index (0-based position in the vector), coordinate (start + index),
  residual e, decoded G}: the first coordinate at which 2|e| < N and |G| <= bound do not both hold.
- malformed: limbs (a uint32 list) that a receiver must reject (MaskCiphertextMalformedError), with reason.
- packing: seed (name), keyBits, K (slots per plaintext), plaintexts (decimal strings).
- unpack: keyBits, count (clients), seeds (names of the clients' seeds), summed (decimal strings: the
  plaintext-wise sums of their packed seeds, what the holder decrypts), holder (name of the expected
  holder seed = minus the clients' sum).
Rejection sampling (a u64 word with v >= q, probability 2^-46) does not occur in any vector here.
"""


def build_vectors():
    rng = random.Random(14)
    t0 = time.time()
    params = {
        "n": N_DEG, "q": str(Q), "psi": str(PSI), "psiGenerator": H_GEN, "p": str(P), "B": B,
        "tag": TAG.decode(), "seedHalfWidth": SEED_HALF, "nMax": N_MAX, "gMax": G_MAX, "slotBits": SLOT_BITS,
    }
    hardhat_coordinator = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    contexts = []
    for chain_id, coord, round_id in [(31337, hardhat_coordinator, 1), (31337, hardhat_coordinator, 2),
                                      (11155111, "0x" + "ab" * 20, (1 << 256) - 1)]:
        c = mask_context(chain_id, coord, round_id)
        contexts.append({"chainId": chain_id, "coordinator": coord,
                         "roundId": str(round_id) if round_id >= 1 << 53 else round_id, "c": c.hex()})
    c1 = bytes.fromhex(contexts[0]["c"])
    c2 = bytes.fromhex(contexts[1]["c"])
    c3 = bytes(rng.randrange(256) for _ in range(32))

    expansion = []
    for c, b in [(c1, 0), (c1, 1), (c2, 392), (c3, 0x01020304)]:
        a = expand_a(c, b)
        expansion.append({"c": c.hex(), "b": b, "first8": [str(v) for v in a[:8]],
                          "last8": [str(v) for v in a[-8:]], "sha256": u64le_sha256(a)})

    seeds = {}
    for k in range(4):
        seeds[f"fresh{k}"] = fresh_seed(rng)
    seeds["holder0"] = holder_of([seeds[f"fresh{k}"] for k in range(3)])   # |coeff| up to 3·2^21
    ext = [rng.randrange(-2047 * SEED_HALF, 2047 * SEED_HALF + 1) for _ in range(N_DEG)]
    ext[0], ext[1], ext[2047] = 2047 * SEED_HALF, -2047 * SEED_HALF, -2047 * SEED_HALF
    seeds["extreme"] = ext
    holder_of_map = {"holder0": ["fresh0", "fresh1", "fresh2"]}

    def rand_g(d, lim=1 << 20):
        return [rng.randrange(-lim, lim + 1) for _ in range(d)]

    def mask_case(seed_name, c, start, g, full=False):
        detail = {}
        ys = mask(seeds[seed_name], c, start, g, detail)
        limbs = to_limbs(ys)
        case = {"seed": seed_name, "c": c.hex(), "start": start, "g": g}
        pairs = [[limbs[2 * k], limbs[2 * k + 1]] for k in range(len(ys))]
        if full:
            case["ySha256"] = limbs_sha256(limbs)
            case["yHead"] = pairs[:4]
        else:
            case["y"] = pairs
            case["m"] = [str(m) for m in detail["m"]]
        case["xSha256"] = {str(b): u64le_sha256(x) for b, x in sorted(detail["x"].items())}
        case["xHead"] = {str(b): [str(v) for v in x[:4]] for b, x in sorted(detail["x"].items())}
        return case

    edge = [0, 1, -1, (1 << 31) - 1, -(1 << 31), G_MAX, -G_MAX, 1 << 28, -(1 << 28), (1 << 29) - 1,
            -(1 << 29), 1 << 29, 12345, -12345, 2, -2]
    masks = [
        mask_case("fresh0", c1, 0, rand_g(16)),
        mask_case("fresh1", c1, 2040, [-abs(x) - 1 for x in rand_g(20)]),          # crosses block 0 -> 1, g < 0
        mask_case("fresh2", c1, 100, edge),                                        # edge values incl. ±2^31
        mask_case("holder0", c1, 2040, rand_g(20)),                                # holder seed, beyond 2^21
        mask_case("extreme", c2, 392 * N_DEG + 2036, rand_g(24, (1 << 31) - 1)),   # blocks 392 -> 393
        mask_case("fresh3", c3, 5 * N_DEG + 7, rand_g(9)),
        mask_case("fresh0", c2, N_DEG, rand_g(N_DEG), full=True),                  # the whole block 1
    ]
    # a seed of all zeros masks with m = 0 except for a_b·0 = 0 -> y = B·g mod p
    seeds["zero"] = [0] * N_DEG
    masks.append(mask_case("zero", c1, 0, [1, -1, G_MAX, -(1 << 31)]))
    seeds["one"] = [1] + [0] * (N_DEG - 1)      # x = a_b itself: checks the ordering of the values
    masks.append(mask_case("one", c1, 0, [0] * 8))

    aggregates = []
    for n_vec, start, d, c in [(3, 2036, 24, c1), (7, 4090, 16, c2)]:
        names = []
        for k in range(n_vec - 1):
            name = f"agg{n_vec}_client{k}"
            seeds[name] = fresh_seed(rng)
            names.append(name)
        hname = f"agg{n_vec}_holder"
        seeds[hname] = holder_of([seeds[x] for x in names])
        holder_of_map[hname] = list(names)
        names.append(hname)
        per = G_MAX // n_vec
        grads = [rand_g(d, per) for _ in range(n_vec)]
        grads[0][0] = per
        grads[1][0] = per       # a large positive sum at coordinate 0
        for v in range(n_vec):
            grads[v][1] = -per  # the most negative sum at coordinate 1
        bound = per * n_vec
        ys = [mask(seeds[x], c, start, g) for x, g in zip(names, grads)]
        sums = aggregate(ys, bound)
        assert sums == [sum(col) for col in zip(*grads)]
        aggregates.append({"N": n_vec, "seeds": names, "c": c.hex(), "start": start, "g": grads,
                           "y": [[[l[2 * k], l[2 * k + 1]] for k in range(d)] for l in map(to_limbs, ys)],
                           "bound": bound, "sum": sums})
        # the same vectors with one left out
        left = 1 if n_vec == 3 else n_vec - 1      # a client, or the holder
        included = [v for v in range(n_vec) if v != left]
        try:
            aggregate([ys[v] for v in included], bound)
            raise AssertionError("a missing vector decoded")
        except MaskDecodeError as err:
            fail = {"index": err.index, "coordinate": start + err.index, "residual": err.residual,
                    "G": err.total}
        aggregates.append({"N": len(included), "included": included,
                           "seeds": [names[v] for v in included], "c": c.hex(), "start": start,
                           "g": [grads[v] for v in included],
                           "y": [[[l[2 * k], l[2 * k + 1]] for k in range(d)]
                                 for l in (to_limbs(ys[v]) for v in included)],
                           "bound": bound, "fail": fail})

    malformed = [
        {"limbs": [1, 0, 2], "reason": "odd limb count"},
        {"limbs": [0, 0, 5, 256], "reason": "limb 1 of element 1 is 256"},
        {"limbs": [0xFFFFFFFF, 0xFFFFFFFF], "reason": "limb 1 of element 0 is 2^32 - 1"},
    ]

    packing = []
    for key_bits in (2048, 1024):
        K = slots_per_plaintext(key_bits)
        for name in ("fresh0", "agg3_client0"):
            packing.append({"seed": name, "keyBits": key_bits, "K": K,
                            "plaintexts": [str(x) for x in pack_seed(seeds[name], key_bits)]})
    # a seed at the extremes of the fresh range
    seeds["fresh_edges"] = [(-SEED_HALF if j % 2 else SEED_HALF - 1) for j in range(N_DEG)]
    packing.append({"seed": "fresh_edges", "keyBits": 2048, "K": 62,
                    "plaintexts": [str(x) for x in pack_seed(seeds["fresh_edges"], 2048)]})

    unpack = []
    for key_bits in (2048, 1024):
        names = ["fresh0", "fresh1", "fresh2"]
        packs = [pack_seed(seeds[x], key_bits) for x in names]
        summed = [sum(col) for col in zip(*packs)]
        assert unpack_holder(summed, 3, key_bits) == seeds["holder0"]
        unpack.append({"keyBits": key_bits, "count": 3, "seeds": names, "summed": [str(x) for x in summed],
                       "holder": "holder0"})
    names = [f"agg7_client{k}" for k in range(6)]
    summed = [sum(col) for col in zip(*(pack_seed(seeds[x], 2048) for x in names))]
    assert unpack_holder(summed, 6, 2048) == seeds["agg7_holder"]
    unpack.append({"keyBits": 2048, "count": 6, "seeds": names, "summed": [str(x) for x in summed],
                   "holder": "agg7_holder"})

    print(f"vectors built in {time.time() - t0:.1f} s", file=sys.stderr)
    return {"format": FORMAT, "params": params, "context": contexts, "expansion": expansion,
            "mask": masks, "aggregate": aggregates, "malformed": malformed, "packing": packing,
            "unpack": unpack, "holderOf": holder_of_map, "seeds": seeds}


def dump(obj, indent=0):
    """JSON with objects indented and lists of scalars (or of pairs) on one line."""
    pad = " " * indent
    if isinstance(obj, dict):
        items = [f'{pad} {json.dumps(k)}: {dump(v, indent + 1).lstrip()}' for k, v in obj.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and isinstance(obj[0], (dict, list)) and not (
            isinstance(obj[0], list) and len(obj[0]) == 2 and not isinstance(obj[0][0], list)):
        return pad + "[\n" + ",\n".join(dump(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return pad + json.dumps(obj, separators=(",", ":"))


# ---------------------------------------------------------------- self-checks
def check():
    rng = random.Random(1414)
    ok = 0

    def expect(cond, what):
        nonlocal ok
        if not cond:
            print(f"FAIL: {what}")
            sys.exit(1)
        ok += 1

    # parameters
    expect(Q == 4611686018427322369 and hex(Q) == "0x3fffffffffff0001", "q value")
    expect(is_prime(Q), "q prime")
    expect((Q - 1) % (1 << 16) == 0, "q = 1 mod 2^16")
    expect(H_GEN == 7 and PSI == 3710688476054411196, f"psi (h = {H_GEN}, psi = {PSI})")
    expect(pow(PSI, 2048, Q) == Q - 1, "psi^2048 = -1")
    expect(keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
           "keccak256('')")
    expect(_keccak(b"abc" * 100, 136, 0x06, 32) == hashlib.sha3_256(b"abc" * 100).digest(),
           "keccak-f against hashlib's sha3_256")

    # NTT: round trip, evaluation order, product against the schoolbook definition
    c = bytes(range(32))
    s = fresh_seed(rng)
    expect(intt(ntt(s)) == [x % Q for x in s], "intt(ntt(s)) = s")
    ah = expand_a(c, 3)
    a = intt(ah)
    for k in [0, 1, 2, 3, 1000, 2047] + [rng.randrange(N_DEG) for _ in range(4)]:
        expect(horner(a, pow(PSI, 2 * brv(k) + 1, Q)) == ah[k], f"â[{k}] = a(psi^(2brv(k)+1))")
    t = time.time()
    x_ntt = ring_product(c, 3, ntt(s))
    t_ntt = time.time() - t
    expect(x_ntt == negacyclic_schoolbook(a, s), "NTT product = schoolbook product")
    print(f"one block (ntt + pointwise + intt): {t_ntt * 1000:.0f} ms")
    t = time.time()
    expand_a(c, 4)
    print(f"one expansion: {(time.time() - t) * 1000:.0f} ms")

    # rounding: m lies in [0, p) and |m - p·x/q| <= 1/2 exactly
    for x in [0, 1, Q - 1, Q // 2, Q // 2 + 1] + [rng.randrange(Q) for _ in range(1000)]:
        m = round_mask(x)
        diff2q = 2 * (m * Q - P * x)               # 2q·(m - p x / q), up to a multiple of 2pq
        diff2q = (diff2q + P * Q) % (2 * P * Q) - P * Q
        expect(0 <= m < P and abs(diff2q) < Q, f"rounding of {x}")

    # wire form
    ys = [0, 1, P - 1, 1 << 32, (1 << 32) - 1]
    expect(from_limbs(to_limbs(ys)) == ys, "limb round trip")
    for bad in ([1, 0, 2], [0, 256], [0, 1 << 32]):
        try:
            from_limbs(bad)
            expect(False, f"malformed {bad} accepted")
        except MaskCiphertextMalformedError:
            ok += 1

    # exactness over zero-sum seeds, up to N = 50, at blocks crossing a boundary
    for n_vec in (2, 3, 7, 20, 50):
        cc = bytes(rng.randrange(256) for _ in range(32))
        clients = [fresh_seed(rng) for _ in range(n_vec - 1)]
        holder = holder_of(clients)
        start, d = rng.choice([(2040, 16), (0, 32), (rng.randrange(1 << 20), 24)])
        per = G_MAX // n_vec
        grads = [[rng.randrange(-per, per + 1) for _ in range(d)] for _ in range(n_vec)]
        for v in range(n_vec):
            grads[v][0] = per
            grads[v][1] = -per
        ys = [mask(sd, cc, start, g) for sd, g in zip(clients + [holder], grads)]
        wire = [from_limbs(to_limbs(y)) for y in ys]
        expect(aggregate(wire, per * n_vec) == [sum(col) for col in zip(*grads)], f"exact sum N = {n_vec}")
        # the residual really is the sum of rounding errors: |e| < N/2
        Ys = [sum(col) % P for col in zip(*ys)]
        es = [decode_one(Y, n_vec)[1] for Y in Ys]
        expect(all(2 * abs(e) < n_vec for e in es), f"residuals N = {n_vec}: max {max(map(abs, es))}")
        # a missing vector (a client's, then the holder's) is refused
        for drop in (0, n_vec - 1):
            try:
                aggregate([y for v, y in enumerate(ys) if v != drop], per * n_vec)
                expect(False, f"N = {n_vec}: decoded without vector {drop}")
            except MaskDecodeError:
                ok += 1
        # an extra vector is refused too
        try:
            aggregate(ys + [ys[0]], per * n_vec)
            expect(False, f"N = {n_vec}: decoded with an extra vector")
        except MaskDecodeError:
            ok += 1
        # the holder's seed through packing, both key sizes
        for key_bits in (2048, 1024):
            packs = [pack_seed(sd, key_bits) for sd in clients]
            expect(len(packs[0]) == {2048: 34, 1024: 69}[key_bits], "plaintext count")
            expect(all(pt < 1 << (key_bits - 2) for pk in packs for pt in pk), "plaintext size")
            summed = [sum(col) for col in zip(*packs)]
            expect(unpack_holder(summed, n_vec - 1, key_bits) == holder, f"unpack N = {n_vec}, {key_bits}")

    # packing at the largest client count: 2047 offsets of 2^22 - 1 stay below 2^33
    top = [SEED_HALF - 1] * N_DEG
    summed = [x * 2047 for x in pack_seed(top, 2048)]
    expect(unpack_holder(summed, 2047, 2048) == [-2047 * (SEED_HALF - 1)] * N_DEG, "packing, 2047 clients")
    bot = [-SEED_HALF] * N_DEG
    summed = [x * 2047 for x in pack_seed(bot, 1024)]
    expect(unpack_holder(summed, 2047, 1024) == [2047 * SEED_HALF] * N_DEG, "packing, 2047 clients, low")

    # the decoding bound at N = 2048 and |Σg| = G_MAX with the worst residual
    for G in (G_MAX, -G_MAX):
        for e in (-1023, 1023):
            V = B * G + e
            got, res = decode_one(V % P, 2048)
            expect(got == G and res == e, f"decode G = {G}, e = {e}")

    print(f"all {ok} checks passed")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("vectors", "check"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if sys.argv[1] == "vectors":
        sys.stdout.write(dump(build_vectors()) + "\n")
    else:
        check()


if __name__ == "__main__":
    main()
