// The round explorer's page: a header, the live region rendered from the snapshot (so the page is complete without
// JavaScript), and a footer naming the raw endpoints; explorer.js keeps the live region current.
import { html, type SafeHtml } from "./html";
import { renderDocument } from "./renderDocument";

export interface RenderExplorerPageParameters {
  /** The live region's first content (renderStatusView), or a problem message when the chain could not be read. */
  view: SafeHtml;
  /** Shown under the title, e.g. the RPC URL the server reads. */
  source: string;
}

export function renderExplorerPage(parameters: RenderExplorerPageParameters): string {
  return renderDocument({
    title: "fedmash round explorer",
    script: true,
    body: html`<a class="skip" href="#view">Skip to the rounds</a>
<header>
  <h1>fedmash round explorer</h1>
  <p class="source">Reading <code>${parameters.source}</code> · <span id="live-status" role="status" aria-live="polite">Live updates start when the page has loaded.</span></p>
  <noscript><p>JavaScript is off: reload the page to see new blocks.</p></noscript>
</header>
<main id="view" aria-live="polite" aria-busy="false" tabindex="-1">
${parameters.view}
</main>
<footer><p>Served by <code>fedmash status --serve</code>. Raw data: <a href="/api/status">/api/status</a> (JSON) · <a href="/api/events">/api/events</a> (server-sent events).</p></footer>`,
  });
}
