// The explorer's own transaction view (/tx/<hash>), used when no public block explorer is configured, e.g. on a
// local Hardhat chain: the call, its outcome, gas and fee, and the decoded events.
import { html, type SafeHtml } from "./html";
import type { DecodedField, TransactionView } from "./describeTransaction";
import { renderDocument } from "./renderDocument";

function fieldsList(fields: readonly DecodedField[]): SafeHtml {
  if (fields.length === 0) return html`<span class="none">no arguments</span>`;
  return html`<dl class="facts">${fields.map((f) => html`<dt>${f.name}</dt><dd><code>${f.value}</code></dd>`)}</dl>`;
}

function page(title: string, body: SafeHtml): string {
  return renderDocument({ title: `${title} · fedmash round explorer`, body: html`<header><p><a href="/">← Back to the rounds</a></p></header>
<main>
${body}
</main>` });
}

export function renderTransactionPage(tx: TransactionView): string {
  const call = tx.functionName ? `${tx.contractName}.${tx.functionName}` : tx.createdContract ? "contract creation" : "transaction";
  return page(
    `Transaction ${tx.hash.slice(0, 10)}…`,
    html`<h1>Transaction</h1>
<p><code class="cid">${tx.hash}</code></p>
<dl class="facts">
  <dt>Call</dt><dd><strong class="call">${call}</strong></dd>
  <dt>Result</dt><dd class="${tx.succeeded ? "good" : "bad"} result">${tx.succeeded ? "Succeeded" : "Reverted"}</dd>
  <dt>Block</dt><dd>${tx.blockNumber}${tx.timestamp ? html` · <time datetime="${new Date(tx.timestamp * 1000).toISOString()}">${new Date(tx.timestamp * 1000).toISOString()}</time>` : ""}</dd>
  <dt>From</dt><dd><code>${tx.from}</code></dd>
  <dt>To</dt><dd><code>${tx.to ?? tx.createdContract ?? "—"}</code>${tx.contractName ? ` (${tx.contractName})` : ""}</dd>
  <dt>Gas used</dt><dd class="num gas-used">${BigInt(tx.gasUsed).toLocaleString("en-US")}</dd>
  <dt>Fee</dt><dd>${tx.feeEth} ETH at ${tx.gasPriceWei} wei per gas</dd>
  <dt>Value</dt><dd>${tx.valueEth} ETH</dd>
  <dt>Nonce</dt><dd>${tx.nonce}</dd>
</dl>
<h2>Arguments</h2>
${tx.functionName ? fieldsList(tx.args) : html`<p class="none">Not a call to a fedmash contract.</p>`}
<h2>Events (${tx.events.length})</h2>
${
  tx.events.length === 0
    ? html`<p class="none">No events.</p>`
    : html`<table>
  <caption class="sr-only">Events emitted by this transaction</caption>
  <thead><tr><th scope="col">#</th><th scope="col">Event</th><th scope="col">Fields</th></tr></thead>
  <tbody>${tx.events.map((e) => html`<tr><td class="num">${e.index}</td><th scope="row">${e.contractName}.${e.name}</th><td>${fieldsList(e.args)}</td></tr>`)}</tbody>
</table>`
}`,
  );
}

/** A page for a hash the chain does not know, or a malformed one. */
export function renderTransactionMissingPage(hash: string, reason: string): string {
  return page("Transaction not found", html`<h1>Transaction not found</h1><p><code class="cid">${hash}</code></p><p>${reason}</p>`);
}
