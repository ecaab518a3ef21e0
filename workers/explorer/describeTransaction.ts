// Turns a transaction and its receipt into what the explorer's /tx/ view shows: which fedmash contract was called,
// the function and its arguments, gas and fee, and every event it emitted, decoded with the contracts' ABIs.
// Pure: the server fetches the transaction, receipt and block and passes them in.
import { formatEther, type Interface, type Result } from "ethers";

export interface KnownContract {
  name: string;
  address: string;
  iface: Interface;
}

export interface DescribeTransactionParameters {
  transaction: { hash: string; from: string; to: string | null; data: string; value: bigint; nonce: number };
  receipt: {
    blockNumber: number;
    status: number | null;
    gasUsed: bigint;
    gasPrice: bigint;
    contractAddress: string | null;
    logs: readonly { address: string; topics: readonly string[]; data: string; index: number }[];
  };
  /** Unix seconds of the including block. */
  timestamp?: number;
  contracts: readonly KnownContract[];
}

export interface DecodedField {
  name: string;
  value: string;
}

export interface TransactionView {
  hash: string;
  blockNumber: number;
  timestamp?: number;
  from: string;
  to: string | null;
  /** The fedmash contract called, when it is one. */
  contractName?: string;
  /** Set when the transaction created a contract. */
  createdContract?: string;
  functionName?: string;
  args: DecodedField[];
  succeeded: boolean;
  gasUsed: string;
  gasPriceWei: string;
  feeEth: string;
  valueEth: string;
  nonce: number;
  events: { index: number; contractName: string; address: string; name: string; args: DecodedField[] }[];
}

const LONG_HEX = 2 + 64 * 2;

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") {
    // Shuffle messages and batch sums run to kilobytes: show their start and size, not all of it.
    if (/^0x[0-9a-fA-F]*$/.test(value) && value.length > LONG_HEX) return `${value.slice(0, 18)}… (${(value.length - 2) / 2} bytes)`;
    return value;
  }
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

function fields(inputs: readonly { name: string }[], args: Result): DecodedField[] {
  return inputs.map((input, i) => ({ name: input.name || `arg${i}`, value: formatValue(args[i]) }));
}

export function describeTransaction(parameters: DescribeTransactionParameters): TransactionView {
  const { transaction, receipt } = parameters;
  const byAddress = new Map(parameters.contracts.map((c) => [c.address.toLowerCase(), c]));
  const target = transaction.to ? byAddress.get(transaction.to.toLowerCase()) : undefined;
  const call = target?.iface.parseTransaction({ data: transaction.data, value: transaction.value });
  const events = receipt.logs.map((log) => {
    const emitter = byAddress.get(log.address.toLowerCase());
    const parsed = emitter?.iface.parseLog({ topics: [...log.topics], data: log.data });
    return {
      index: log.index,
      contractName: emitter?.name ?? "unknown contract",
      address: log.address,
      name: parsed?.name ?? `unknown event ${log.topics[0]?.slice(0, 10) ?? ""}`,
      args: parsed ? fields(parsed.fragment.inputs, parsed.args) : [],
    };
  });
  return {
    hash: transaction.hash,
    blockNumber: receipt.blockNumber,
    timestamp: parameters.timestamp,
    from: transaction.from,
    to: transaction.to,
    contractName: target?.name,
    createdContract: receipt.contractAddress ?? undefined,
    functionName: call?.name,
    args: call ? fields(call.fragment.inputs, call.args) : [],
    succeeded: receipt.status === 1,
    gasUsed: receipt.gasUsed.toString(),
    gasPriceWei: receipt.gasPrice.toString(),
    feeEth: formatEther(receipt.gasUsed * receipt.gasPrice),
    valueEth: formatEther(transaction.value),
    nonce: transaction.nonce,
    events,
  };
}
