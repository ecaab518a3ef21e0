// A Shamir task's configuration for the contract tests: d, the client bounds and the durations as each test needs
// them, the five MASH-only fields at 0 (Shamir ignores them), the default floor minIncluded = max(3, minClients).
import type { IFedmashCoordinator } from "../../typechain-types/contracts/FedmashCoordinator";
import { MaskGroup, Mode } from "./enums";

export function shamirTaskConfig(
  aggregator: string,
  settings: Pick<IFedmashCoordinator.TaskConfigStruct, "modelSize" | "maxClients" | "joinDuration" | "submitDuration" | "aggregateDuration">,
  overrides: Partial<IFedmashCoordinator.TaskConfigStruct> = {}
): IFedmashCoordinator.TaskConfigStruct {
  const config: IFedmashCoordinator.TaskConfigStruct = {
    mode: Mode.Shamir,
    aggregator,
    minClients: 2,
    modelKind: "mlp",
    // Shamir ignores the five Mash-only fields, so 0 is accepted where Mash would refuse it.
    groupSize: 0,
    quantizationScale: 10_000,
    clipMillionths: 1_000_000,
    keyDuration: 0,
    shuffleDuration: 0,
    completionDuration: 0,
    // The default floor, max(3, minClients) = 3.
    minIncluded: 0,
    maskGroup: MaskGroup.Rlwr2048,
    ...settings,
  };
  return { ...config, ...overrides };
}
