// The result a GameDay team reads: the seed's table, from a run report.
import type { RunReport } from '../../steps/core/contracts';

export function readsLine(report: RunReport): string {
  const r = report.reads;
  return `DB=${r.database} CACHE=${r.cache} FAIL=${r.failed}`;
}

export function writesLine(report: RunReport): string {
  const w = report.writes;
  return `OK=${w.ok} 202_QUEUED=${w.queued} STOCK_OUT=${w.stockOut} FAIL=${w.failed}`;
}

function ordersLine(report: RunReport): string {
  const o = report.orders;
  return `${o.lost} (accepted ${o.accepted}, committed ${o.committed}, rejected ${o.rejected}, duplicated ${o.duplicated})`;
}

function seconds(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

/** One run: the counts, the end state, the verdict and its reasons. */
export function formatRunTable(report: RunReport, title: string): string {
  const lat = report.latencyMs;
  const lines = [
    `${title}  run ${report.runId}  degradation ${report.degradation === null ? 'unknown' : report.degradation ? 'on' : 'off'}`,
    `  Reads:  ${readsLine(report)}`,
    `  Writes: ${writesLine(report)}`,
    `  Orders lost: ${ordersLine(report)}`,
    `  SQS remaining: ${report.queue.remaining}   DLQ: ${report.queue.dlq}`,
    `  Target registered at end: ${report.target.registeredAtEnd ? 'yes' : 'NO'}`,
    `  Latency p50/p99 ms: baseline ${lat.baseline.p50}/${lat.baseline.p99}  outage ${lat.outage.p50}/${lat.outage.p99}  recovery ${lat.recovery.p50}/${lat.recovery.p99}`,
    `  Recovery: first database read ${seconds(report.recovery.timeToFirstDatabaseReadMs)} after register, drained ${seconds(report.recovery.timeToDrainMs)} after AVAILABLE`,
    `  Verdict: ${report.verdict.toUpperCase()}`,
    ...report.reasons.map((reason) => `    - ${reason}`),
  ];
  return lines.join('\n');
}

/** The seed's BEFORE/AFTER table: the fragile build beside the resilient one. */
export function formatCompareTable(before: RunReport, after: RunReport): string {
  const rows: Array<[string, string, string]> = [
    ['', 'BEFORE (degradation off)', 'AFTER (degradation on)'],
    ['Reads', readsLine(before), readsLine(after)],
    ['Writes', writesLine(before), writesLine(after)],
    ['Orders lost', String(before.orders.lost), String(after.orders.lost)],
    ['SQS remaining / DLQ', `${before.queue.remaining} / ${before.queue.dlq}`, `${after.queue.remaining} / ${after.queue.dlq}`],
    ['Target registered', before.target.registeredAtEnd ? 'yes' : 'NO', after.target.registeredAtEnd ? 'yes' : 'NO'],
    ['Verdict', before.verdict.toUpperCase(), after.verdict.toUpperCase()],
  ];
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(width[i])).join('   ').trimEnd()).join('\n');
}
