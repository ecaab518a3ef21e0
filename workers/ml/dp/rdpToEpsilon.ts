// Conversion of RDP to (ε, δ)-DP, minimised over the orders, with the tighter bound that TF Privacy and Opacus
// use today: ε = RDP(α) + log((α-1)/α) - (log δ + log α)/(α - 1)
// (Canonne, Kamath, Steinke 2020, "The Discrete Gaussian for Differential Privacy", Proposition 12;
// Balle et al. 2020, "Hypothesis Testing Interpretations and Rényi Differential Privacy", Theorem 21).
import { minimizeEpsilonOverOrders, type EpsilonAtOrder, type RdpCurve } from "./minimizeEpsilonOverOrders";

export type RdpToEpsilonParameters = RdpCurve;
export type RdpToEpsilonReturnType = EpsilonAtOrder;

export function rdpToEpsilon(parameters: RdpToEpsilonParameters): RdpToEpsilonReturnType {
  return minimizeEpsilonOverOrders(parameters, (rdp, alpha, logDelta) => rdp + Math.log1p(-1 / alpha) - (logDelta + Math.log(alpha)) / (alpha - 1));
}
