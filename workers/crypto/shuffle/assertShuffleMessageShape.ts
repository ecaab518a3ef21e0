// The shape checks every received shuffle message goes through before any decryption: the right sender, as
// many items as members before it, every item exactly the expected length, and no item twice.
import { ShuffleDuplicateItemError, ShuffleMessageCountError, ShuffleMessageLengthError, ShuffleUnexpectedSenderError } from "./errors";
import type { ShuffleMessage } from "./types";
import type { ValidatedShuffleGroup } from "./validateShuffleGroup";

export type AssertShuffleMessageShapeParameters = {
  group: ValidatedShuffleGroup;
  message: ShuffleMessage;
  /** Who is checking it (for the error when the sender is wrong). */
  memberIndex: number;
  expectedSenderIndex: number;
};

export function assertShuffleMessageShape({ group, message, memberIndex, expectedSenderIndex }: AssertShuffleMessageShapeParameters): void {
  const { senderIndex, items } = message;
  if (senderIndex !== expectedSenderIndex) throw new ShuffleUnexpectedSenderError(memberIndex, expectedSenderIndex, senderIndex);
  if (items.length !== senderIndex + 1) throw new ShuffleMessageCountError(senderIndex, senderIndex + 1, items.length);
  const expectedLength = group.itemLength(senderIndex);
  const seen = new Map<string, number>();
  items.forEach((item, itemIndex) => {
    if (item.length !== expectedLength) throw new ShuffleMessageLengthError(senderIndex, itemIndex, expectedLength, item.length);
    const hex = Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString("hex");
    const earlier = seen.get(hex);
    if (earlier !== undefined) throw new ShuffleDuplicateItemError(senderIndex, itemIndex, earlier);
    seen.set(hex, itemIndex);
  });
}
