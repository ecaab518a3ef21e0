// The report's plot, report-accuracy.svg: test accuracy (left axis, 0 to 1) and test loss (right axis, 0 to a round
// number above the largest loss) per round, as two lines with a marker per value, axes labelled, and a legend.
// Plain SVG text with no dependency; a round without a value (a failed round) breaks its line.

export interface AccuracyPoint {
  /** 0 is the initial model. */
  round: number;
  accuracy: number | null;
  loss: number | null;
}

export interface RenderAccuracySvgParameters {
  points: readonly AccuracyPoint[];
  /** Shown above the plot, e.g. "fedmash mash mode, mlp, 4 clients". */
  title: string;
}

export type RenderAccuracySvgReturnType = string;

/** Sizes in SVG user units; the plot area is the rectangle inside the margins. */
export const ACCURACY_PLOT_LAYOUT = { width: 640, height: 360, top: 48, right: 72, bottom: 56, left: 72 } as const;

const ACCURACY_COLOR = "#1f6feb";
const LOSS_COLOR = "#d1242f";

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ value (the loss axis' top); 1 for nothing positive. */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value * (1 - 1e-12)) return step * power;
  return 10 * power;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The x domain: first and last round, at least one apart. */
export function roundDomain(points: readonly AccuracyPoint[]): [number, number] {
  if (points.length === 0) return [0, 1];
  const rounds = points.map((p) => p.round);
  const first = Math.min(...rounds);
  return [first, Math.max(Math.max(...rounds), first + 1)];
}

export function renderAccuracySvg(parameters: RenderAccuracySvgParameters): RenderAccuracySvgReturnType {
  const { width, height, top, right, bottom, left } = ACCURACY_PLOT_LAYOUT;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const points = [...parameters.points].sort((a, b) => a.round - b.round);
  const [first, last] = roundDomain(points);
  const losses = points.map((p) => p.loss).filter((v): v is number => v !== null && Number.isFinite(v));
  const lossTop = niceCeiling(Math.max(0, ...losses));
  const x = (round: number): number => left + ((round - first) / (last - first)) * plotWidth;
  const yAccuracy = (accuracy: number): number => top + (1 - Math.min(1, Math.max(0, accuracy))) * plotHeight;
  const yLoss = (loss: number): number => top + (1 - Math.min(1, Math.max(0, loss / lossTop))) * plotHeight;

  /** An SVG path through the points that have a value; a missing value starts a new segment. */
  const path = (value: (p: AccuracyPoint) => number | null, y: (v: number) => number): string => {
    let d = "";
    let pen = "M";
    for (const p of points) {
      const v = value(p);
      if (v === null || !Number.isFinite(v)) {
        pen = "M";
        continue;
      }
      d += `${pen}${n(x(p.round))} ${n(y(v))} `;
      pen = "L";
    }
    return d.trim();
  };

  const span = last - first;
  const step = span <= 20 ? 1 : Math.ceil(span / 10);
  const xTicks: number[] = [];
  for (let round = first; round <= last; round += step) xTicks.push(round);
  const fractions = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const bottomY = top + plotHeight;
  const description = points
    .map((p) => `round ${p.round}: accuracy ${p.accuracy === null ? "none" : p.accuracy.toFixed(4)}, loss ${p.loss === null ? "none" : p.loss.toFixed(4)}`)
    .join("; ");

  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="plot-title plot-desc" font-family="sans-serif" font-size="12">`,
    `<title id="plot-title">${escapeXml(parameters.title)}: test accuracy and loss per round</title>`,
    `<desc id="plot-desc">${escapeXml(description || "no rounds")}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(parameters.title)}</text>`,
    `<g class="grid" stroke="#d0d7de" stroke-width="1">`,
    ...fractions.map((f) => `<line x1="${left}" y1="${n(yAccuracy(f))}" x2="${left + plotWidth}" y2="${n(yAccuracy(f))}"/>`),
    `</g>`,
    `<g class="axes" stroke="#24292f" stroke-width="1">`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottomY}"/>`,
    `<line x1="${left + plotWidth}" y1="${top}" x2="${left + plotWidth}" y2="${bottomY}"/>`,
    `<line x1="${left}" y1="${bottomY}" x2="${left + plotWidth}" y2="${bottomY}"/>`,
    `</g>`,
    `<g class="x-ticks" text-anchor="middle" fill="#24292f">`,
    ...xTicks.map((round) => `<text x="${n(x(round))}" y="${bottomY + 18}">${round}</text>`),
    `</g>`,
    `<g class="accuracy-ticks" text-anchor="end" fill="${ACCURACY_COLOR}">`,
    ...fractions.map((f) => `<text x="${left - 8}" y="${n(yAccuracy(f) + 4)}">${f.toFixed(1)}</text>`),
    `</g>`,
    `<g class="loss-ticks" text-anchor="start" fill="${LOSS_COLOR}">`,
    ...fractions.map((f) => `<text x="${left + plotWidth + 8}" y="${n(top + (1 - f) * plotHeight + 4)}">${n(f * lossTop)}</text>`),
    `</g>`,
    `<text class="x-label" x="${n(left + plotWidth / 2)}" y="${height - 14}" text-anchor="middle" fill="#24292f">round${first === 0 ? " (0 = initial model)" : ""}</text>`,
    `<text class="accuracy-label" transform="translate(20 ${n(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle" fill="${ACCURACY_COLOR}">test accuracy</text>`,
    `<text class="loss-label" transform="translate(${width - 16} ${n(top + plotHeight / 2)}) rotate(90)" text-anchor="middle" fill="${LOSS_COLOR}">test loss</text>`,
    `<path class="accuracy-line" d="${path((p) => p.accuracy, yAccuracy)}" fill="none" stroke="${ACCURACY_COLOR}" stroke-width="2"/>`,
    `<path class="loss-line" d="${path((p) => p.loss, yLoss)}" fill="none" stroke="${LOSS_COLOR}" stroke-width="2" stroke-dasharray="6 4"/>`,
    ...points.flatMap((p) =>
      p.accuracy === null || !Number.isFinite(p.accuracy)
        ? []
        : [`<circle class="accuracy" cx="${n(x(p.round))}" cy="${n(yAccuracy(p.accuracy))}" r="4" fill="${ACCURACY_COLOR}" data-round="${p.round}" data-value="${p.accuracy}"/>`],
    ),
    ...points.flatMap((p) =>
      p.loss === null || !Number.isFinite(p.loss)
        ? []
        : [`<rect class="loss" x="${n(x(p.round) - 3.5)}" y="${n(yLoss(p.loss) - 3.5)}" width="7" height="7" fill="${LOSS_COLOR}" data-round="${p.round}" data-value="${p.loss}"/>`],
    ),
    `<g class="legend" transform="translate(${left + 12} ${top + 12})">`,
    `<rect x="-6" y="-10" width="150" height="44" fill="#ffffff" fill-opacity="0.85" stroke="#d0d7de"/>`,
    `<line x1="0" y1="0" x2="24" y2="0" stroke="${ACCURACY_COLOR}" stroke-width="2"/><circle cx="12" cy="0" r="4" fill="${ACCURACY_COLOR}"/>`,
    `<text x="32" y="4" fill="#24292f">test accuracy (left)</text>`,
    `<line x1="0" y1="20" x2="24" y2="20" stroke="${LOSS_COLOR}" stroke-width="2" stroke-dasharray="6 4"/><rect x="8.5" y="16.5" width="7" height="7" fill="${LOSS_COLOR}"/>`,
    `<text x="32" y="24" fill="#24292f">test loss (right)</text>`,
    `</g>`,
    `</svg>`,
  ];
  return `${parts.join("\n")}\n`;
}
