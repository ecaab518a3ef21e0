// Splits a buffered multipart/form-data body (RFC 7578) into its parts, as sent by kubo-rpc-client's `add`.
// Pure; parts reference the body's memory rather than copying it.
import { StoreRpcBadRequestError } from "./errors";

export interface MultipartPart {
  /** The form field name: `file`, `file-1`, ... for files, `dir` for directories in Kubo's convention. */
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: Uint8Array;
}

export type ParseMultipartReturnType = MultipartPart[];

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

export function parseMultipart(body: Uint8Array, contentTypeHeader: string | undefined): ParseMultipartReturnType {
  const boundary = boundaryOf(contentTypeHeader);
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  let position = buffer.indexOf(delimiter);
  if (position < 0) throw new StoreRpcBadRequestError("multipart body has no opening boundary");
  const parts: MultipartPart[] = [];
  for (;;) {
    position += delimiter.length;
    if (buffer[position] === 0x2d && buffer[position + 1] === 0x2d) return parts; // "--" closes the body
    if (!buffer.subarray(position, position + 2).equals(CRLF)) throw new StoreRpcBadRequestError("malformed boundary line");
    const headersStart = position + 2;
    const headersEnd = buffer.indexOf(HEADER_END, headersStart);
    if (headersEnd < 0 || headersEnd - headersStart > MAX_HEADER_BYTES) throw new StoreRpcBadRequestError("part headers are not terminated");
    const headers = parseHeaders(buffer.toString("latin1", headersStart, headersEnd));
    const dataStart = headersEnd + HEADER_END.length;
    // The part's content ends at CRLF followed by the next delimiter; content may contain bare CRLFs.
    const next = buffer.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
    if (next < 0) throw new StoreRpcBadRequestError("multipart body ends inside a part");
    const disposition = headers.get("content-disposition") ?? "";
    const name = dispositionParameter(disposition, "name");
    if (!disposition.toLowerCase().startsWith("form-data") || name === undefined) {
      throw new StoreRpcBadRequestError("part without a form-data Content-Disposition name");
    }
    parts.push({
      name,
      filename: dispositionParameter(disposition, "filename"),
      contentType: headers.get("content-type"),
      data: buffer.subarray(dataStart, next),
    });
    position = next + CRLF.length;
  }
}

function boundaryOf(contentTypeHeader: string | undefined): string {
  const match = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader ?? "");
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined || boundary.length > 200) {
    throw new StoreRpcBadRequestError(`expected Content-Type multipart/form-data with a boundary, got "${contentTypeHeader ?? ""}"`);
  }
  return boundary;
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new StoreRpcBadRequestError(`malformed part header "${line.slice(0, 80)}"`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParameter(disposition: string, parameter: string): string | undefined {
  const match = new RegExp(`;\\s*${parameter}="([^"]*)"`, "i").exec(disposition);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
