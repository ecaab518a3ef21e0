// AUDIT (fraud proofs, gas), fixed by a cap: one FedmashVerifier.challenge opens a leaf of every included vector, so
// past about 245 vectors it no longer fit EIP-7825's per-transaction gas cap, and past about 150-175 geth's 128 KiB
// txpool limit: a wrong sum in a large MASH round could not be proven. The verifier now refuses to open a MASH round of
// more than MAX_PROVABLE_CLIENTS (128) clients, and this test checks that a challenge at that N fits both limits, at
// the d = 101,770 model (depth 13). The verifier's coordinator here is a stand-in compiled at
// test time (contracts/ is not touched): it serves task(), includedClients(), submission() and mashRound() from
// storage laid out as the real coordinator's (a Submission struct with a 59-character CID per client, and a member
// order plus participants array read per member), so the verifier's and the library's own costs are the real ones.
// The openings are real Merkle paths (random siblings; the commitment is computed over them), and every challenge
// is upheld at the leaf's last coordinate, so all 16 coordinates are recomputed (a cheater's best case).
//
// Findings this prints and checks:
//  - gas per vector (calldata + commitments read + Merkle + decode) and the N at which one challenge passes
//    EIP-7825's 16,777,216 per-transaction cap (Osaka) and a 30M block;
//  - calldata bytes per vector, and the N at which the transaction passes geth's 128 KiB txpool limit.
import { expect } from "chai";
import { ethers } from "hardhat";
import * as fs from "node:fs";
import * as path from "node:path";
import { concat, getBytes, hexlify, keccak256, randomBytes, toBeHex, zeroPadValue } from "ethers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { compile(input: string, options?: { import: (p: string) => { contents?: string; error?: string } }): string };

const ROOT = path.resolve(__dirname, "../..");
const MODEL_SIZE = 101_770;
const DEPTH = 13;
const TX_GAS_CAP = 16_777_216n;
const TXPOOL_MAX_BYTES = 131_072;

