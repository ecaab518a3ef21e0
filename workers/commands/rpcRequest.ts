// One bare JSON-RPC request, for the CLI's preflight: an ethers provider pointed at a dead or wrong URL keeps
// retrying and printing "failed to detect network" instead of failing once with the reason.
import { BaseError } from "../errors";
import { httpPost } from "./httpPost";

export class RpcAnswerError extends BaseError {
  override name = "RpcAnswerError" as const;
}

export interface RpcRequestParameters {
  url: string;
  method: string;
  params?: readonly unknown[];
  timeoutMs?: number;
}

export async function rpcRequest(parameters: RpcRequestParameters): Promise<unknown> {
  const response = await httpPost({
    url: parameters.url,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: parameters.method, params: parameters.params ?? [] }),
    timeoutMs: parameters.timeoutMs ?? 5_000,
  });
  let body: { result?: unknown; error?: { message?: string } };
  try {
    body = JSON.parse(response.text) as typeof body;
  } catch (error) {
    throw new RpcAnswerError(`it answered HTTP ${response.status} with something that is not JSON-RPC`, { cause: error });
  }
  if (body.error) throw new RpcAnswerError(`${parameters.method} failed: ${body.error.message ?? "unknown error"}`);
  if (!("result" in body)) throw new RpcAnswerError(`it answered HTTP ${response.status} without a JSON-RPC result`);
  return body.result;
}
