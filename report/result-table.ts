// The result a GameDay team reads in the terminal: the seed's table, from a run report.
import type { ReadCounts, RunReport, WriteCounts } from '../steps/core/contracts';
import { PHASES } from '../steps/core/hypothesis';
import {
  COMPARE_TITLES,
  compareRows,
  degradationLabel,
  formatPhaseLatency,
  formatSeconds,
  type ReportRow,
  type ReportRowId,
  runRows,
} from './report-rows';
import { faultLine } from './fault-line';

/** The seed's two count lines align their values. */
const ALIGNED: ReadonlySet<ReportRowId> = new Set(['reads', 'writes']);

function line(row: ReportRow, labelWidth: number): string {
  if (row.parts) return `  ${row.parts.map((part) => `${part.label}: ${part.value}`).join('   ')}`;
  const label = `${row.label}:`;
  return `  ${ALIGNED.has(row.id) ? label.padEnd(labelWidth) : label} ${row.value}`;
}

/** One run: the counts, the end state, the latency and recovery, the verdict and its reasons. */
export function formatRunTable(report: RunReport, title: string): string {
  const rows = runRows(report);
  const labelWidth = Math.max(...rows.filter((row) => ALIGNED.has(row.id)).map((row) => row.label.length + 1));
  // The timings come between the end state and the verdict, which the reasons follow.
  const verdict = rows.filter((row) => row.id === 'verdict');
  return [
    `${title}  run ${report.runId}  degradation ${degradationLabel(report)}`,
    ...rows.filter((row) => row.id !== 'verdict').map((row) => line(row, labelWidth)),
    `  Fault: ${faultLine(report)}`,
    ...warmUpLines(report),
    `  Latency p50/p99 ms: ${(['baseline', 'outage', 'recovery'] as const).map((phase) => `${phase} ${formatPhaseLatency(report, phase)}`).join('  ')}`,
    `  Recovery: first database read ${formatSeconds(report.recovery.timeToFirstDatabaseReadMs)} after register (${formatSeconds(report.recovery.timeToFirstDatabaseReadAfterAvailableMs ?? null)} after AVAILABLE), drained ${formatSeconds(report.recovery.timeToDrainMs)} after AVAILABLE`,
    trafficLine(report),
    ...hypothesisLines(report),
    ...verdict.map((row) => line(row, labelWidth)),
    ...report.reasons.map((reason) => `    - ${reason}`),
  ].join('\n');
}

/** Each part of the hypothesis: whether it held, was broken or was not observed, and the bounds it was judged by. */
function hypothesisLines(report: RunReport): string[] {
  const checks = report.hypothesis?.checks ?? [];
  if (checks.length === 0) return [];
  const held = checks.filter((c) => c.held).length;
  return [
    `  Hypothesis: ${held} of ${checks.length} parts held`,
    ...checks.map((c) => {
      const bounds = c.bounds
        .filter((b) => b.name.startsWith('max') && b.limit !== null)
        .map((b) => `${b.name} ${b.limit}: ${b.measured ?? 'not measured'}`);
      return `    ${checkState(c).padEnd(12)} ${c.title}: ${c.detail}${bounds.length > 0 ? ` [${bounds.join('; ')}]` : ''}`;
    }),
  ];
}

/** A check's state in one word. */
export function checkState(check: { observed: boolean; held: boolean }): 'held' | 'broken' | 'not observed' {
  return !check.observed ? 'not observed' : check.held ? 'held' : 'broken';
}

/** The warm-up before the baseline, apart from the phases the hypothesis judges; nothing when none ran. */
function warmUpLines({ warmUp }: RunReport): string[] {
  if (!warmUp) return [];
  const requests = (counts: ReadCounts | WriteCounts): number =>
    (Object.values(counts) as number[]).reduce((sum, n) => sum + n, 0);
  const failed = warmUp.reads.failed + warmUp.writes.failed;
  return [
    `  Warm-up (not judged): ${warmUp.seconds} s, ${requests(warmUp.reads) + requests(warmUp.writes)} requests, ${failed} failed, p50/p99 ${warmUp.latencyMs.p50}/${warmUp.latencyMs.p99} ms, send lag p99 ${warmUp.sendLagMs.p99} ms`,
  ];
}

/** How the traffic ran, and what ended the hold early, when something did. */
function trafficLine({ traffic, fault }: RunReport): string {
  const halted =
    fault.haltedBy === 'errorBudget'
      ? '; the error budget ended the hold'
      : fault.haltedBy === 'stopCondition'
        ? '; a stop condition ended the hold'
        : '';
  const workers = `${traffic.workers} ${traffic.workers === 1 ? 'worker' : 'workers'}`;
  const line = `  Traffic: ${workers}, windows baseline ${traffic.windows.baseline} + experiment ${traffic.windows.experiment}, start lag at most ${traffic.maxStartLagMs} ms${halted}`;
  // Reports from before the arrivals were recorded have no send lag.
  if (!traffic.sendLagMs) return line;
  const lag = PHASES.map((phase) => {
    const l = traffic.sendLagMs[phase];
    return `${phase} ${l.p50}/${l.p99}/${l.max}${l.late > 0 ? ` (${l.late} late)` : ''}`;
  }).join('  ');
  const seed = traffic.arrivals === 'poisson' ? ` (seed ${traffic.arrivalSeed})` : '';
  return `${line}\n  Arrivals: ${traffic.arrivals}${seed}; send lag p50/p99/max ms: ${lag} (late: more than 10 ms)`;
}

/** The seed's BEFORE/AFTER table: the fragile build beside the resilient one. */
export function formatCompareTable(before: RunReport, after: RunReport): string {
  const rows: Array<[string, string, string]> = [
    ['', COMPARE_TITLES.before, COMPARE_TITLES.after],
    ...compareRows(before, after).map((row): [string, string, string] => [row.label, row.before, row.after]),
  ];
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(width[i]))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}