const MOCK = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
import {IFedmashCoordinator} from "contracts/interfaces/IFedmashCoordinator.sol";
interface IFactory { function deploy() external returns (address); }
interface IHooks {
  function onRoundOpened(uint256 taskId, uint256 roundId, address aggregator, uint256 maxClients) external;
  function onAggregatePosted(uint256 roundId, bytes32 aggregateHash, uint256 includedCount, uint64 b, uint64 c) external;
}
contract MockCoordinator {
  uint256 public constant MAX_MASH_CLIENTS = 1024;
  address public verifier;
  IFedmashCoordinator.TaskView internal _task;
  address[] internal _participants;
  uint16[] internal _memberOrder;
  mapping(address => IFedmashCoordinator.Submission) internal _subs;
  address internal _holder;
  uint256 internal _roundCount;
  constructor(address factory) { verifier = IFactory(factory).deploy(); }
  function setup(IFedmashCoordinator.TaskConfig calldata config, address owner) external {
    _task.config = config; _task.owner = owner; _task.currentModelCid = "m"; _roundCount = 1;
  }
  function addMembers(address[] calldata members, bytes32[] calldata hashes, string calldata cid) external {
    for (uint256 i = 0; i < members.length; ++i) {
      _memberOrder.push(uint16(_participants.length));
      _participants.push(members[i]);
      _subs[members[i]] = IFedmashCoordinator.Submission(cid, hashes[i], 1, 1e18, true);
    }
  }
  function setHolder(address holder, bytes32 hash, string calldata cid) external {
    _holder = holder; _subs[holder] = IFedmashCoordinator.Submission(cid, hash, 1, 1e18, true);
  }
  function open(uint256 maxClients) external { IHooks(verifier).onRoundOpened(1, 1, _task.config.aggregator, maxClients); }
  function post(bytes32 aggregateHash) external {
    IHooks(verifier).onAggregatePosted(1, aggregateHash, _participants.length + 1, 60, 60);
  }
  function task(uint256) external view returns (IFedmashCoordinator.TaskView memory) { return _task; }
  function includedClients(uint256 roundId) external view returns (address[] memory clients) {
    require(roundId != 0 && roundId <= _roundCount);
    uint256 n = _memberOrder.length;
    clients = new address[](n);
    for (uint256 i = 0; i < n; ++i) clients[i] = _participants[_memberOrder[i]];
  }
  function submission(uint256 roundId, address client) external view returns (IFedmashCoordinator.Submission memory) {
    require(roundId != 0 && roundId <= _roundCount);
    return _subs[client];
  }
  function mashRound(uint256) external view returns (IFedmashCoordinator.MashRoundView memory v) {
    v.holder = _holder; v.holderSubmitted = true; v.includedClientCount = _participants.length;
  }
  function isIncluded(uint256, address account) external view returns (bool) {
    return account == _holder || _subs[account].submitted;
  }
  function concludeVerification(uint256, IFedmashCoordinator.FailureReason) external {}
}
`;

function compileMock(): { abi: unknown[]; bytecode: string } {
  const input = {
    language: "Solidity",
    sources: { "test/audit/MockCoordinator.sol": { content: MOCK } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), { import: (p) => ({ contents: fs.readFileSync(path.join(ROOT, p), "utf8") }) }),
  );
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) throw new Error(JSON.stringify(errors));
  const contract = output.contracts["test/audit/MockCoordinator.sol"].MockCoordinator;
  return { abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object };
}

const P_RLWR = 1n << 40n;
const P_PAPER = (1n << 80n) + 13n;

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

function randomBelow(bound: bigint): bigint {
  return BigInt(hexlify(randomBytes(16))) % bound;
}

/** N leaves of 16 values whose coordinates 0–14 decode to `sum[slot]` and whose sum's slot 15 is off by one. */
function leaves(n: number, paper: boolean): { values: bigint[][]; sum: bigint[] } {
  const values: bigint[][] = Array.from({ length: n }, () => []);
  const sum: bigint[] = [];
  for (let slot = 0; slot < 16; ++slot) {
    const g = BigInt(slot * 7 - 50);
    if (paper) {
      let product = 1n;
      for (let v = 0; v < n - 1; ++v) {
        const x = 1n + randomBelow(P_PAPER - 1n);
        values[v]!.push(x);
        product = (product * x) % P_PAPER;
      }
      const target = modPow(2n, g >= 0n ? g : P_PAPER - 1n + g, P_PAPER);
      values[n - 1]!.push((target * modPow(product, P_PAPER - 2n, P_PAPER)) % P_PAPER);
    } else {
      let total = 0n;
      for (let v = 0; v < n - 1; ++v) {
        const x = randomBelow(P_RLWR);
        values[v]!.push(x);
        total += x;
      }
      values[n - 1]!.push((((2048n * g - total) % P_RLWR) + P_RLWR) % P_RLWR);
    }
    sum.push(slot === 15 ? g + 1n : g);
  }
  return { values, sum };
}

function encode(values: bigint[], width: number): string {
  return concat(values.map((v) => zeroPadValue(toBeHex(BigInt.asUintN(width * 8, v)), width)));
}

/** An opening of leaf 0 with random siblings, and the commitment it opens (a submission's: keccak256(payloadHash ‖ root)). */
function opening(valuesHex: string) {
  const payloadHash = hexlify(randomBytes(32));
  const proof = Array.from({ length: DEPTH }, () => hexlify(randomBytes(32)));
  let node = keccak256(concat(["0x00", valuesHex]));
  for (const sibling of proof) node = keccak256(concat(["0x01", node, sibling]));
  return { opening: { payloadHash, values: valuesHex, proof }, commitment: keccak256(concat([payloadHash, node])), root: node };
}

async function deployVerifierWithMock() {
  const [owner, aggregator] = await ethers.getSigners();
  const libraries: Record<string, string> = {};
  for (const name of ["AggregateFraudProof", "AggregateDispute", "SampledVerificationCheck", "ClientStakes"]) {
    libraries[name] = await (await (await ethers.getContractFactory(name)).deploy()).getAddress();
  }
  const factory = await (await ethers.getContractFactory("FedmashVerifierFactory", { libraries })).deploy();
  const { abi, bytecode } = compileMock();
  const mock = await new ethers.ContractFactory(abi as never, bytecode, owner).deploy(await factory.getAddress());
  const verifier = await ethers.getContractAt("FedmashVerifier", await (mock as unknown as { verifier(): Promise<string> }).verifier());
  return { owner, aggregator, mock: mock as unknown as import("ethers").Contract, verifier };
}

describe("AUDIT (fixed): challenge gas and size up to MAX_PROVABLE_CLIENTS (d = 101,770)", function () {
  this.timeout(1_200_000);
  const results: string[] = [];
  after(() => console.log("\n" + results.join("\n")));

  for (const paper of [false, true]) {
    for (const n of [64, 128]) {
      it(`${paper ? "paper-compat" : "rlwr-2048"}, N = ${n}: an upheld challenge`, async function () {
        const { owner, aggregator, mock, verifier } = await deployVerifierWithMock();
        const config = {
          mode: 1, aggregator: aggregator.address, modelSize: MODEL_SIZE, minClients: 4, maxClients: 128,
          joinDuration: 60, submitDuration: 60, aggregateDuration: 60, modelKind: "mlp", groupSize: 8,
          quantizationScale: 100, clipMillionths: 1_000_000, keyDuration: 60, shuffleDuration: 60, completionDuration: 60,
          minIncluded: 3, maskGroup: paper ? 1 : 0,
        };
        await mock.setup(config, owner.address);
        await verifier.connect(owner).setTerms(1, { aggregatorBond: 10n ** 18n, clientReward: 0, aggregatorReward: 0, challengeDuration: 600 });
        await verifier.connect(aggregator).acceptTask(1, 10n ** 18n);
        await verifier.connect(aggregator).depositBond(1, { value: 10n ** 18n });

        const width = paper ? 16 : 8;
        const { values, sum } = leaves(n, paper);
        const vectors = values.map((v) => opening(encode(v, width)));
        const aggregate = opening(encode(sum, 8));
        const cid = "bafkrei" + "a".repeat(52);
        const members = Array.from({ length: n - 1 }, () => ethers.Wallet.createRandom().address);
        for (let from = 0; from < members.length; from += 40) {
          await mock.addMembers(members.slice(from, from + 40), vectors.slice(from, from + 40).map((v) => v.commitment), cid);
        }
        await mock.setHolder(ethers.Wallet.createRandom().address, vectors[n - 1]!.commitment, cid);
        await mock.open(128);
        await mock.post(aggregate.root); // an aggregate is committed by its root alone

        const args = [1n, 0n, vectors.map((v) => v.opening), aggregate.opening] as const;
        const data = verifier.interface.encodeFunctionData("challenge", [...args]);
        const bytes = getBytes(data).length;
        const label = `${paper ? "paper-compat" : "rlwr-2048"} N=${n}`;
        let gas: bigint | undefined;
        try {
          const sent = await verifier.challenge(...args, { value: ethers.parseEther("0.01"), gasLimit: TX_GAS_CAP });
          gas = (await sent.wait())!.gasUsed;
          expect((await verifier.verification(1n)).outcome).to.equal(5n); // FraudProven: upheld at coordinate 15
        } catch (error) {
          results.push(`  ${label}: the upheld challenge does NOT fit in ${TX_GAS_CAP} gas (${(error as Error).message.split("\n")[0]}); calldata ${bytes} B`);
        }
        if (gas !== undefined) {
          results.push(
            `  ${label}: gas ${gas} (${gas / BigInt(n)}/vector), calldata ${bytes} B (${Math.round(bytes / n)}/vector)` +
              `${bytes > TXPOOL_MAX_BYTES ? "  > 128 KiB txpool" : ""}`,
          );
        }
        if (n === 128) {
          // At MAX_PROVABLE_CLIENTS a fraud proof fits one transaction that nodes relay and include.
          expect(gas !== undefined && gas <= TX_GAS_CAP, "an upheld challenge at N = 128 within EIP-7825's per-transaction cap").to.equal(true);
          expect(bytes, "challenge calldata at N = 128 vs geth's 128 KiB txpool limit").to.be.at.most(TXPOOL_MAX_BYTES);
        }
      });
    }
  }

  it("refuses to open a MASH round of more clients than a challenge can carry", async function () {
    const { owner, aggregator, mock, verifier } = await deployVerifierWithMock();
    await mock.setup(
      {
        mode: 1, aggregator: aggregator.address, modelSize: MODEL_SIZE, minClients: 4, maxClients: 129,
        joinDuration: 60, submitDuration: 60, aggregateDuration: 60, modelKind: "mlp", groupSize: 8,
        quantizationScale: 100, clipMillionths: 1_000_000, keyDuration: 60, shuffleDuration: 60, completionDuration: 60,
        minIncluded: 3, maskGroup: 0,
      },
      owner.address,
    );
    const maximum = await verifier.MAX_PROVABLE_CLIENTS();
    expect(maximum).to.equal(128n);
    await expect(mock.open(129)).to.be.revertedWithCustomError(verifier, "VerifierTooManyClientsToProve").withArgs(1n, 129n, maximum);
  });
});

