// The demo's promise, run in-process: FedAvg of 4 IID clients on the mlp with DEFAULT_TRAINING, one local
// epoch per round, passes 90% test accuracy after round 3. Also training/evaluation hygiene (errors, leaks).
import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { applyDelta } from "../../../workers/ml/applyDelta";
import { computeDelta } from "../../../workers/ml/computeDelta";
import { createModel } from "../../../workers/ml/createModel";
import { DEFAULT_TRAINING } from "../../../workers/ml/defaultTraining";
import { DatasetInvalidError, TrainingDivergedError, TrainingInvalidParametersError } from "../../../workers/ml/errors";
import { evaluateModel } from "../../../workers/ml/evaluateModel";
import { fedAvg, type FedAvgUpdate } from "../../../workers/ml/fedAvg";
import { getFlatWeights } from "../../../workers/ml/getFlatWeights";
import { initBackend } from "../../../workers/ml/initBackend";
import { initialWeights } from "../../../workers/ml/initialWeights";
import { loadMnist, type MnistDataset } from "../../../workers/ml/loadMnist";
import { partitionIid } from "../../../workers/ml/partitionIid";
import { setFlatWeights } from "../../../workers/ml/setFlatWeights";
import { trainLocal } from "../../../workers/ml/trainLocal";

const CLIENTS = 4;
const ROUNDS = 3;
const TASK_SEED = "fedmash-demo";

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("ml: FedAvg simulation", function () {
  let train: MnistDataset;
  let test: MnistDataset;
  before(async function () {
    expect(await initBackend({ model: "mlp" })).to.equal("wasm");
    [train, test] = await Promise.all([loadMnist({ split: "train" }), loadMnist({ split: "test" })]);
  });

  it("4 IID clients with DEFAULT_TRAINING reach >= 90% test accuracy after round 3, rising every round", async function () {
    this.timeout(120_000);
    const tensorsBefore = tf.memory().numTensors;
    const model = createModel("mlp", TASK_SEED);
    const rows = partitionIid(train.labels, CLIENTS, DEFAULT_TRAINING.samplesPerClient, TASK_SEED);
    let global = getFlatWeights(model);
    const accuracies = [evaluateModel(model, test).accuracy];
    const roundTimes: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const updates: FedAvgUpdate[] = [];
      for (let client = 0; client < CLIENTS; client++) {
        setFlatWeights(model, global);
        const result = await trainLocal({
          model,
          images: train.images,
          labels: train.labels,
          indices: rows[client],
          epochs: DEFAULT_TRAINING.epochs,
          batchSize: DEFAULT_TRAINING.batchSize,
          learningRate: DEFAULT_TRAINING.learningRate,
          seed: `${TASK_SEED}/${round}/${client}`,
        });
        expect(result.numSamples).to.equal(DEFAULT_TRAINING.samplesPerClient);
        roundTimes.push(result.durationMs);
        updates.push({ delta: computeDelta(getFlatWeights(model), global), numSamples: result.numSamples });
      }
      global = applyDelta(global, fedAvg(updates, "samples"));
      setFlatWeights(model, global);
      accuracies.push(evaluateModel(model, test).accuracy);
    }
    console.log(`      accuracy per round: ${accuracies.map((a) => a.toFixed(4)).join(" -> ")}`);
    console.log(`      local round: max ${Math.max(...roundTimes).toFixed(0)} ms, mean ${(roundTimes.reduce((a, b) => a + b) / roundTimes.length).toFixed(0)} ms`);
    for (let round = 1; round <= ROUNDS; round++) expect(accuracies[round]).to.be.above(accuracies[round - 1]);
    expect(accuracies[ROUNDS]).to.be.at.least(0.9);
    model.dispose();
    expect(tf.memory().numTensors).to.equal(tensorsBefore);
  });

  it("replays a local round bit-exactly from the same weights, data and seed", async function () {
    const start = initialWeights("mlp", 1);
    const model = createModel("mlp", 1);
    const indices = Array.from({ length: 256 }, (_, i) => i * 3);
    const common = { model, images: train.images, labels: train.labels, indices, epochs: 2, batchSize: 32, learningRate: 0.1 };
    const first = await trainLocal({ ...common, seed: "replay" });
    const firstWeights = getFlatWeights(model);
    setFlatWeights(model, start);
    const second = await trainLocal({ ...common, seed: "replay" });
    expect(second.loss).to.equal(first.loss);
    expect(sameBits(getFlatWeights(model), firstWeights)).to.equal(true);
    setFlatWeights(model, start);
    await trainLocal({ ...common, seed: "another order" });
    expect(sameBits(getFlatWeights(model), firstWeights)).to.equal(false);
    model.dispose();
  });

  it("evaluates without leaking tensors", function () {
    const model = createModel("mlp", 2);
    const before = tf.memory().numTensors;
    const { accuracy, loss } = evaluateModel(model, test, 777);
    expect(tf.memory().numTensors).to.equal(before);
    expect(accuracy).to.be.within(0, 0.3); // an untrained model is near chance
    expect(loss).to.be.above(1.5);
    model.dispose();
  });

  describe("should reject", function () {
    it("a learning rate so large that training diverges, with TrainingDivergedError", async function () {
      const model = createModel("mlp", 1);
      const indices = Array.from({ length: 64 }, (_, i) => i);
      const error = await trainLocal({ model, images: train.images, labels: train.labels, indices, epochs: 1, batchSize: 8, learningRate: 1e30, seed: 1 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(TrainingDivergedError);
      model.dispose();
    });

    it("bad training parameters with TrainingInvalidParametersError", async function () {
      const model = createModel("mlp", 1);
      const base = { model, images: train.images, labels: train.labels, indices: [0, 1], epochs: 1, batchSize: 2, learningRate: 0.1, seed: 1 };
      for (const bad of [{ indices: [] }, { indices: [60000] }, { epochs: 0 }, { batchSize: 1.5 }, { learningRate: -1 }]) {
        const error = await trainLocal({ ...base, ...bad }).catch((caught: unknown) => caught);
        expect(error, JSON.stringify(bad)).to.be.instanceOf(TrainingInvalidParametersError);
      }
      model.dispose();
    });

    it("images and labels that do not match with DatasetInvalidError", function () {
      const model = createModel("mlp", 1);
      expect(() => evaluateModel(model, { images: new Float32Array(784 * 2), labels: new Uint8Array(3) })).to.throw(DatasetInvalidError);
      expect(() => evaluateModel(model, { images: new Float32Array(100), labels: new Uint8Array(0) })).to.throw(DatasetInvalidError);
      model.dispose();
    });
  });
});
