// The exact byte cap of every payload a worker fetches, derived from the task: the model size d, the mask group's
// limbs per coordinate, the share length, the server and client counts. Every fetch of a CID someone else posted
// passes one of these as maxBytes, so a payload one byte over what the task allows is refused by the store
// (IpfsPayloadTooLargeError) before it is read, whatever the declared or actual size.
import { sharePayloadBytes } from "../crypto/shamir/shareFormat";
import { CLIENT_METADATA_BYTES, clientListMetadataBytes, payloadByteLimit, shareManifestMetadataBytes } from "../storage/payloadByteLimit";
import { DELTA_TENSOR, MASKED_TENSOR, MODEL_TENSOR, SUM_TENSOR } from "./modelPayloads";
import { SHARE_SUM_TENSOR, SHARE_TENSOR } from "./shamirPayloads";

/** A Model payload: float32 weights [d]. */
export function modelByteLimit(modelSize: number): number {
  return payloadByteLimit({ tensors: [{ name: MODEL_TENSOR, dtype: "float32", shape: [modelSize] }], metadataBytes: CLIENT_METADATA_BYTES });
}

/** A plain client's Update payload: float32 delta [d]. */
export function updateByteLimit(modelSize: number): number {
  return payloadByteLimit({ tensors: [{ name: DELTA_TENSOR, dtype: "float32", shape: [modelSize] }], metadataBytes: CLIENT_METADATA_BYTES });
}

/** A MASH client's MaskedUpdate payload: uint32 limbs [d, limbsPerElement]. */
export function maskedByteLimit(modelSize: number, limbsPerElement: number): number {
  return payloadByteLimit({ tensors: [{ name: MASKED_TENSOR, dtype: "uint32", shape: [modelSize, limbsPerElement] }], metadataBytes: CLIENT_METADATA_BYTES });
}

/** An Aggregate: plain has the float delta; mash and shamir add the int32 sum. Its metadata lists the clients. */
export function aggregateByteLimit(mode: "plain" | "mash" | "shamir", modelSize: number, maxClients: number): number {
  const delta = { name: DELTA_TENSOR, dtype: "float32" as const, shape: [modelSize] };
  const tensors = mode === "plain" ? [delta] : [delta, { name: SUM_TENSOR, dtype: "int32" as const, shape: [modelSize] }];
  return payloadByteLimit({ tensors, metadataBytes: clientListMetadataBytes(maxClients) });
}

/** One encrypted Shamir share: the uint8 ciphertext of sharePayloadBytes(d) bytes. */
export function shareByteLimit(modelSize: number): number {
  return payloadByteLimit({ tensors: [{ name: SHARE_TENSOR, dtype: "uint8", shape: [sharePayloadBytes(modelSize)] }], metadataBytes: CLIENT_METADATA_BYTES });
}

/** A Shamir client's share manifest: metadata only, its size set by the server count. */
export function shareManifestByteLimit(servers: number): number {
  return payloadByteLimit({ tensors: [], metadataBytes: shareManifestMetadataBytes(servers) });
}

/** A server's ShareSum: uint32 [d], its metadata listing the clients summed. */
export function shareSumByteLimit(modelSize: number, maxClients: number): number {
  return payloadByteLimit({ tensors: [{ name: SHARE_SUM_TENSOR, dtype: "uint32", shape: [modelSize] }], metadataBytes: clientListMetadataBytes(maxClients) });
}
