// A client's submission as every machine that collects them keeps it (plain, MASH and Shamir aggregators, Shamir
// servers): the facts of the coordinator's UpdateSubmitted event, with the bigints as decimal strings so a round's
// state stays JSON-serializable. One conversion, so all roles record a submission the same way.
import type { CoordinatorEvent } from "./events";

export interface SubmissionRecord {
  client: string;
  cid: string;
  contentHash: string;
  numSamples: string;
  loss: string;
}

export type UpdateSubmittedEvent = Extract<CoordinatorEvent, { type: "UpdateSubmitted" }>;

export function submissionRecord(event: UpdateSubmittedEvent): SubmissionRecord {
  return {
    client: event.client,
    cid: event.cid,
    contentHash: event.contentHash,
    numSamples: event.numSamples.toString(),
    loss: event.loss.toString(),
  };
}
