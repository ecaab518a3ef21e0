// report-accuracy.svg for a demo report: the initial model as round 0 (its loss is not measured), then every
// round's test accuracy and loss; the title says the mode, model and clients like report.md's heading.
import type { DemoReport } from "../roles/runDemo";
import { renderAccuracySvg } from "./renderAccuracySvg";

/** Written beside report.json and linked from report.md. */
export const REPORT_PLOT_FILE = "report-accuracy.svg";

export function renderReportPlot(report: Pick<DemoReport, "mode" | "model" | "clients" | "initialAccuracy" | "rounds">): string {
  return renderAccuracySvg({
    title: `fedmash ${report.mode} mode, ${report.model}, ${report.clients} clients`,
    points: [{ round: 0, accuracy: report.initialAccuracy, loss: null }, ...report.rounds.map((r) => ({ round: r.round, accuracy: r.accuracy, loss: r.loss }))],
  });
}
