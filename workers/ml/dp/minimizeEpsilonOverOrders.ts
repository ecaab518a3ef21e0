// The shared part of every RDP → (ε, δ) conversion: validate the curve, evaluate the bound at each order and keep
// the smallest ε with its order. The conversions differ only in the bound.
import { DpAccountingError } from "./errors";

export interface RdpCurve {
  orders: readonly number[];
  /** RDP at each order (same length); Infinity is allowed and never chosen unless all are. */
  rdp: readonly number[];
  /** δ in (0, 1). */
  delta: number;
}

export interface EpsilonAtOrder {
  /** The smallest ε over the orders, clamped at 0; Infinity when every order gives Infinity. */
  epsilon: number;
  /** The order that gives it (NaN when epsilon is Infinity). */
  order: number;
}

/** ε at one finite order α > 1 from its RDP value and log δ. */
export type RdpConversionBound = (rdp: number, alpha: number, logDelta: number) => number;

export function minimizeEpsilonOverOrders(curve: RdpCurve, bound: RdpConversionBound): EpsilonAtOrder {
  const { orders, rdp, delta } = curve;
  if (orders.length === 0 || orders.length !== rdp.length) {
    throw new DpAccountingError("The orders and the RDP values must be non-empty lists of the same length.", `${orders.length} orders, ${rdp.length} values`);
  }
  if (typeof delta !== "number" || !(delta > 0 && delta < 1)) throw new DpAccountingError(`δ must be in (0, 1), got ${delta}.`);
  const logDelta = Math.log(delta);
  let best: EpsilonAtOrder = { epsilon: Infinity, order: NaN };
  orders.forEach((alpha, index) => {
    if (typeof alpha !== "number" || !(alpha > 1)) throw new DpAccountingError(`Every Rényi order must be > 1, got ${alpha}.`);
    const value = rdp[index]!;
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) throw new DpAccountingError(`RDP values must be >= 0, got ${value} at order ${alpha}.`);
    const epsilon = alpha === Infinity || value === Infinity ? Infinity : bound(value, alpha, logDelta);
    if (epsilon < best.epsilon) best = { epsilon, order: alpha };
  });
  return best.epsilon === Infinity ? best : { epsilon: Math.max(0, best.epsilon), order: best.order };
}
