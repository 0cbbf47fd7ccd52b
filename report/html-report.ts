// Renders a run report (or a BEFORE/AFTER pair) as one self-contained HTML file: charts, table, verdict.
import { faultLine } from './fault-line';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PhaseCounts, RunReport } from '../steps/core/contracts';
import { COLORS, OUTAGE_WINDOW, RUN_GRAPHS } from './definition';
import { escapeHtml } from './html-escape';
import {
  COMPARE_TITLES,
  compareRows,
  degradationLabel,
  formatPhaseLatency,
  formatSeconds,
  phaseHadRequests,
  runRows,
} from './report-rows';
import { checkState } from './result-table';
import { renderTrend, TREND_CSS } from './trend';

/** The chart library, inlined into every report so it opens with no network. */
export interface ChartAssets {
  readonly script: string;
  readonly css: string;
}

/** What a report shows: one run, or the fragile build beside the resilient one. */
export type ReportSubject = RunReport | { readonly before: RunReport; readonly after: RunReport };

/** The chart library could not be found next to this module nor in node_modules. */
export class ChartAssetsNotFound extends Error {
  override readonly name = 'ChartAssetsNotFound';
}

const SCRIPT_FILE = 'uPlot.iife.min.js';
const CSS_FILE = 'uPlot.min.css';

/**
 * uPlot's minified build and stylesheet. A bundled Lambda carries them next to its code (the
 * bundling copies them there); everywhere else they come from node_modules.
 */
export function loadChartAssets(searchDirs: readonly string[] = [__dirname]): ChartAssets {
  for (const dir of searchDirs) {
    const script = path.join(dir, SCRIPT_FILE);
    const css = path.join(dir, CSS_FILE);
    if (existsSync(script) && existsSync(css))
      return { script: readFileSync(script, 'utf8'), css: readFileSync(css, 'utf8') };
  }
  try {
    return {
      script: readFileSync(require.resolve(`uplot/dist/${SCRIPT_FILE}`), 'utf8'),
      css: readFileSync(require.resolve(`uplot/dist/${CSS_FILE}`), 'utf8'),
    };
  } catch (error) {
    throw new ChartAssetsNotFound(
      `uPlot (${SCRIPT_FILE}, ${CSS_FILE}) not found next to the report module nor in node_modules: ${(error as Error).message}`,
    );
  }
}

/** The paths of the chart assets in node_modules, for a bundler to copy next to the report module. */
export function chartAssetPaths(): string[] {
  return [require.resolve(`uplot/dist/${SCRIPT_FILE}`), require.resolve(`uplot/dist/${CSS_FILE}`)];
}

type Phase = 'baseline' | 'outage' | 'recovery';

/** The data one run's charts draw: per-second series on a shared time axis, and the phase bands. */
export interface RunChartData {
  /** Epoch seconds of each timeline second. */
  x: number[];
  graphs: Array<{ id: string; title: string; series: Array<{ label: string; color: string; values: number[] }> }>;
  /** p50 and p99 of the phase each second belongs to (the report keeps latency per phase); null (a gap) in a phase with no requests. */
  latency: { p50: Array<number | null>; p99: Array<number | null> } | null;
  bands: Array<{ phase: Phase; from: number; to: number }>;
}

