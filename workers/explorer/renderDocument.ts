// The HTML document around every explorer page: language, viewport, light and dark colour schemes, and this
// server's own stylesheet (and script, for the live page), never a CDN, so the pages work offline.
import { html, type SafeHtml } from "./html";

export interface RenderDocumentParameters {
  title: string;
  body: SafeHtml;
  /** The live page's script; the transaction view has none. */
  script?: boolean;
}

export function renderDocument(parameters: RenderDocumentParameters): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${parameters.title}</title>
<link rel="stylesheet" href="/static/explorer.css">
${parameters.script ? html`<script src="/static/explorer.js" defer></script>` : ""}
</head>
<body>
${parameters.body}
</body>
</html>
`.value;
}
