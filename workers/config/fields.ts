// The zod fields every CLI setting is parsed with. Each takes the raw text of a flag, environment variable or
// config-file value (or nothing) and gives the typed value or its default; a bad value becomes one zod issue
// whose message continues `--flag "value"` ("is not an http(s) or ws(s) URL") and whose params carry the fix.
import { z } from "zod";
import type { RawValue } from "./optionSpec";

export type Field<T> = z.ZodType<T, RawValue>;

/** What a parser says about a bad value: the rest of the sentence after `--flag "value"`, and how to fix it. */
export interface FieldProblem {
  problem: string;
  fix: string;
}

function isProblem(value: unknown): value is FieldProblem {
  return typeof value === "object" && value !== null && "problem" in value && "fix" in value && Object.keys(value).length === 2;
}

/** A field from a text parser; `fallback` is the default when no source gives a value. */
export function textField<T>(parse: (text: string) => T | FieldProblem, fallback: T): Field<T>;
export function textField<T>(parse: (text: string) => T | FieldProblem): Field<T | undefined>;
export function textField<T>(parse: (text: string) => T | FieldProblem, fallback?: T): Field<T | undefined> {
  return z.union([z.string(), z.boolean()]).optional().transform((raw, ctx) => {
    if (raw === undefined) return fallback;
    const parsed = parse(String(raw).trim());
    if (isProblem(parsed)) {
      ctx.addIssue({ code: "custom", message: parsed.problem, params: { fix: parsed.fix } });
      return z.NEVER;
    }
    return parsed;
  });
}

export function integerParser(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number | FieldProblem {
  return (text) => {
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    return { problem: `is not ${range}`, fix: `give ${range}, e.g. ${Math.max(min, Math.min(max, 1))}.` };
  };
}

export function integerField(min: number, fallback: number, max?: number): Field<number>;
export function integerField(min: number, fallback?: undefined, max?: number): Field<number | undefined>;
export function integerField(min: number, fallback?: number, max?: number): Field<number | undefined> {
  return fallback === undefined ? textField(integerParser(min, max)) : textField(integerParser(min, max), fallback);
}

/** A finite number > 0 (learning rates, clips, α). */
export function positiveField(fallback: number): Field<number>;
export function positiveField(): Field<number | undefined>;
export function positiveField(fallback?: number): Field<number | undefined> {
  const parse = (text: string): number | FieldProblem => {
    const value = text === "" ? Number.NaN : Number(text);
    return Number.isFinite(value) && value > 0 ? value : { problem: "is not a positive number", fix: "give a finite number > 0, e.g. 0.5." };
  };
  return fallback === undefined ? textField(parse) : textField(parse, fallback);
}

export function choiceField<const T extends string>(choices: readonly T[], fallback: T): Field<T>;
export function choiceField<const T extends string>(choices: readonly T[]): Field<T | undefined>;
export function choiceField<const T extends string>(choices: readonly T[], fallback?: T): Field<T | undefined> {
  const parse = (text: string): T | FieldProblem =>
    (choices as readonly string[]).includes(text) ? (text as T) : { problem: `is not one of ${choices.join(", ")}`, fix: `use one of ${choices.join(", ")}.` };
  return fallback === undefined ? textField(parse) : textField(parse, fallback);
}

/** A URL with one of the given schemes ("http:", "ws:" ...); `example` goes into the fix. */
export function urlField(protocols: readonly string[], example: string, fallback: string): Field<string>;
export function urlField(protocols: readonly string[], example: string): Field<string | undefined>;
export function urlField(protocols: readonly string[], example: string, fallback?: string): Field<string | undefined> {
  const names = protocols.map((p) => p.replace(/:$/, ""));
  const wanted = names.length === 4 ? "an http(s) or ws(s) URL" : names.length === 2 && names[0] === "http" ? "an http(s) URL" : `a ${names.join(" or ")} URL`;
  const parse = (text: string): string | FieldProblem => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { problem: `is not ${wanted}`, fix: `use a full URL such as ${example}.` };
    }
    if (!protocols.includes(url.protocol)) {
      const scheme = url.protocol.replace(/:$/, "");
      const hint = scheme === "ws" || scheme === "wss" ? " (the node's http endpoint: WebSocket is not supported)" : "";
      return { problem: `is not ${wanted} (scheme ${scheme})`, fix: `use a URL such as ${example}${hint}.` };
    }
    if (!url.hostname) return { problem: `is not ${wanted} (no host)`, fix: `use a URL such as ${example}.` };
    return text;
  };
  return fallback === undefined ? textField(parse) : textField(parse, fallback);
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function addressField(): Field<string | undefined> {
  return textField((text) => (ADDRESS.test(text) ? text : { problem: "is not an address", fix: "give a 0x-prefixed 20-byte hex address (42 characters)." }));
}

