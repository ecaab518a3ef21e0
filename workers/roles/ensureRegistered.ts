// Registers the worker's account in the registry with its own ECIES public key, once. The key pair is made
// by the worker itself and kept in its state folder: nobody hands out private keys.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateEciesKeyPair } from "../crypto/ecies/generateEciesKeyPair";
import type { EciesKeyPair } from "../crypto/ecies/types";
import { sendTransaction } from "../chain/sendTransaction";
import { Role } from "../protocol/enums";
import { BaseError } from "../errors";
import { writeStateFile } from "./stateFile";
import type { WorkerRuntime } from "./openWorkerRuntime";

export class RegistrationRoleConflictError extends BaseError {
  override name = "RegistrationRoleConflictError" as const;
}

function toHex(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes).toString("hex");
}

export function loadOrCreateEciesKeys(stateDir: string): EciesKeyPair {
  const file = join(stateDir, "ecies-key.json");
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, "utf8")) as { privateKey: string; publicKey: string };
    return { privateKey: Buffer.from(stored.privateKey.slice(2), "hex"), publicKey: Buffer.from(stored.publicKey.slice(2), "hex") };
  }
  const pair = generateEciesKeyPair();
  writeStateFile(file, { privateKey: toHex(pair.privateKey), publicKey: toHex(pair.publicKey) });
  return pair;
}

export async function ensureRegistered(runtime: WorkerRuntime, role: Role, keys: EciesKeyPair): Promise<void> {
  const participant = await runtime.registry.participant(runtime.connection.address);
  const current = Number(participant.role) as Role;
  if (current === role && participant.active) {
    if (participant.encryptionKey.toLowerCase() !== toHex(keys.publicKey).toLowerCase()) {
      await sendTransaction(runtime.connection.signer, {
        action: "updateEncryptionKey",
        send: () => runtime.registry.updateEncryptionKey(keys.publicKey),
      });
      runtime.logger.info("encryption key updated");
    }
    return;
  }
  if (current !== Role.None) {
    throw new RegistrationRoleConflictError(`Account ${runtime.connection.address} is registered with role ${current}, not ${role}.`, {
      details: "Use another account for this worker (each account holds one role).",
    });
  }
  await sendTransaction(runtime.connection.signer, { action: "register", send: () => runtime.registry.register(role, keys.publicKey) });
  runtime.logger.info("registered", { role, encryptionKey: toHex(keys.publicKey) });
}
