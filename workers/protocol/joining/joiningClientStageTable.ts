// The Joining stage of a secure-mode client (MASH or Shamir), as a part of its machine's stage table: while the
// round awaits its join, the client either sees its own ClientJoined, sees Joining close without it, or refuses
// the round's input model and stays out.
import type { StageTable } from "../stage";

/** Joined, left out, refused: where the Joining stage can take an "awaiting-join" client. */
export type JoiningClientStage = "awaiting-join" | "joined" | "left-out" | "refused";

export const JOINING_CLIENT_HANDLER_STAGES = {
  confirmJoin: ["awaiting-join"],
  missJoin: ["awaiting-join"],
  refuseModel: ["awaiting-join"],
} as const satisfies StageTable<string, JoiningClientStage>;
export type JoiningClientHandler = keyof typeof JOINING_CLIENT_HANDLER_STAGES;
