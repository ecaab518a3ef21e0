// Shared constants of the shuffle's byte encodings (see encodeShuffleMessage and encodeGroupSumMessage).
//   shuffle step: u8 version=1 ‖ u8 kind=1 ‖ u16 senderIndex ‖ u16 itemCount ‖ u32 itemLength ‖ items
//   group sum:    u8 version=1 ‖ u8 kind=2 ‖ u32 groupIndex ‖ u16 memberCount ‖ u16 ciphertextLength ‖ ciphertext
// All integers big-endian. Every item of a step has the same length, so the header states it once.

export const WIRE_VERSION = 1;
export const KIND_SHUFFLE_STEP = 1;
export const KIND_GROUP_SUM = 2;
export const HEADER_BYTES = 10;
