// The short reason under a failure, for a one-line message: a socket or DNS error code in the cause chain said in
// words ("connection refused (ECONNREFUSED)"), else the first line of the innermost cause.
import { BaseError } from "../errors";

const CODE_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate for another host",
};

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    chain.push(current);
    if (current instanceof AggregateError && current.errors.length > 0) {
      current = current.errors[0];
      continue;
    }
    current = typeof current === "object" ? (current as { cause?: unknown; error?: unknown }).cause ?? (current as { error?: unknown }).error : undefined;
  }
  return chain;
}

function firstLine(text: string, max = 160): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Below `error` itself: undefined when its causes add nothing a person can act on. */
export function describeCause(error: unknown): string | undefined {
  const chain = causes(error).slice(1);
  for (const cause of chain) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && CODE_WORDS[code]) {
      const host = (cause as { hostname?: unknown }).hostname;
      return `${CODE_WORDS[code]}${typeof host === "string" && code === "ENOTFOUND" ? `: ${host}` : ""} (${code})`;
    }
  }
  const innermost = chain.at(-1);
  if (innermost instanceof BaseError) return firstLine(innermost.shortMessage);
  if (innermost instanceof Error && innermost.message && innermost.message !== "fetch failed") return firstLine(innermost.message);
  if (typeof innermost === "string") return firstLine(innermost);
  return undefined;
}