/** Per-second series and phase bands of a run, from its report's timeline. */
export function chartData(report: RunReport): RunChartData {
  const timeline = [...report.timeline].sort((a, b) => a.t - b.t);
  const x = timeline.map((second) => second.t / 1000);
  const graphs = RUN_GRAPHS.map((graph) => ({
    id: graph.id,
    title: graph.title,
    series: graph.series.map((series) => ({
      label: series.label,
      color: series.color,
      values: timeline.map((second) => series.count(second as PhaseCounts)),
    })),
  }));
  const bands: RunChartData['bands'] = [];
  for (const second of timeline) {
    const last = bands[bands.length - 1];
    const t = second.t / 1000;
    if (last && last.phase === second.phase && t <= last.to + 1) last.to = t + 1;
    else bands.push({ phase: second.phase, from: t, to: t + 1 });
  }
  // The baseline and the experiment are separate traffic steps whose seconds start at different offsets.
  for (let i = 0; i + 1 < bands.length; i += 1) bands[i].to = Math.min(bands[i].to, bands[i + 1].from);
  const measured = (phase: keyof RunReport['latencyMs']) => phaseHadRequests(report.phases[phase]);
  const hasLatency = (['baseline', 'outage', 'recovery'] as const).some(
    (phase) => measured(phase) && report.latencyMs[phase].p99 > 0,
  );
  const latencyOf = (quantile: 'p50' | 'p99') =>
    timeline.map((second) => (measured(second.phase) ? report.latencyMs[second.phase][quantile] : null));
  const latency = hasLatency ? { p50: latencyOf('p50'), p99: latencyOf('p99') } : null;
  return { x, graphs, latency, bands };
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** What else a report shows beside its run. */
export interface HtmlReportOptions {
  /**
   * Earlier run reports: each panel shows its run against those of the same target and build.
   * @default - no trend section (the report step on AWS, which reads no other run)
   */
  readonly history?: readonly RunReport[];
}

function runPanel(report: RunReport, title: string, index: number, history: readonly RunReport[] | undefined): string {
  const verdict = report.verdict;
  const c = report.config;
  const degradation = degradationLabel(report);
  const faultNote =
    report.fault.dryRun || c.dryRun
      ? '<p class="note">Dry run: the fault states were skipped; the database was never removed.</p>'
      : `<p class="meta fault">Fault: ${escapeHtml(faultLine(report))}</p>`;
  const phasesRows = (['baseline', 'outage', 'recovery'] as const)
    .map((phase) => {
      const p = report.phases[phase];
      if (p === null)
        return `<tr><th>${phase}</th><td colspan="8">n/a (not measured: the run ended before this phase)</td></tr>`;
      return `<tr><th>${phase}</th><td>${p.reads.database}</td><td>${p.reads.cache}</td><td>${p.reads.failed}</td><td>${p.writes.ok}</td><td>${p.writes.queued}</td><td>${p.writes.stockOut}</td><td>${p.writes.failed}</td><td>${formatPhaseLatency(report, phase, ' / ')}</td></tr>`;
    })
    .join('');
  const charts =
    report.timeline.length === 0
      ? '<p class="note">No traffic was recorded: the run ended before its traffic steps.</p>'
      : [...RUN_GRAPHS.map((graph) => graph.id), 'latency']
          .map((id) => `<div class="chart" data-run="${index}" data-chart="${id}"></div>`)
          .join('\n');
  return `<section class="run verdict-${verdict}" data-run="${index}">
  <h2>${escapeHtml(title)} <span class="badge">${verdict.toUpperCase()}</span></h2>
  <p class="meta">run <code>${escapeHtml(report.runId)}</code> · started ${escapeHtml(report.startedAt)} · degradation ${degradation} · baseline ${c.baselineSeconds} s, outage ${c.outageSeconds} s, recovery ${c.recoverySeconds} s at ${c.readsPerSecond} reads + ${c.writesPerSecond} writes per second</p>
  ${faultNote}
  <table class="result"><tbody>
${runRows(report)
  .map((row) => `    <tr><th>${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td></tr>`)
  .join('\n')}
  </tbody></table>
  <ul class="reasons">${report.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>
  ${hypothesisTable(report)}
  <h3>Recovery</h3>
  <table class="recovery"><tbody>
    <tr><th>First database read after re-registration</th><td>${formatSeconds(report.recovery.timeToFirstDatabaseReadMs)}</td></tr>
    <tr><th>First database read after AVAILABLE</th><td>${formatSeconds(report.recovery.timeToFirstDatabaseReadAfterAvailableMs ?? null)}</td></tr>
    <tr><th>Queue and DLQ drained after AVAILABLE</th><td>${formatSeconds(report.recovery.timeToDrainMs)}</td></tr>
  </tbody></table>
  ${history ? renderTrend(report, history) : ''}
  <h3>Timeline</h3>
  <p class="legend"><span class="band baseline"></span>baseline <span class="band outage"></span>outage <span class="band recovery"></span>recovery</p>
  ${charts}
  <h3>By phase</h3>
  <table class="phases"><thead><tr><th></th><th>reads DB</th><th>cache</th><th>failed</th><th>writes OK</th><th>queued</th><th>stock-out</th><th>failed</th><th>latency p50 / p99 ms</th></tr></thead><tbody>${phasesRows}</tbody></table>
</section>`;
}

/** Each part of the hypothesis: its state, what was seen, and every bound beside its measured value. */
function hypothesisTable(report: RunReport): string {
  const checks = report.hypothesis?.checks ?? [];
  if (checks.length === 0) return '';
  const rows = checks.map((c) => {
    const bounds = c.bounds
      .map((b) => `${b.name} ${b.limit ?? 'no bound'}: ${b.measured ?? 'not measured'}`)
      .join('<br>');
    return `<tr class="check check-${checkState(c).replace(' ', '-')}" data-check="${c.id}"><th>${escapeHtml(c.title)}</th><td class="state">${checkState(c)}</td><td>${escapeHtml(c.detail)}</td><td class="bounds">${bounds}</td></tr>`;
  });
  return `<h3>Hypothesis</h3>
  <table class="hypothesis"><thead><tr><th>part</th><th>state</th><th>seen</th><th>bound: measured</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The seed's BEFORE/AFTER table over both runs. */
function compareTable(before: RunReport, after: RunReport): string {
  const rows = compareRows(before, after).map(
    (row) =>
      `<tr data-row="${row.id}"><th>${escapeHtml(row.label)}</th><td>${escapeHtml(row.before)}</td><td>${escapeHtml(row.after)}</td></tr>`,
  );
  return `<table class="compare"><thead><tr><th></th><th>${escapeHtml(COMPARE_TITLES.before)}</th><th>${escapeHtml(COMPARE_TITLES.after)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
.runs { display: flex; gap: 24px; align-items: flex-start; }
.run { flex: 1 1 0; min-width: 0; }
.badge { font-size: 13px; padding: 2px 8px; border-radius: 4px; color: #fff; background: ${COLORS.neutral}; vertical-align: middle; }
.verdict-passed .badge { background: ${COLORS.database}; }
.verdict-failed .badge { background: ${COLORS.failed}; }
.verdict-inconclusive .badge { background: ${COLORS.queued}; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; padding: 2px 10px 2px 0; font-variant-numeric: tabular-nums; }
table.result td, table.compare td { font-family: ui-monospace, monospace; }
.check-broken .state { color: ${COLORS.failed}; } .check-not-observed .state { color: ${COLORS.queued}; }
.meta, .note { color: #555; }
.chart { margin: 8px 0 16px; }
.chart-error { color: ${COLORS.failed}; border: 1px dashed ${COLORS.failed}; padding: 8px; }
.legend .band { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; }
.band.baseline { background: ${COLORS.baseline}33; } .band.outage { background: ${COLORS.outage}33; } .band.recovery { background: ${COLORS.recovery}33; }
`;

/**
 * Runs before uPlot loads. uPlot builds an Intl.NumberFormat from navigator.language when it loads,
 * and Chromium under a POSIX locale (LANG=C, as in CI containers) reports `en-US@posix`, which Intl
 * rejects: uPlot then never defines itself and no chart is drawn. The language is replaced by its
 * base tag, or by en-US when that is rejected too.
 */
const LOCALE_SCRIPT = `
(function () {
  function accepted(tag) { try { new Intl.NumberFormat(tag); return true; } catch (e) { return false; } }
  var tag = String(navigator.language || '');
  if (accepted(tag)) return;
  var base = tag.split('@')[0].split('.')[0].replace(/_/g, '-');
  var safe = accepted(base) ? base : accepted(base.split('-')[0]) ? base.split('-')[0] : 'en-US';
  try { Object.defineProperty(navigator, 'language', { value: safe, configurable: true }); } catch (e) { /* left as it was: each chart says why it is missing */ }
})();
`;

/** The browser side: draws each run's charts with uPlot and shades the phase bands behind them. */
const CLIENT_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('gameday-data').textContent);
  var bandColors = { baseline: '${COLORS.baseline}26', outage: '${COLORS.outage}33', recovery: '${COLORS.recovery}26' };
  function bandsPlugin(bands) {
    return { hooks: { drawClear: [function (u) {
      var ctx = u.ctx; ctx.save();
      bands.forEach(function (b) {
        var x0 = u.valToPos(b.from, 'x', true), x1 = u.valToPos(b.to, 'x', true);
        ctx.fillStyle = bandColors[b.phase];
        ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      });
      ctx.restore();
    }] } };
  }
  function cannotDraw(el, why) {
    el.classList.add('chart-error');
    el.textContent = 'This chart could not be drawn: ' + why;
  }
  if (typeof uPlot !== 'function') {
    document.querySelectorAll('.chart').forEach(function (el) { cannotDraw(el, 'the chart library did not load in this browser.'); });
    document.body.dataset.chartsDrawn = '0';
    return;
  }
  document.querySelectorAll('.chart').forEach(function (el) {
    var run = data.runs[Number(el.dataset.run)];
    var id = el.dataset.chart;
    var title, series, values;
    if (id === 'latency') {
      if (!run.latency) { el.textContent = 'No latency was recorded.'; return; }
      title = 'Latency by phase (ms, from the scheduled send time)';
      var stepped = uPlot.paths.stepped({ align: 1 });
      series = [{ label: 'p50', stroke: '${COLORS.neutral}', width: 2, paths: stepped }, { label: 'p99', stroke: '${COLORS.failed}', width: 2, paths: stepped }];
      values = [run.latency.p50, run.latency.p99];
    } else {
      var graph = run.graphs.filter(function (g) { return g.id === id; })[0];
      title = graph.title;
      series = graph.series.map(function (s) { return { label: s.label, stroke: s.color, width: 2 }; });
      values = graph.series.map(function (s) { return s.values; });
    }
    var width = Math.max(320, el.clientWidth || 600);
    try {
      // The legend names the series; a live legend would show "--" for every value until the pointer is on the chart.
      new uPlot({ title: title, width: width, height: 220, series: [{}].concat(series), plugins: [bandsPlugin(run.bands)],
        legend: { live: false }, axes: [{}, { size: 50 }] }, [run.x].concat(values), el);
    } catch (error) {
      cannotDraw(el, String(error && error.message || error));
    }
  });
  document.body.dataset.chartsDrawn = String(document.querySelectorAll('.chart canvas').length);
})();
`;

function isPair(subject: ReportSubject): subject is { before: RunReport; after: RunReport } {
  return 'before' in subject && 'after' in subject;
}

/** One self-contained HTML page: the chart library and the data are inlined, nothing is fetched. */
export function renderHtmlReport(
  subject: ReportSubject,
  assets: ChartAssets = loadChartAssets(),
  options: HtmlReportOptions = {},
): string {
  const pair = isPair(subject) ? subject : null;
  const single = isPair(subject) ? null : subject;
  const runs = pair
    ? [
        { report: pair.before, title: COMPARE_TITLES.before },
        { report: pair.after, title: COMPARE_TITLES.after },
      ]
    : [{ report: single as RunReport, title: 'GameDay' }];
  const heading = pair
    ? `GameDay BEFORE / AFTER: ${pair.before.verdict.toUpperCase()} / ${pair.after.verdict.toUpperCase()}`
    : `GameDay ${(single as RunReport).runId}: ${(single as RunReport).verdict.toUpperCase()}`;
  const data = { runs: runs.map(({ report }) => chartData(report)), outage: OUTAGE_WINDOW.label };
  if (/<\/script/i.test(assets.script))
    throw new ChartAssetsNotFound('the chart library contains "</script" and cannot be inlined');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)}</title>
<style>${assets.css}</style>
<style>${PAGE_CSS}${options.history ? TREND_CSS : ''}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
${pair ? compareTable(pair.before, pair.after) : ''}
<div class="runs">
${runs.map(({ report, title }, i) => runPanel(report, title, i, options.history)).join('\n')}
</div>
<script id="gameday-data" type="application/json">${scriptJson(data)}</script>
<script>${LOCALE_SCRIPT}</script>
<script>${assets.script}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
