// The seed's result table as labelled rows of a run report: the terminal table and the HTML report both render these.
import type { PhaseCounts, RunReport } from '../steps/core/contracts';
import type { TargetLabels } from '../steps/core/target-profile';
import { SEED_LABELS } from '../steps/core/hypothesis-words';

/** The words of a report's classes: its target's labels, else the seed's. */
export function reportLabels(report: Pick<RunReport, 'target'>): TargetLabels {
  return report.target.labels ?? SEED_LABELS;
}

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

/** The seed's BEFORE/AFTER rows, then the end state both runs share a line for. */
export type CompareRowId =
  | 'readFailures'
  | 'cacheReads'
  | 'writeFailures'
  | 'queuedOrders'
  | 'ordersLost'
  | 'experience'
  | 'outageLatency'
  | 'queue'
  | 'target'
  | 'verdict';

/** One line of the BEFORE/AFTER table: the same row of both runs. */
export interface CompareRow {
  readonly id: CompareRowId;
  readonly label: string;
  readonly before: string;
  readonly after: string;
}

/** The titles of the two runs of a compare: the fragile build, then the resilient one. */
export const COMPARE_TITLES = Object.freeze({ before: 'BEFORE (degradation off)', after: 'AFTER (degradation on)' });

interface RowDefinition {
  readonly id: ReportRowId;
  readonly label: string | ((labels: TargetLabels) => string);
  readonly value: (report: RunReport) => string;
  readonly parts?: (report: RunReport) => ReportRowPart[];
  /** The label where two runs share one line. @default - the run table's */
  readonly compareLabel?: string;
}

function queueParts(report: RunReport): ReportRowPart[] {
  return [
    { label: 'SQS remaining', value: String(report.queue.remaining) },
    { label: 'DLQ', value: String(report.queue.dlq) },
  ];
}

const ROWS: readonly RowDefinition[] = [
  {
    id: 'reads',
    label: 'Reads',
    value: (report) => {
      const r = report.reads;
      const l = reportLabels(report);
      return `${l.primary}=${r.database} ${l.degraded}=${r.cache} FAIL=${r.failed}`;
    },
  },
  {
    id: 'writes',
    label: 'Writes',
    value: (report) => {
      const w = report.writes;
      const l = reportLabels(report);
      return `${l.committed}=${w.ok} ${l.deferred}=${w.queued} ${l.rejected}=${w.stockOut} FAIL=${w.failed}`;
    },
  },
  {
    id: 'orders',
    label: (l) => l.lostWrites,
    value: ({ orders: o }) =>
      o.neverCommitted === null
        ? `n/a (the orders were not verified; ${plural(o.failed, 'failed write', 'failed writes')}, accepted ${o.accepted})`
        : `${o.neverCommitted} (${plural(o.failed, 'failed write', 'failed writes')}, ${o.lost} accepted but not recorded; accepted ${o.accepted}${o.proof?.sampled ? `, ${o.proof.checked} sampled` : ''}, committed ${o.committed}, rejected ${o.rejected}, duplicated ${o.duplicated})`,
  },
  {
    id: 'queue',
    label: 'SQS remaining / DLQ',
    value: (report) =>
      queueParts(report)
        .map((part) => part.value)
        .join(' / '),
    parts: queueParts,
  },
  {
    id: 'target',
    label: 'Target registered at end',
    compareLabel: 'Target registered',
    value: (report) => (report.target.registeredAtEnd ? 'yes' : 'NO'),
  },
  { id: 'verdict', label: 'Verdict', value: (report) => report.verdict.toUpperCase() },
];

/** The table of one run: counts, end state and verdict, in the seed's order. */
export function runRows(report: RunReport): ReportRow[] {
  const labels = reportLabels(report);
  return ROWS.map((row) => ({
    id: row.id,
    label: labelOf(row.label, labels),
    value: row.value(report),
    ...(row.parts ? { parts: row.parts(report) } : {}),
  }));
}

function labelOf(label: string | ((labels: TargetLabels) => string), labels: TargetLabels): string {
  return typeof label === 'string' ? label : label(labels);
}

interface CompareDefinition {
  readonly id: CompareRowId;
  readonly label: string | ((labels: TargetLabels) => string);
  readonly value: (report: RunReport) => string;
}

/** The outage's requests that failed, and all of them. */
function outageFailures({ phases: { outage } }: RunReport): { failed: number; requests: number } {
  const o = outage ?? NO_COUNTS;
  const failed = o.reads.failed + o.writes.failed;
  return {
    failed,
    requests: failed + o.reads.database + o.reads.cache + o.writes.ok + o.writes.queued + o.writes.stockOut,
  };
}

