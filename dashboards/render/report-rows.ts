// The seed's result table as labelled rows of a run report: the terminal table and the HTML report both render these.
import type { PhaseCounts, RunReport } from '../../steps/core/contracts';

export type ReportRowId = 'reads' | 'writes' | 'orders' | 'queue' | 'target' | 'verdict';

/** A labelled part of a row's value, for a layout with room to name each part. */
export interface ReportRowPart {
  readonly label: string;
  readonly value: string;
}

/** One line of a run's table. */
export interface ReportRow {
  readonly id: ReportRowId;
  readonly label: string;
  readonly value: string;
  /** The value's parts with their own labels (the queue row: SQS remaining, DLQ). @default - the value is one part */
  readonly parts?: readonly ReportRowPart[];
}

/** One line of the BEFORE/AFTER table: the same row of both runs. */
export interface CompareRow {
  readonly id: ReportRowId;
  readonly label: string;
  readonly before: string;
  readonly after: string;
}

/** The titles of the two runs of a compare: the fragile build, then the resilient one. */
export const COMPARE_TITLES = Object.freeze({ before: 'BEFORE (degradation off)', after: 'AFTER (degradation on)' });

interface RowDefinition {
  readonly id: ReportRowId;
  readonly label: string;
  readonly value: (report: RunReport) => string;
  readonly parts?: (report: RunReport) => ReportRowPart[];
  /** Shorter label and value where two runs share one line. @default - the run table's */
  readonly compareLabel?: string;
  readonly compareValue?: (report: RunReport) => string;
}

function queueParts(report: RunReport): ReportRowPart[] {
  return [
    { label: 'SQS remaining', value: String(report.queue.remaining) },
    { label: 'DLQ', value: String(report.queue.dlq) },
  ];
}

const ROWS: readonly RowDefinition[] = [
  { id: 'reads', label: 'Reads', value: ({ reads: r }) => `DB=${r.database} CACHE=${r.cache} FAIL=${r.failed}` },
  { id: 'writes', label: 'Writes', value: ({ writes: w }) => `OK=${w.ok} 202_QUEUED=${w.queued} STOCK_OUT=${w.stockOut} FAIL=${w.failed}` },
  {
    id: 'orders',
    label: 'Orders lost',
    value: ({ orders: o }) => `${o.lost} (accepted ${o.accepted}, committed ${o.committed}, rejected ${o.rejected}, duplicated ${o.duplicated})`,
    compareValue: (report) => String(report.orders.lost),
  },
  {
    id: 'queue',
    label: 'SQS remaining / DLQ',
    value: (report) => queueParts(report).map((part) => part.value).join(' / '),
    parts: queueParts,
  },
  { id: 'target', label: 'Target registered at end', compareLabel: 'Target registered', value: (report) => (report.target.registeredAtEnd ? 'yes' : 'NO') },
  { id: 'verdict', label: 'Verdict', value: (report) => report.verdict.toUpperCase() },
];

/** The table of one run: counts, end state and verdict, in the seed's order. */
export function runRows(report: RunReport): ReportRow[] {
  return ROWS.map((row) => ({ id: row.id, label: row.label, value: row.value(report), ...(row.parts ? { parts: row.parts(report) } : {}) }));
}

/** The BEFORE/AFTER table: each row of the run table, shortened where two runs share a line. */
export function compareRows(before: RunReport, after: RunReport): CompareRow[] {
  return ROWS.map((row) => {
    const value = row.compareValue ?? row.value;
    return { id: row.id, label: row.compareLabel ?? row.label, before: value(before), after: value(after) };
  });
}

/** Whether the run had the resilient shop: on, off, or unknown when the traffic never said. */
export function degradationLabel(report: RunReport): 'on' | 'off' | 'unknown' {
  return report.degradation === null ? 'unknown' : report.degradation ? 'on' : 'off';
}

/** A duration of the report in seconds with one decimal, or n/a when it was not measured. */
export function formatSeconds(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

/** The phases a run report keeps latency for. */
export type LatencyPhase = keyof RunReport['latencyMs'];

/** Whether a phase served any request: a phase with none has no latency (its 0 ms is no measurement). */
export function phaseHadRequests(counts: PhaseCounts): boolean {
  return [...Object.values(counts.reads), ...Object.values(counts.writes)].some((n) => n > 0);
}

/** A phase's p50 and p99 in ms (`12/77`), or n/a when the phase had no requests. */
export function formatPhaseLatency(report: RunReport, phase: LatencyPhase, separator = '/'): string {
  if (!phaseHadRequests(report.phases[phase])) return 'n/a';
  const { p50, p99 } = report.latencyMs[phase];
  return `${p50}${separator}${p99}`;
}
