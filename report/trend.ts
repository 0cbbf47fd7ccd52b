// A run against the earlier runs of the same target and build: small inline SVG trends and the runs named by id.
import type { RunReport } from '../steps/core/contracts';
import { buildOf, previousRuns, type RunFigures, runFigures, targetOf } from '../steps/core/run-figures';
import { COLORS, TREND_GRAPHS, type TrendGraph, VERDICT_SERIES } from './definition';
import { escapeHtml } from './html-escape';

/** A figure of {@link TREND_GRAPHS} with how to read it from a run and print it. */
export interface TrendSeries extends TrendGraph {
  readonly value: (figures: RunFigures) => number | null;
  readonly format: (value: number) => string;
}

const VALUES: Readonly<Record<TrendGraph['id'], (figures: RunFigures) => number | null>> = {
  recovery: (f) => f.timeToFirstDatabaseReadMs,
  drain: (f) => f.timeToDrainMs,
  cacheShare: (f) => f.outageCacheSharePercent,
  outageP99: (f) => f.outageP99Ms,
};

/** Recovery and drain in seconds with one decimal, the p99 in milliseconds, shares in percent. */
function formatter(graph: TrendGraph): (value: number) => string {
  if (graph.unit === '%') return (v) => `${v.toFixed(1)} %`;
  if (graph.id === 'outageP99') return (v) => `${Math.round(v)} ms`;
  return (v) => `${(v / 1000).toFixed(1)} s`;
}

export const TREND_SERIES: readonly TrendSeries[] = TREND_GRAPHS.map((graph) => ({
  ...graph,
  value: VALUES[graph.id],
  format: formatter(graph),
}));

const verdictColor = (verdict: RunReport['verdict']) =>
  VERDICT_SERIES.find((series) => series.label === verdict)?.color ?? COLORS.neutral;

/** The most earlier runs a trend shows. */
export const TREND_RUNS = 10;

const WIDTH = 240;
const HEIGHT = 64;
const PAD = 6;