const NO_COUNTS: PhaseCounts = {
  reads: { database: 0, cache: 0, failed: 0 },
  writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
};

/** A note the seed puts beside a count, when it applies; n/a for a count that was not measured. */
function noted(count: number | null | undefined, note: string | false): string {
  if (count === null || count === undefined) return 'n/a';
  return note ? `${count} (${note})` : String(count);
}

/** A seed row of the outage's failed requests of one kind, with the seed's note when any failed. */
function failedDuringOutage(id: CompareRowId, kind: keyof PhaseCounts, label: string, note: string): CompareDefinition {
  return {
    id,
    label,
    value: (r) => {
      const failed = r.phases.outage?.[kind].failed;
      return noted(failed, (failed ?? 0) > 0 && note);
    },
  };
}

/** A seed row of the requests served without the database, labelled in the target's words; the fragile build has none. */
function servedWithoutDatabase(
  id: CompareRowId,
  label: keyof TargetLabels,
  count: (report: RunReport) => number,
  none: keyof TargetLabels,
): CompareDefinition {
  return {
    id,
    label: (l) => l[label],
    value: (r) => noted(count(r), r.degradation === false && reportLabels(r)[none]),
  };
}

/** The seed's table, row by row in its words and order; the notes are derived from the run. */
const SEED_ROWS: readonly CompareDefinition[] = [
  failedDuringOutage('readFailures', 'reads', 'Read failures during outage', 'errors'),
  servedWithoutDatabase('cacheReads', 'degradedReads', (r) => r.reads.cache, 'noDegraded'),
  failedDuringOutage('writeFailures', 'writes', 'Write failures during outage', 'orders lost'),
  servedWithoutDatabase('queuedOrders', 'deferredWrites', (r) => r.writes.queued, 'noDeferred'),
  {
    id: 'ordersLost',
    label: (l) => l.lostWrites,
    value: (r) =>
      noted(
        r.orders.neverCommitted,
        r.orders.neverCommitted === 0 &&
          r.writes.queued > 0 &&
          r.queue.remaining === 0 &&
          r.queue.dlq === 0 &&
          'all drained to the database',
      ),
  },
  {
    id: 'experience',
    label: 'Customer experience',
    value: (r) => {
      const { failed, requests } = outageFailures(r);
      if (requests === 0) return 'n/a (no traffic during the outage)';
      return failed === 0
        ? 'Served, no visible error'
        : `Errors and timeouts (${failed} of ${requests} requests failed)`;
    },
  },
];

/**
 * How long the outage's requests took: what tells a failure that waited for a timeout from one
 * that was reset at once, which the seed's "errors and timeouts" does not.
 */
const OUTAGE_LATENCY: CompareDefinition = {
  id: 'outageLatency',
  label: 'Outage latency p50 / p99',
  value: (r) => {
    const latency = formatPhaseLatency(r, 'outage', ' / ');
    return latency === 'n/a' ? latency : `${latency} ms`;
  },
};

/** The BEFORE/AFTER table: the seed's rows, the outage's latency, then the end state (queues, target, verdict) of both runs. */
export function compareRows(before: RunReport, after: RunReport): CompareRow[] {
  const endState = ROWS.filter((row) => row.id === 'queue' || row.id === 'target' || row.id === 'verdict').map(
    (row): CompareDefinition => ({
      id: row.id as CompareRowId,
      label: row.compareLabel ?? labelOf(row.label, reportLabels(after)),
      value: row.value,
    }),
  );
  // Both runs are of one target: its words label the rows.
  const labels = reportLabels(after);
  return [...SEED_ROWS, OUTAGE_LATENCY, ...endState].map((row) => ({
    id: row.id,
    label: labelOf(row.label, labels),
    before: row.value(before),
    after: row.value(after),
  }));
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

/** Whether a phase served any request: a phase with none (or not measured) has no latency (its 0 ms is no measurement). */
export function phaseHadRequests(counts: PhaseCounts | null): boolean {
  if (counts === null) return false;
  return [counts.reads, counts.writes].flatMap((classes) => Object.values(classes) as number[]).some((n) => n > 0);
}

/** A phase's p50 and p99 in ms (`12/77`), or n/a when the phase had no requests. */
export function formatPhaseLatency(report: RunReport, phase: LatencyPhase, separator = '/'): string {
  if (!phaseHadRequests(report.phases[phase])) return 'n/a';
  const { p50, p99 } = report.latencyMs[phase];
  return `${p50}${separator}${p99}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
