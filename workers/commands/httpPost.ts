// One HTTP(S) POST with a deadline over node:http, for the CLI's probes of the RPC node and the IPFS API. Not
// fetch: fetch refuses "bad ports" (9, 6000, ...) outright and hides the socket's error code under "fetch failed".
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { BaseError } from "../errors";

export class HttpTimeoutError extends BaseError {
  override name = "HttpTimeoutError" as const;
}

export interface HttpPostParameters {
  url: string;
  body?: string;
  contentType?: string;
  timeoutMs: number;
}

export interface HttpPostReturnType {
  status: number;
  text: string;
}

export function httpPost(parameters: HttpPostParameters): Promise<HttpPostReturnType> {
  const url = new URL(parameters.url);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method: "POST", headers: { "content-type": parameters.contentType ?? "application/json", "content-length": Buffer.byteLength(parameters.body ?? "") } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.setTimeout(parameters.timeoutMs, () => request.destroy(new HttpTimeoutError(`no answer within ${parameters.timeoutMs / 1000} s`)));
    request.on("error", reject);
    request.end(parameters.body ?? "");
  });
}
