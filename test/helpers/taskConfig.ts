// A task configuration for tests that need a task on-chain but do not test its parameters: a small mlp task with
// ten-minute phases, three clients (MASH: four, a holder and one group of three, the fewest it allows) with the
// demo's quantization (clip 1, scale 10,000), the default floor on the included set (minIncluded 0) and the secure
// mask group; a plain task leaves every MASH parameter at 0. Tests pass only what their round depends on. The contract tests
// that test the configuration itself spell it out instead.
import type { IFedmashCoordinator } from "../../typechain-types";
import { MaskGroup, Mode } from "./enums";

export type TaskConfigParameters = Partial<IFedmashCoordinator.TaskConfigStruct> & {
  mode: typeof Mode.Plain | typeof Mode.Mash;
  aggregator: string;
};

const TEN_MINUTES = 600;

export function taskConfig(parameters: TaskConfigParameters): IFedmashCoordinator.TaskConfigStruct {
  const mash = parameters.mode === Mode.Mash;
  return {
    modelSize: 64,
    minClients: mash ? 4 : 3,
    maxClients: mash ? 4 : 3,
    joinDuration: TEN_MINUTES,
    submitDuration: TEN_MINUTES,
    aggregateDuration: TEN_MINUTES,
    modelKind: "mlp",
    groupSize: mash ? 3 : 0,
    quantizationScale: mash ? 10_000 : 0,
    clipMillionths: mash ? 1_000_000 : 0,
    keyDuration: mash ? TEN_MINUTES : 0,
    shuffleDuration: mash ? TEN_MINUTES : 0,
    completionDuration: mash ? TEN_MINUTES : 0,
    minIncluded: 0,
    maskGroup: MaskGroup.Rlwr2048,
    ...parameters,
  };
}
