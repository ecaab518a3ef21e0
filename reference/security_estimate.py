#!/usr/bin/python3
"""Core-SVP security estimate of the rlwr-2048 parameters (docs/MASKING.md, Security). Stdlib only.

usage: security_estimate.py        -> prints the table used in docs/MASKING.md

Model: ring-LWR (n = 2048, q = 2^62 - 2^16 + 1, p = 2^40, secret uniform in [-2^21, 2^21)) read as plain
LWE with uniform error of width q/p (sigma_e = (q/p)/sqrt(12)); the ring structure is ignored.

1. Primal uSVP, the 2016 estimate (ADPS16 / GSA): Kannan embedding of dimension d = m + n + 1, the secret
   part scaled by nu = sigma_e / sigma_s so that every coordinate of the short vector has deviation
   sigma_e, volume q^m * nu^n. BKZ-beta succeeds when
       sigma_e * sqrt(beta) <= delta(beta)^(2 beta - d - 1) * vol^(1/d),
       delta(beta) = ((pi beta)^(1/beta) * beta / (2 pi e))^(1 / (2 (beta - 1))).
   The smallest such beta over m <= m_max is costed as core-SVP: 2^(0.292 beta) classical (sieving,
   BDGL16) and 2^(0.265 beta) quantum (Laa15).
2. The Homomorphic Encryption Security Standard (Albrecht et al., 2018), Table 1 (uniform secret,
   sigma = 3.2, classical): n = 2048 is 128-bit up to log q = 56, 192-bit up to 39, 256-bit up to 31.
   Rounding by q/p is an error of deviation (q/p)/sqrt(12); scaled to the table's sigma = 3.2 the
   modulus becomes q' = 3.2 * sqrt(12) * p, log q' = log p + log2(3.2 sqrt 12).
"""
import math

N = 2048
Q = (1 << 62) - (1 << 16) + 1
P = 1 << 40
SEED_WIDTH = 1 << 22                       # secret uniform in [-2^21, 2^21)
SIGMA_S = math.sqrt((SEED_WIDTH ** 2 - 1) / 12)
SIGMA_E = (Q / P) / math.sqrt(12)          # uniform rounding error of width q/p
D_MAX = 804_554                            # samples per seed in a round: one per model coordinate


def log_delta(beta):
    return math.log((math.pi * beta) ** (1 / beta) * beta / (2 * math.pi * math.e)) / (2 * (beta - 1))


def usvp_ok(beta, m, n=N, q=Q, sigma_e=SIGMA_E, sigma_s=SIGMA_S):
    d = m + n + 1
    log_vol = m * math.log(q) + n * math.log(sigma_e / sigma_s)
    lhs = math.log(sigma_e) + 0.5 * math.log(beta)
    rhs = (2 * beta - d - 1) * log_delta(beta) + log_vol / d
    return lhs <= rhs


def best_m(beta, m_max, **kw):
    """The m <= m_max that most favours the attack at this beta (coarse scan, then refine), or None."""
    step = 16
    cands = range(step, m_max + 1, step) if m_max > step else range(1, m_max + 1)
    good = [m for m in cands if usvp_ok(beta, m, **kw)]
    if not good:
        # check the end point and a fine scan near small m
        good = [m for m in range(1, min(m_max, 64) + 1) if usvp_ok(beta, m, **kw)]
        if m_max and usvp_ok(beta, m_max, **kw):
            good.append(m_max)
    return min(good) if good else None


def primal_usvp(m_max, **kw):
    """Smallest beta (and the smallest m that works with it) for which the 2016 condition holds."""
    m_scan = min(m_max, 8 * N)            # beyond a few n, more samples never help (d grows)
    lo, hi = 60, 4 * N
    if best_m(hi, m_scan, **kw) is None:
        return None
    while lo < hi:                        # the condition is monotone in beta
        mid = (lo + hi) // 2
        if best_m(mid, m_scan, **kw) is None:
            lo = mid + 1
        else:
            hi = mid
    return lo, best_m(lo, m_scan, **kw)


HE_STD_2048 = [(56, 128), (39, 192), (31, 256)]   # (max log q, security) for n = 2048, uniform secret


def he_std(log_q):
    """Security level by the HE standard's n = 2048 row: the guaranteed level (largest row with
    log q <= limit) and a linear interpolation in 1/log q (security ~ n / log q) between the rows."""
    floor_level = max([lvl for lim, lvl in HE_STD_2048 if log_q <= lim], default=0)
    pts = sorted(HE_STD_2048)                    # by log q ascending
    interp = None
    for (l1, s1), (l2, s2) in zip(pts, pts[1:]):
        if l1 <= log_q <= l2:
            f = (1 / log_q - 1 / l2) / (1 / l1 - 1 / l2)
            interp = s2 + f * (s1 - s2)
    return floor_level, interp


def main():
    print(f"n = {N}, log2 q = {math.log2(Q):.4f}, log2 p = {math.log2(P):.0f}")
    print(f"sigma_s = 2^{math.log2(SIGMA_S):.3f}, sigma_e = (q/p)/sqrt(12) = 2^{math.log2(SIGMA_E):.3f}, "
          f"log2(q/sigma_e) = {math.log2(Q / SIGMA_E):.3f}")
    print()
    print("1. primal uSVP, 2016 estimate (GSA), core-SVP")
    print(f"{'m_max':>8} {'beta':>6} {'m':>6} {'d':>6} {'classical 0.292b':>17} {'quantum 0.265b':>15}")
    for m_max in (N, 2 * N, D_MAX):
        beta, m = primal_usvp(m_max)
        print(f"{m_max:>8} {beta:>6} {m:>6} {m + N + 1:>6} {0.292 * beta:>17.1f} {0.265 * beta:>15.1f}")
    print()
    print("   sensitivity (m_max = 2n):")
    for label, kw in [("p = 2^39 (error x2)", dict(sigma_e=(Q / 2 ** 39) / math.sqrt(12))),
                      ("p = 2^44", dict(sigma_e=(Q / 2 ** 44) / math.sqrt(12))),
                      ("ternary secret", dict(sigma_s=math.sqrt(2 / 3))),
                      ("secret width 2^8", dict(sigma_s=256 / math.sqrt(12)))]:
        beta, m = primal_usvp(2 * N, **kw)
        print(f"   {label:<22} beta = {beta:>5}, m = {m:>5}: classical {0.292 * beta:.1f}, "
              f"quantum {0.265 * beta:.1f}")
    print()
    print("2. HE security standard (2018), n = 2048, uniform secret, sigma = 3.2, classical")
    log_qp = math.log2(P) + math.log2(3.2 * math.sqrt(12))
    lvl, interp = he_std(log_qp)
    print(f"   effective log2 q' = log2 p + log2(3.2 sqrt 12) = {math.log2(P):.0f} + "
          f"{math.log2(3.2 * math.sqrt(12)):.3f} = {log_qp:.2f}")
    print(f"   table: 128-bit up to log q = 56, 192-bit up to 39, 256-bit up to 31")
    print(f"   guaranteed level: {lvl} bits (log q' = {log_qp:.2f} <= 56); "
          f"interpolated (security ~ 1/log q): {interp:.1f} bits")
    print(f"   headroom to the 128-bit row: {56 - log_qp:.2f} bits of log q "
          f"(p could grow to 2^{56 - math.log2(3.2 * math.sqrt(12)):.1f} at 128 bits)")


if __name__ == "__main__":
    main()
