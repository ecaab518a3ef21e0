// Chooses and starts the TensorFlow.js backend for a model kind: the native tfjs-node when it is installed,
// else wasm for the mlp and cpu for the cnn (the wasm backend has no Conv2DBackpropFilter kernel, so a cnn
// cannot train there). Works offline: the wasm binaries are read from node_modules, never fetched.
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { MlBackendInitError, MlBackendUnavailableError, ModelUnknownKindError } from "./errors";
import { isModelKind, type ModelKind } from "./modelLayout";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface InitBackendParameters {
  /** "auto" (default) picks tensorflow, else wasm for mlp and cpu for cnn. */
  preferred?: "auto" | BackendName;
  model: ModelKind;
}

/** The backend actually in use; it differs from `preferred` when wasm was asked for a cnn (then cpu). */
export type InitBackendReturnType = BackendName;

const TFJS_NODE = "@tensorflow/tfjs-node";

let wasmPathsSet = false;
let cpuGreetingSilenced = false;
// setBackend is process-global: concurrent callers are served one after the other.
let queue: Promise<unknown> = Promise.resolve();

export function initBackend(parameters: InitBackendParameters): Promise<InitBackendReturnType> {
  const next = queue.then(() => chooseAndStart(parameters));
  queue = next.catch(() => undefined);
  return next;
}

const PREFERENCES: readonly string[] = ["auto", "tensorflow", "wasm", "cpu"];

async function chooseAndStart({ preferred = "auto", model }: InitBackendParameters): Promise<BackendName> {
  // Both usually come from a CLI flag or a task config, so a typo must not silently pick something else.
  if (!isModelKind(model)) throw new ModelUnknownKindError(String(model));
  if (!PREFERENCES.includes(preferred)) {
    throw new MlBackendUnavailableError(String(preferred), `expected one of ${PREFERENCES.join(", ")}`);
  }
  if (preferred === "tensorflow" || preferred === "auto") {
    const loadError = loadTfjsNode();
    if (loadError === undefined) return start("tensorflow");
    if (preferred === "tensorflow") throw loadError;
  }
  if (preferred === "cpu" || model === "cnn") return start("cpu");
  return start("wasm");
}

/** Loads tfjs-node, which registers the "tensorflow" backend. Returns why it is unavailable, if it is. */
function loadTfjsNode(): MlBackendUnavailableError | undefined {
  if (tf.findBackendFactory("tensorflow") !== null) return undefined;
  // libtensorflow logs CPU-feature banners to stderr unless told not to; this is its documented switch.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
  try {
    // A computed name keeps TypeScript from requiring the optional package's types at compile time.
    require(TFJS_NODE);
  } catch (error) {
    const notInstalled =
      (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(TFJS_NODE);
    const reason = notInstalled
      ? `${TFJS_NODE} is not installed (its install downloads libtensorflow and needs the internet)`
      : `${TFJS_NODE} is installed but failed to load`;
    return new MlBackendUnavailableError("tensorflow", reason, error);
  }
  if (tf.findBackendFactory("tensorflow") === null) {
    return new MlBackendUnavailableError("tensorflow", `${TFJS_NODE} loaded but registered no "tensorflow" backend`);
  }
  return undefined;
}

async function start(name: BackendName): Promise<BackendName> {
  if (name === "wasm" && !wasmPathsSet) {
    // Without this, the emscripten loader resolves the .wasm next to whichever bundle was loaded; pointing it
    // at the package's dist folder works the same under ts-node, compiled output and bundles.
    setWasmPaths(`${join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist")}/`);
    wasmPathsSet = true;
  }
  let started: boolean;
  try {
    started = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    throw new MlBackendInitError(name, error);
  }
  if (!started || tf.getBackend() !== name) throw new MlBackendInitError(name);
  if (name === "cpu") silenceCpuGreeting();
  return name;
}

/**
 * The cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js..." on its first tensor
 * write, through tfjs' warn(), which the documented PROD flag (tf.enableProdMode) mutes. Keeping PROD on
 * would mute every later tfjs warning too, so it is on only for one tiny write that uses up the greeting.
 */
function silenceCpuGreeting(): void {
  if (cpuGreetingSilenced) return;
  const environment = tf.env();
  const wasProd = environment.getBool("PROD");
  environment.set("PROD", true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    environment.set("PROD", wasProd);
  }
  cpuGreetingSilenced = true;
}
