// Models, flat weights, the backend choice and one cnn training step.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { createModel } from "../../../workers/ml/createModel";
import { MlBackendUnavailableError, ModelUnknownKindError, ModelWeightsLengthError } from "../../../workers/ml/errors";
import { getFlatWeights } from "../../../workers/ml/getFlatWeights";
import { initBackend } from "../../../workers/ml/initBackend";
import { initialWeights } from "../../../workers/ml/initialWeights";
import { loadMnist } from "../../../workers/ml/loadMnist";
import { modelParameterCount } from "../../../workers/ml/modelParameterCount";
import { setFlatWeights } from "../../../workers/ml/setFlatWeights";
import { trainLocal } from "../../../workers/ml/trainLocal";

const run = promisify(execFile);

/** Bit-exact comparison; chai's deep equality takes seconds on 100k-element typed arrays. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Runs `code` in a fresh Node process with ts-node, so the cpu backend is untouched there; returns stdout + stderr. */
async function inFreshProcess(code: string): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], {
    cwd: process.cwd(),
    timeout: 60_000,
  });
  return stdout + stderr;
}

describe("ml: models and backends", function () {
  describe("initBackend", function () {
    it("picks wasm for the mlp and cpu for the cnn when tfjs-node is absent", async function () {
      expect(await initBackend({ model: "mlp" })).to.equal("wasm");
      expect(tf.getBackend()).to.equal("wasm");
      expect(await initBackend({ model: "cnn" })).to.equal("cpu");
      expect(tf.getBackend()).to.equal("cpu");
      expect(await initBackend({ preferred: "wasm", model: "cnn" })).to.equal("cpu");
    });

    it("reports a missing tfjs-node with MlBackendUnavailableError when it is asked for", async function () {
      const error = await initBackend({ preferred: "tensorflow", model: "mlp" }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(MlBackendUnavailableError);
      expect(error).to.have.property("backend", "tensorflow");
    });

    it("rejects an unknown preference or model kind with named errors", async function () {
      const badPreference = await initBackend({ preferred: "gpu" as "cpu", model: "mlp" }).catch((caught: unknown) => caught);
      expect(badPreference).to.be.instanceOf(MlBackendUnavailableError).and.have.property("backend", "gpu");
      const badKind = await initBackend({ model: "resnet" as "mlp" }).catch((caught: unknown) => caught);
      expect(badKind).to.be.instanceOf(ModelUnknownKindError);
    });

    it("keeps the cpu backend's 'install tfjs-node' greeting off the console", async function () {
      const work = "tf.tidy(() => tf.square(tf.tensor1d([1, 2, 3])).dataSync()); console.log('done');";
      const bare = await inFreshProcess(`const tf = require("@tensorflow/tfjs"); tf.setBackend("cpu").then(() => { ${work} });`);
      // The control shows the check can see the greeting at all.
      expect(bare).to.include("looks like you are running TensorFlow.js in Node.js");
      const ours = await inFreshProcess(
        `const tf = require("@tensorflow/tfjs"); require("./workers/ml/initBackend").initBackend({ preferred: "cpu", model: "cnn" }).then(() => { ${work} });`,
      );
      expect(ours).to.include("done");
      expect(ours).to.not.include("looks like you are running");
    });
  });

  describe("createModel", function () {
    before(async function () {
      await initBackend({ model: "mlp" });
    });

    it("builds the mlp with exactly 101,770 parameters and the cnn with exactly 804,554", function () {
      expect(modelParameterCount("mlp")).to.equal(101_770);
      expect(modelParameterCount("cnn")).to.equal(804_554);
      const mlp = createModel("mlp", 1);
      expect(mlp.countParams()).to.equal(101_770);
      expect(getFlatWeights(mlp).length).to.equal(101_770);
      mlp.dispose();
    });

    it("builds identical models from one seed and different ones from another", function () {
      const a = createModel("mlp", "task-seed");
      const b = createModel("mlp", "task-seed");
      const c = createModel("mlp", "other-seed");
      expect(sameBits(getFlatWeights(a), getFlatWeights(b))).to.equal(true);
      expect(sameBits(getFlatWeights(a), getFlatWeights(c))).to.equal(false);
      expect(sameBits(getFlatWeights(a), initialWeights("mlp", "task-seed"))).to.equal(true);
      [a, b, c].forEach((model) => model.dispose());
    });

    it("draws Glorot-uniform kernels and zero biases in the documented flat order", function () {
      const flat = initialWeights("mlp", 5);
      const kernel1 = flat.subarray(0, 784 * 128);
      const bias1 = flat.subarray(784 * 128, 784 * 128 + 128);
      const kernel2 = flat.subarray(784 * 128 + 128, 784 * 128 + 128 + 1280);
      const bias2 = flat.subarray(101_760);
      const limit1 = Math.sqrt(6 / (784 + 128));
      expect(Math.max(...kernel1.map(Math.abs))).to.be.below(limit1).and.above(0.99 * limit1);
      expect(Math.max(...kernel2.map(Math.abs))).to.be.below(Math.sqrt(6 / 138)).and.above(0.9 * Math.sqrt(6 / 138));
      expect([...bias1, ...bias2].every((value) => value === 0)).to.equal(true);
    });

    it("rejects an unknown kind with ModelUnknownKindError", function () {
      expect(() => createModel("resnet" as "mlp")).to.throw(ModelUnknownKindError);
    });
  });

  describe("flat weights", function () {
    before(async function () {
      await initBackend({ model: "mlp" });
    });

    it("round-trips a vector exactly and predicts from the loaded weights", function () {
      const model = createModel("mlp", 1);
      const flat = new Float32Array(101_770);
      for (let i = 0; i < flat.length; i++) flat[i] = Math.fround(Math.sin(i) / 100);
      setFlatWeights(model, flat);
      expect(sameBits(getFlatWeights(model), flat)).to.equal(true);
      // The second bias is the last 10 values: with all other weights zero the output is softmax(bias2).
      const zeros = new Float32Array(101_770);
      zeros.set([0, 0, 0, 0, 0, 0, 0, Math.log(2), 0, 0], 101_760);
      setFlatWeights(model, zeros);
      const probabilities = tf.tidy(() => (model.predict(tf.zeros([1, 784])) as tf.Tensor).dataSync());
      expect(probabilities[7]).to.be.closeTo(2 / 11, 1e-6);
      model.dispose();
    });

    it("does not alias the caller's array, even on cpu, which keeps the arrays it is given", async function () {
      await initBackend({ preferred: "cpu", model: "mlp" });
      const model = createModel("mlp", 1);
      const flat = initialWeights("mlp", 2);
      setFlatWeights(model, flat);
      flat.fill(0);
      expect(sameBits(getFlatWeights(model), initialWeights("mlp", 2))).to.equal(true);
      model.dispose();
      await initBackend({ model: "mlp" });
    });

    it("rejects a vector of the wrong length with ModelWeightsLengthError", function () {
      const model = createModel("mlp", 1);
      expect(() => setFlatWeights(model, new Float32Array(101_769)))
        .to.throw(ModelWeightsLengthError)
        .that.includes({ expected: 101_770, actual: 101_769 });
      model.dispose();
    });
  });

  describe("cnn on cpu", function () {
    it("has exactly 804,554 parameters and one SGD step on 4 samples changes every layer", async function () {
      expect(await initBackend({ model: "cnn" })).to.equal("cpu");
      const before = tf.memory().numTensors;
      const model = createModel("cnn", 3);
      expect(model.countParams()).to.equal(804_554);
      const initial = getFlatWeights(model);
      expect(initial.length).to.equal(804_554);
      const train = await loadMnist({ split: "train", limit: 4 });
      const result = await trainLocal({
        model,
        images: train.images,
        labels: train.labels,
        indices: [0, 1, 2, 3],
        epochs: 1,
        batchSize: 4,
        learningRate: 0.1,
        seed: 1,
      });
      expect(result.numSamples).to.equal(4);
      expect(result.loss).to.be.above(0);
      const after = getFlatWeights(model);
      // conv kernel, conv bias, dense kernel, dense bias, output kernel, output bias
      const bounds = [0, 288, 320, 320 + 802_816, 320 + 802_944, 804_544, 804_554];
      for (let layer = 0; layer < 6; layer++) {
        let changed = false;
        for (let i = bounds[layer]; i < bounds[layer + 1] && !changed; i++) changed = after[i] !== initial[i];
        expect(changed, `weight tensor ${layer} changed`).to.equal(true);
      }
      model.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  });
});
