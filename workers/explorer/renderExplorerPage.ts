// The round explorer's HTML document: a header, the live region rendered from the snapshot (so the page is
// complete without JavaScript), and the small script that keeps it live. Stylesheet and script are this server's
// own files, never a CDN, so the page works offline.
import { html, type SafeHtml } from "./html";

export interface RenderExplorerPageParameters {
  /** The live region's first content (renderStatusView), or a problem message when the chain could not be read. */
  view: SafeHtml;
  /** Shown under the title, e.g. the RPC URL the server reads. */
  source: string;
}

export function renderExplorerPage(parameters: RenderExplorerPageParameters): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>fedmash round explorer</title>
<link rel="stylesheet" href="/static/explorer.css">
<script src="/static/explorer.js" defer></script>
</head>
<body>
<a class="skip" href="#view">Skip to the rounds</a>
<header>
  <h1>fedmash round explorer</h1>
  <p class="source">Reading <code>${parameters.source}</code> · <span id="live-status" role="status" aria-live="polite">Live updates start when the page has loaded.</span></p>
  <noscript><p>JavaScript is off: reload the page to see new blocks.</p></noscript>
</header>
<main id="view" aria-live="polite" aria-busy="false" tabindex="-1">
${parameters.view}
</main>
<footer><p>Served by <code>fedmash status --serve</code>. Raw data: <a href="/api/status">/api/status</a> (JSON) · <a href="/api/events">/api/events</a> (server-sent events).</p></footer>
</body>
</html>
`.value;
}
