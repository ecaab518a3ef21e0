// Stage checks shared by every protocol state machine: each handler names the stages it accepts, and a call
// in any other stage throws ProtocolStageError naming the role, the handler, what was expected and what was found.
import { BaseError } from "../errors";

export class ProtocolStageError extends BaseError {
  override name = "ProtocolStageError" as const;
  constructor(
    readonly role: string,
    readonly handler: string,
    readonly expected: readonly string[],
    readonly actual: string,
  ) {
    super(`${role}.${handler} cannot run in stage "${actual}".`, { details: `Expected stage ${expected.map((s) => `"${s}"`).join(" or ")}.` });
  }
}

export function assertStage<S extends string>(role: string, handler: string, actual: S, allowed: readonly S[]): void {
  if (!allowed.includes(actual)) throw new ProtocolStageError(role, handler, allowed, actual);
}

/** A handler's stage contract, exported so tests can walk the whole stage × handler table. */
export type StageTable<H extends string, S extends string> = Readonly<Record<H, readonly S[]>>;

/** Whether `stage` is one of `allowed`; lets routers skip a handler instead of tripping its stage check. */
export function stageAllows(allowed: readonly string[], stage: string): boolean {
  return allowed.includes(stage);
}