/** Comma-separated addresses, in order (a Shamir task's servers). */
export function addressListField(): Field<string[]> {
  return textField((text) => {
    const items = text.split(",").map((item) => item.trim()).filter((item) => item !== "");
    const bad = items.find((item) => !ADDRESS.test(item));
    if (bad !== undefined) return { problem: `holds "${bad}", which is not an address`, fix: "give comma-separated 0x-prefixed 20-byte hex addresses." };
    return items;
  }, []);
}

export function privateKeyField(): Field<string | undefined> {
  return textField((text) => {
    const hex = text.startsWith("0x") ? text : `0x${text}`;
    return /^0x[0-9a-fA-F]{64}$/.test(hex) ? hex : { problem: "is not a private key", fix: "give the account's 32-byte key as 64 hex digits (0x-prefixed)." };
  });
}

/** An amount of ETH with up to 18 decimals, as wei. */
export function etherParser(text: string): bigint | FieldProblem {
  if (!/^\d+(\.\d{1,18})?$/.test(text)) return { problem: "is not an amount of ETH", fix: "give a number ≥ 0 with at most 18 decimals, e.g. 0.01." };
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole ?? "0") * 10n ** 18n + BigInt(fraction.padEnd(18, "0"));
}

export function etherField(fallbackWei: bigint): Field<bigint> {
  return textField(etherParser, fallbackWei);
}

/** A folder or file path; only emptiness is refused here (existence is the command's business). */
export function pathField(fallback: string): Field<string>;
export function pathField(): Field<string | undefined>;
export function pathField(fallback?: string): Field<string | undefined> {
  const parse = (text: string): string | FieldProblem => (text === "" ? { problem: "is empty", fix: "give a path, or leave the setting out for the default." } : text);
  return fallback === undefined ? textField(parse) : textField(parse, fallback);
}

/** An Ignition deployment id: a folder name under ignition/deployments, never a path. */
export function deploymentIdField(): Field<string | undefined> {
  return textField((text) =>
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(text) ? text : { problem: "is not a deployment id", fix: "give a folder name under ignition/deployments (letters, digits, - and _), e.g. chain-31337." },
  );
}

/** On/off: a bare flag, true/false in a config file, or 1/0, true/false, yes/no in the environment. */
export function booleanField(): Field<boolean> {
  return z.union([z.string(), z.boolean()]).optional().transform((raw, ctx) => {
    if (raw === undefined || typeof raw === "boolean") return raw ?? false;
    const text = raw.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(text)) return true;
    if (["", "0", "false", "no", "off"].includes(text)) return false;
    ctx.addIssue({ code: "custom", message: "is not on or off", params: { fix: "use 1 or 0 (true or false)." } });
    return z.NEVER;
  });
}

/** A host name or IP address to listen on (no scheme, no port). */
export function hostField(fallback: string): Field<string> {
  return textField(
    (text) => (/^[A-Za-z0-9.:_-]+$/.test(text) && !text.includes("//") ? text : { problem: "is not a host name or IP address", fix: "give e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)." }),
    fallback,
  );
}
