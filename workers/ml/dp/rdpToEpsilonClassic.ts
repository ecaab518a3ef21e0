// The original RDP → (ε, δ) conversion, ε = RDP(α) - log δ / (α - 1) (Mironov 2017, "Rényi Differential
// Privacy", Proposition 3), minimised over the orders. Looser than rdpToEpsilon; kept because figures published
// before 2020 (TF Privacy's tests) were computed with it, so it checks our RDP values against them too.
import { minimizeEpsilonOverOrders, type EpsilonAtOrder, type RdpCurve } from "./minimizeEpsilonOverOrders";

export function rdpToEpsilonClassic(parameters: RdpCurve): EpsilonAtOrder {
  return minimizeEpsilonOverOrders(parameters, (rdp, alpha, logDelta) => rdp - logDelta / (alpha - 1));
}