/** One series over the runs, oldest left, this run last and ringed; a run without the figure leaves a gap. */
function sparkline(series: TrendSeries, runs: readonly RunFigures[]): string {
  const values = runs.map((run) => series.value(run));
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(1, ...known);
  const x = (i: number) => (runs.length === 1 ? WIDTH / 2 : PAD + (i * (WIDTH - 2 * PAD)) / (runs.length - 1));
  const y = (v: number) => HEIGHT - PAD - (v / max) * (HEIGHT - 2 * PAD);
  const segments: string[][] = [[]];
  values.forEach((v, i) => {
    if (v === null) segments.push([]);
    else segments[segments.length - 1].push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  const lines = segments
    .filter((s) => s.length > 1)
    .map((s) => `<polyline fill="none" stroke="${series.color}" stroke-width="1.5" points="${s.join(' ')}"/>`);
  const points = values.map((v, i) => {
    if (v === null) return '';
    const current = i === runs.length - 1;
    const label = `${runs[i].runId}: ${series.format(v)}${current ? ' (this run)' : ''}`;
    return `<circle class="${current ? 'point current' : 'point'}" data-run-id="${escapeHtml(runs[i].runId)}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="${current ? 4 : 2.5}" fill="${current ? '#fff' : series.color}" stroke="${series.color}" stroke-width="1.5"><title>${escapeHtml(label)}</title></circle>`;
  });
  return `<svg class="trend-chart" data-series="${series.id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(series.title)}">${lines.join('')}${points.join('')}</svg>`;
}

/** This run's value beside the previous run's, and the change: "did recovery get slower?". */
function change(series: TrendSeries, current: RunFigures, previous: RunFigures | undefined): string {
  const now = series.value(current);
  const before = previous ? series.value(previous) : null;
  if (now === null) return 'this run: n/a';
  if (before === null) return `this run: ${series.format(now)}`;
  const delta = now - before;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  return `this run: ${series.format(now)}, previous: ${series.format(before)} (${sign}${series.format(Math.abs(delta))})`;
}

function verdictStrip(runs: readonly RunFigures[]): string {
  const size = 14;
  const cells = runs.map((run, i) => {
    const current = i === runs.length - 1;
    return `<rect class="verdict-cell" data-run-id="${escapeHtml(run.runId)}" data-verdict="${run.verdict}" x="${i * (size + 3)}" y="1" width="${size}" height="${size}" rx="2" fill="${verdictColor(run.verdict)}"${current ? ' stroke="#222" stroke-width="2"' : ''}><title>${escapeHtml(`${run.runId}: ${run.verdict}${current ? ' (this run)' : ''}`)}</title></rect>`;
  });
  return `<svg class="trend-verdicts" viewBox="0 0 ${runs.length * (size + 3)} ${size + 2}" width="${runs.length * (size + 3)}" height="${size + 2}" role="img" aria-label="verdicts">${cells.join('')}</svg>`;
}

function cell(series: TrendSeries, figures: RunFigures): string {
  const v = series.value(figures);
  return v === null ? 'n/a' : series.format(v);
}

/**
 * The trend section of one run's panel: the run against the earlier runs of `history` with the
 * same target and build (newest {@link TREND_RUNS}), or a note that there is no earlier run.
 */
export function renderTrend(report: RunReport, history: readonly RunReport[]): string {
  const target = targetOf(report) ?? 'unknown target';
  const subject = `target <code>${escapeHtml(target)}</code>, ${buildOf(report)} build`;
  const earlier = previousRuns(report, history, TREND_RUNS);
  if (earlier.length === 0) {
    return `<section class="trend" data-earlier="0">
  <h3>Against earlier runs</h3>
  <p class="note trend-none">No earlier run of this ${subject}: this is the first, so there is nothing to compare with yet.</p>
</section>`;
  }
  const runs = [...earlier].reverse().map(runFigures);
  const current = runFigures(report);
  const all = [...runs, current];
  const previous = runs[runs.length - 1];
  const charts = TREND_SERIES.map(
    (series) =>
      `<figure class="trend-item" data-series="${series.id}"><figcaption>${escapeHtml(series.title)}</figcaption>${sparkline(series, all)}<div class="trend-change">${escapeHtml(change(series, current, previous))}</div></figure>`,
  ).join('\n  ');
  const rows = [...all]
    .reverse()
    .map(
      (run, i) =>
        `<tr${i === 0 ? ' class="current"' : ''}><td><code>${escapeHtml(run.runId)}</code>${i === 0 ? ' (this run)' : ''}</td><td>${escapeHtml(run.startedAt)}</td><td>${run.verdict.toUpperCase()}</td>${TREND_SERIES.map((s) => `<td>${cell(s, run)}</td>`).join('')}</tr>`,
    )
    .join('\n    ');
  return `<section class="trend" data-earlier="${earlier.length}">
  <h3>Against earlier runs</h3>
  <p class="note">This run after the ${earlier.length === 1 ? 'previous run' : `${earlier.length} previous runs`} of the same ${subject}, oldest left; this run is the ringed point.</p>
  <div class="trend-items">
  ${charts}
  <figure class="trend-item" data-series="verdicts"><figcaption>Verdicts</figcaption>${verdictStrip(all)}</figure>
  </div>
  <div class="trend-table"><table class="trend-runs"><thead><tr><th>run</th><th>started</th><th>verdict</th>${TREND_SERIES.map((s) => `<th>${escapeHtml(s.title)}</th>`).join('')}</tr></thead><tbody>
    ${rows}
  </tbody></table></div>
</section>`;
}

export const TREND_CSS = `
.trend-items { display: flex; flex-wrap: wrap; gap: 12px 20px; }
.trend-item { margin: 0; }
.trend-item figcaption, .trend-change { font-size: 12px; color: #555; }
.trend-runs tr.current td { font-weight: 600; }
/* A run panel is half the page in a compare: the table scrolls within it rather than being cut off. */
.trend-table { max-width: 100%; overflow-x: auto; }
`;
