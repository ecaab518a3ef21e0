// The report's plot: well-formed SVG (checked by a strict XML scan, no parser dependency), markers and lines at the
// coordinates the layout gives for known data, a failed round breaking the line, labelled axes, escaped text;
// and report.md's per-round table linking to it.
import { expect } from "chai";
import { ACCURACY_PLOT_LAYOUT, niceCeiling, renderAccuracySvg } from "../../../workers/report/renderAccuracySvg";
import { renderReportPlot, REPORT_PLOT_FILE } from "../../../workers/report/renderReportPlot";
import { renderReportMarkdown } from "../../../workers/roles/renderReportMarkdown";
import type { DemoReport } from "../../../workers/roles/runDemo";
import type { RoundReport } from "../../../workers/roles/runTask";

/** Throws unless `xml` is one well-formed element after an optional prolog: names, quoted attributes, entities, nesting. */
function assertWellFormedXml(xml: string): { root: string; elements: number } {
  const name = "[A-Za-z_][\\w.:-]*";
  const attribute = new RegExp(`^\\s+(${name})\\s*=\\s*("[^"<]*"|'[^'<]*')`);
  const checkText = (text: string, where: number): void => {
    if (text.includes("<")) throw new Error(`raw < at ${where}`);
    for (const match of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(match[0])) throw new Error(`bad entity ${match[0]} at ${where}`);
    }
  };
  let i = 0;
  const stack: string[] = [];
  let root = "";
  let elements = 0;
  const prolog = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (prolog) i = prolog[0].length;
  while (i < xml.length) {
    const next = xml.indexOf("<", i);
    const text = xml.slice(i, next === -1 ? xml.length : next);
    if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root at ${i}`);
    checkText(text, i);
    if (next === -1) break;
    i = next;
    if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i);
      if (end === -1) throw new Error("unclosed comment");
      i = end + 3;
      continue;
    }
    const close = new RegExp(`^</(${name})\\s*>`).exec(xml.slice(i));
    if (close) {
      if (stack.pop() !== close[1]) throw new Error(`</${close[1]}> at ${i} closes ${stack.at(-1) ?? "nothing"}`);
      i += close[0].length;
      continue;
    }
    const open = new RegExp(`^<(${name})`).exec(xml.slice(i));
    if (!open) throw new Error(`bad tag at ${i}: ${xml.slice(i, i + 20)}`);
    if (stack.length === 0) {
      if (root) throw new Error("a second root element");
      root = open[1]!;
    }
    elements++;
    i += open[0].length;
    const seen = new Set<string>();
    for (let a = attribute.exec(xml.slice(i)); a; a = attribute.exec(xml.slice(i))) {
      if (seen.has(a[1]!)) throw new Error(`duplicate attribute ${a[1]}`);
      seen.add(a[1]!);
      checkText(a[2]!.slice(1, -1), i);
      i += a[0].length;
    }
    const end = /^\s*(\/?)>/.exec(xml.slice(i));
    if (!end) throw new Error(`bad attribute or tag end at ${i}: ${xml.slice(i, i + 30)}`);
    if (!end[1]) stack.push(open[1]!);
    i += end[0].length;
  }
  if (stack.length) throw new Error(`unclosed ${stack.join(", ")}`);
  return { root, elements };
}

function markers(svg: string, kind: "accuracy" | "loss"): { round: number; x: number; y: number }[] {
  const pattern =
    kind === "accuracy"
      ? /<circle class="accuracy" cx="([\d.]+)" cy="([\d.]+)"[^>]*data-round="(\d+)"/g
      : /<rect class="loss" x="([\d.]+)" y="([\d.]+)" width="7" height="7"[^>]*data-round="(\d+)"/g;
  // A loss marker is a 7×7 square centred on its point.
  const offset = kind === "loss" ? 3.5 : 0;
  return [...svg.matchAll(pattern)].map((m) => ({ round: Number(m[3]), x: Number(m[1]) + offset, y: Number(m[2]) + offset }));
}

describe("report plot (report-accuracy.svg)", function () {
  const { width, height, top, right, bottom, left } = ACCURACY_PLOT_LAYOUT;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const points = [
    { round: 0, accuracy: 0.1, loss: null },
    { round: 1, accuracy: 0.7, loss: 2.3 },
    { round: 2, accuracy: 0.9, loss: 0.5 },
  ];

  it("is checked by a scan that rejects what is not well-formed", function () {
    for (const bad of ["<svg><g></svg>", "<svg a=1/>", "<svg>&nbsp;</svg>", "<svg/><svg/>", '<svg a="1" a="2"/>', "<svg>a < b</svg>"]) {
      expect(() => assertWellFormedXml(bad), bad).to.throw();
    }
    expect(assertWellFormedXml('<?xml version="1.0"?>\n<svg x="&amp;"><g/><!-- c --></svg>\n')).to.deep.equal({ root: "svg", elements: 2 });
  });

  it("is well-formed XML with one svg root, a title and a description for screen readers", function () {
    const svg = renderAccuracySvg({ title: "fedmash mash mode, mlp, 4 clients", points });
    expect(assertWellFormedXml(svg).root).to.equal("svg");
    expect(svg).to.match(/<title id="plot-title">fedmash mash mode, mlp, 4 clients: test accuracy and loss per round<\/title>/);
    expect(svg).to.contain("<desc id=\"plot-desc\">round 0: accuracy 0.1000, loss none; round 1: accuracy 0.7000, loss 2.3000; round 2: accuracy 0.9000, loss 0.5000</desc>");
  });

  it("puts accuracy on 0..1 and loss on 0..2.5 (the round number above 2.3), round 0 at the left edge and round 2 at the right", function () {
    const svg = renderAccuracySvg({ title: "t", points });
    const x = (round: number): number => left + (round / 2) * plotWidth;
    const accuracyY = (a: number): number => top + (1 - a) * plotHeight;
    const lossY = (l: number): number => top + (1 - l / 2.5) * plotHeight;
    const close = (actual: { round: number; x: number; y: number }[], expected: { round: number; x: number; y: number }[]): void => {
      expect(actual.map((p) => p.round)).to.deep.equal(expected.map((p) => p.round));
      actual.forEach((p, k) => {
        expect(p.x).to.be.closeTo(expected[k]!.x, 0.01);
        expect(p.y).to.be.closeTo(expected[k]!.y, 0.01);
      });
    };
    close(markers(svg, "accuracy"), [
      { round: 0, x: 72, y: 278.4 },
      { round: 1, x: 320, y: 124.8 },
      { round: 2, x: 568, y: 73.6 },
    ]);
    close(markers(svg, "accuracy"), points.map((p) => ({ round: p.round, x: x(p.round), y: accuracyY(p.accuracy) })));
    close(markers(svg, "loss"), [
      { round: 1, x: 320, y: lossY(2.3) },
      { round: 2, x: 568, y: lossY(0.5) },
    ]);
    expect(svg).to.contain('<path class="accuracy-line" d="M72 278.4 L320 124.8 L568 73.6"');
    expect(svg).to.contain('<path class="loss-line" d="M320 68.48 L568 252.8"');
    // The loss axis is labelled up to its top, 2.5, on the right.
    expect(svg).to.match(/<g class="loss-ticks"[^>]*>\s*<text[^>]*>0<\/text>[\s\S]*>2\.5<\/text>\s*<\/g>/);
  });

  it("labels both axes and the rounds, and breaks a line at a round without a value", function () {
    const svg = renderAccuracySvg({ title: "t", points: [...points, { round: 3, accuracy: null, loss: null }, { round: 4, accuracy: 0.95, loss: 0.2 }] });
    expect(svg).to.contain(">round (0 = initial model)</text>");
    expect(svg).to.contain(">test accuracy</text>");
    expect(svg).to.contain(">test loss</text>");
    for (const round of [0, 1, 2, 3, 4]) expect(svg).to.match(new RegExp(`<text x="[\\d.]+" y="${height - bottom + 18}">${round}</text>`));
    const d = /class="accuracy-line" d="([^"]*)"/.exec(svg)?.[1] ?? "";
    expect(d.match(/M/g)).to.have.length(2);
    expect(markers(svg, "accuracy").map((p) => p.round)).to.deep.equal([0, 1, 2, 4]);
  });

  it("escapes the title", function () {
    const svg = renderAccuracySvg({ title: `a <b> & "c"`, points });
    assertWellFormedXml(svg);
    expect(svg).to.contain("a &lt;b&gt; &amp; &quot;c&quot;");
  });

  it("rounds the loss axis up to 1, 2, 2.5 or 5 times a power of ten", function () {
    expect([0.3, 0.73, 1, 2.3, 4, 7, 12, 0].map(niceCeiling)).to.deep.equal([0.5, 1, 1, 2.5, 5, 10, 20, 1]);
  });
});

describe("report.md", function () {
  const round = (r: number, extra: Partial<RoundReport>): RoundReport => ({
    round: r,
    roundId: String(r),
    phase: "Finalized",
    accuracy: 0.9,
    loss: 0.3,
    trainLoss: 0.4,
    modelCid: `bafymodel${r}`,
    aggregateCid: `bafyaggregate${r}`,
    included: ["0xa", "0xb", "0xc"],
    excluded: [],
    joined: 3,
    submitted: 3,
    durationMs: 9_000,
    verification: { status: "passed", gasUsed: 172_842, samples: 64, batches: 2, committed: 3, included: 3 },
    slashed: "0",
    slashedParties: [],
    challenges: [],
    paid: "80000000000000000",
    claims: [],
    ...extra,
  });
  const report: DemoReport = {
    mode: "mash",
    initialAccuracy: 0.1066,
    model: "mlp",
    clients: 3,
    chainId: 31337,
    rpcUrl: "http://127.0.0.1:8545",
    storeDir: "/tmp/ipfs",
    ipfs: { kind: "embedded", location: "/tmp/ipfs" },
    taskId: "1",
    contracts: { FedmashCoordinator: "0xc" },
    settings: { backend: "wasm" },
    rounds: [
      round(1, { privacy: { epsilon: 21.6, delta: 1e-5, epsilonRound: 21.6, noiseMultiplier: 0.3, mechanism: "distributed" } }),
      round(2, { phase: "Failed", failureReason: "VerificationFailed", accuracy: null, loss: null, verification: { status: "failed", gasUsed: 180_510, samples: 64, batches: 2, committed: 3, included: 3 } }),
    ],
    totalMs: 30_000,
  };

  it("has one row per round with mode, phase, verification, accuracy, loss, clients included, gas and ε, and links the plot", function () {
    const markdown = renderReportMarkdown(report);
    expect(markdown).to.contain(`![Test accuracy and loss per round](${REPORT_PLOT_FILE})`);
    expect(markdown).to.contain("| round | phase | mode | verification | test accuracy | test loss | mean train loss | included | excluded | settle gas | ε so far | duration | model CID | aggregate CID |");
    expect(markdown).to.contain("| 1 | Finalized | mash | passed | 0.9000 | 0.3000 | 0.4000 | 3 | – | 172842 | 21.6 | 9.0 s | `bafymodel1` | `bafyaggregate1` |");
    expect(markdown).to.contain("| 2 | Failed (VerificationFailed) | mash | failed | – | – | 0.4000 | 3 | – | 180510 | – | 9.0 s | `bafymodel2` | `bafyaggregate2` |");
  });

  it("plots the initial model as round 0 and the failed round as a gap", function () {
    const svg = renderReportPlot(report);
    expect(assertWellFormedXml(svg).root).to.equal("svg");
    expect(markers(svg, "accuracy").map((p) => p.round)).to.deep.equal([0, 1]);
    expect(svg).to.contain("fedmash mash mode, mlp, 3 clients");
  });
});
