// The stage-table test every protocol machine gets (Flower's secaggplus_mod_test style): one `it` per handler ×
// stage pair. A pair the machine's table allows must move the state to the documented stage; every other pair must
// throw ProtocolStageError naming that handler, the actual stage and exactly the stages the table allows.
import { expect } from "chai";
import { ProtocolStageError } from "../../../workers/protocol/stage";

export interface DescribeStageTableParameters<Stage extends string, State extends { stage: Stage }> {
  /** Each handler's call on a state, and the stage it moves to ("same": the handler keeps the stage). */
  calls: Readonly<Record<string, readonly [(state: State) => State, Stage | "same"]>>;
  /** Every stage of the machine. */
  stages: readonly Stage[];
  /** The machine's stage table: the stages each handler accepts. */
  table: Readonly<Record<string, readonly string[]>>;
  /** A state of the machine in `stage`. */
  fresh: (stage: Stage) => State;
  /** Where a handler goes from `stage` when that depends on more than the handler; `next` and "same" otherwise. */
  expected?: (handler: string, stage: Stage, next: Stage | "same") => Stage;
}

export function describeStageTable<Stage extends string, State extends { stage: Stage }>(parameters: DescribeStageTableParameters<Stage, State>): void {
  const { calls, stages, table, fresh } = parameters;
  const expectedOf = parameters.expected ?? ((_handler: string, stage: Stage, next: Stage | "same"): Stage => (next === "same" ? stage : next));
  for (const [handler, [call, next]] of Object.entries(calls)) {
    const allowed = table[handler];
    if (allowed === undefined) throw new Error(`the stage table has no handler ${handler}`);
    for (const stage of stages) {
      if (allowed.includes(stage)) {
        const expected = expectedOf(handler, stage, next);
        it(`${handler} in ${stage} moves to ${expected}`, function () {
          expect(call(fresh(stage)).stage).to.equal(expected);
        });
      } else {
        it(`${handler} in ${stage} throws ProtocolStageError`, function () {
          expect(() => call(fresh(stage)))
            .to.throw(ProtocolStageError, `"${stage}"`)
            .that.deep.includes({ handler, actual: stage, expected: allowed });
        });
      }
    }
  }
}
