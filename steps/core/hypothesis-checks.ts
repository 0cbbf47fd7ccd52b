// The six parts of the steady-state hypothesis, each judged as a check with its bounds and evidence from what the report counted.
import type {
  HypothesisBound,
  HypothesisCheck,
  PhaseCounts,
  ReportInput,
  RunReport,
  WindowLateness,
} from './contracts';
import type { HypothesisTolerances } from './hypothesis-tolerances';
import type { ClientFailoverWindow } from './failover-window';
import { describeProof } from './write-proof';
import { hypothesisWords, plural, SEED_CHECK_TITLES } from './hypothesis-words';
import { clampDetail, isBrownout, poolRestoredBound } from './brownout-checks';
import { failoverBounds, failoverDetail, isFailover } from './failover-checks';
import { faultSeen } from './fault-words';

export { plural };

export type Phase = 'baseline' | 'outage' | 'recovery';
export const PHASES: readonly Phase[] = ['baseline', 'outage', 'recovery'];

/** What the fault branch did, in epoch milliseconds. */
export interface FaultWindow {
  injected: boolean;
  deregisteredAtMs: number | null;
  registeredAtMs: number | null;
  availableAtMs: number | null;
}

/** What the report counted, for the judge. */
export interface Evidence {
  phases: Record<Phase, PhaseCounts>;
  total: PhaseCounts;
  latencyMs: RunReport['latencyMs'];
  queue: { remaining: number; dlq: number };
  registeredAtEnd: boolean;
  window: FaultWindow;
  recovery: RunReport['recovery'];
  /** Orders customers tried to place that never got recorded (failed without a row, or lost). */
  neverCommitted: number;
  /** Every window's sends: how many left more than 10 ms late. */
  lateness: readonly WindowLateness[];
  /** A writer failover's window as the clients saw it; null for another fault, or none recorded. */
  failover: ClientFailoverWindow | null;
}

/** The titles of the parts, in the order a run observes them. */
export const CHECK_TITLES = SEED_CHECK_TITLES;

/** Every part unobserved, for a run that ended before anything could be judged. */
export function unobservedChecks(why: string): HypothesisCheck[] {
  return (Object.keys(CHECK_TITLES) as Array<HypothesisCheck['id']>).map((id) => ({
    id,
    title: CHECK_TITLES[id],
    observed: false,
    held: false,
    bounds: [],
    numbers: {},
    detail: why,
  }));
}

export function reads({ reads: r }: PhaseCounts): number {
  return r.database + r.cache + r.failed;
}

function writes({ writes: w }: PhaseCounts): number {
  return w.ok + w.queued + w.stockOut + w.failed;
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 100;
}

function bound(name: string, limit: number | null, measured: number | null): HypothesisBound {
  return { name, limit, measured, held: limit === null ? true : measured === null ? null : measured <= limit };
}

/** The failed shares of one phase against the two failure tolerances. */
function failureBounds(phase: PhaseCounts, t: HypothesisTolerances): HypothesisBound[] {
  return [
    bound('maxFailedReadsPercent', t.maxFailedReadsPercent, percent(phase.reads.failed, reads(phase))),
    bound('maxFailedWritesPercent', t.maxFailedWritesPercent, percent(phase.writes.failed, writes(phase))),
  ];
}

/** A check from its bounds: observed needs `seen` and every set bound measured; held needs every bound held. */
function check(
  id: HypothesisCheck['id'],
  seen: string | true,
  bounds: HypothesisBound[],
  numbers: HypothesisCheck['numbers'],
  detail: string,
): HypothesisCheck {
  const unmeasured = bounds.filter((b) => b.held === null).map((b) => b.name);
  const observed = seen === true && unmeasured.length === 0;
  const why = seen !== true ? seen : unmeasured.length > 0 ? `${unmeasured.join(', ')} set but not measured` : detail;
  return {
    id,
    title: CHECK_TITLES[id],
    observed,
    held: observed && bounds.every((b) => b.held === true),
    bounds,
    numbers,
    detail: why,
  };
}

/**
 * The traffic is valid in a window while at most `maxLateSendsPercent` of its requests left more than
 * 10 ms late; a window beyond it is named, and the run cannot pass on traffic it did not send as intended.
 * One late request is never enough: in a small window (6 requests at the lab's rates) the first one,
 * due the moment the window starts, is 17 % by itself, and one request is no burst.
 */
const MIN_LATE_SENDS_TO_INVALIDATE = 2;
/** A window of fewer requests is too small for a share of late sends to say anything: its lateness is reported, not judged. */
const MIN_REQUESTS_TO_JUDGE = 100;
/** Invalid windows a check names; the rest are counted. */
export const MAX_NAMED_WINDOWS = 10;

export function trafficAsIntended({ lateness }: Evidence, t: HypothesisTolerances): HypothesisCheck {
  const requests = lateness.reduce((sum, w) => sum + w.requests, 0);
  const late = lateness.reduce((sum, w) => sum + w.late, 0);
  const worst = lateness.reduce<WindowLateness | null>(
    (most, w) => (most === null || w.latePercent > most.latePercent ? w : most),
    null,
  );
  const invalid = lateness.filter(
    (w) =>
      w.requests >= MIN_REQUESTS_TO_JUDGE &&
      w.late >= MIN_LATE_SENDS_TO_INVALIDATE &&
      w.latePercent > t.maxLateSendsPercent,
  );
  const numbers = {
    requests,
    lateSends: late,
    worstWindowLatePercent: worst?.latePercent ?? null,
    invalidWindows: invalid.length,
  };
  // The bound is judged on the windows with enough late sends to count (numbers keep the raw worst).
  const counted = lateness
    .filter((w) => w.requests >= MIN_REQUESTS_TO_JUDGE && w.late >= MIN_LATE_SENDS_TO_INVALIDATE)
    .reduce((most, w) => Math.max(most, w.latePercent), 0);
  const bounds = [bound('maxLateSendsPercent', t.maxLateSendsPercent, worst === null ? null : counted)];
  if (requests === 0) return check('trafficAsIntended', 'no request was sent', bounds, numbers, '');
  if (invalid.length > 0) {
    // The first few by name: a long run can have a thousand windows, and its reasons ride in the state.
    const named = [
      ...invalid
        .slice(0, MAX_NAMED_WINDOWS)
        .map((w) => `${w.phase} window ${w.window + 1} (${w.late} of ${w.requests}, ${w.latePercent}%)`),
      ...(invalid.length > MAX_NAMED_WINDOWS
        ? [`and ${invalid.length - MAX_NAMED_WINDOWS} more (the report's lateSendsByWindow lists each)`]
        : []),
    ].join(', ');
    return {
      id: 'trafficAsIntended',
      title: CHECK_TITLES.trafficAsIntended,
      observed: false,
      held: false,
      bounds,
      numbers,
      detail: `the traffic of ${plural(invalid.length, 'window', 'windows')} is invalid: more than maxLateSendsPercent ${t.maxLateSendsPercent}% of its requests left more than 10 ms late: ${named}`,
    };
  }
  return check(
    'trafficAsIntended',
    true,
    bounds,
    numbers,
    `${late} of ${requests} requests left more than 10 ms late; at most ${worst?.latePercent ?? 0}% in one window`,
  );
}

export function steadyState({ phases, latencyMs }: Evidence, t: HypothesisTolerances): HypothesisCheck {
  const baseline = phases.baseline;
  const seen = reads(baseline) > 0 && writes(baseline) > 0 ? true : 'the baseline answered no read or no write';
  // A baseline already served degraded (a database that stalled before the fault) is no steady state.
  const degraded = baseline.reads.cache + baseline.writes.queued;
  const bounds = [
    ...failureBounds(baseline, t),
    bound(
      'maxDegradedBaselinePercent',
      t.maxDegradedBaselinePercent,
      percent(degraded, reads(baseline) + writes(baseline)),
    ),
  ];
  return check(
    'steadyState',
    seen,
    bounds,
    {
      reads: reads(baseline),
      writes: writes(baseline),
      failedReads: baseline.reads.failed,
      failedWrites: baseline.writes.failed,
      degradedAnswers: degraded,
      p99Ms: latencyMs.baseline.p99,
    },
    `${reads(baseline)} reads and ${writes(baseline)} writes answered before the fault${degraded > 0 ? `, ${degraded} of them degraded (served without the database)` : ''}`,
  );
}

export function faultBit(input: ReportInput, { phases, window }: Evidence): HypothesisCheck {
  const o = phases.outage;
  const bite = o.reads.cache + o.reads.failed + o.writes.queued + o.writes.failed;
  const heldSeconds =
    window.deregisteredAtMs !== null && window.availableAtMs !== null
      ? Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)
      : null;
  const numbers = {
    injected: window.injected,
    heldSeconds,
    outageRequests: reads(o) + writes(o),
    answeredWithoutDatabase: bite,
  };
  if (isBrownout(input) || isFailover(input)) {
    const detail = isBrownout(input) ? clampDetail(input, heldSeconds, bite) : failoverDetail(heldSeconds, bite);
    return check('faultBit', faultSeen(input, window.injected), [], numbers, detail);
  }
  const seen =
    input.config.dryRun || input.experiment.fault.dryRun
      ? 'dry run: the fault was not injected'
      : !window.injected
        ? 'no deregistration was recorded'
        : bite === 0
          ? 'the fault never bit: no outage request was answered without the database'
          : true;
  return check(
    'faultBit',
    seen,
    [],
    numbers,
    `${bite} outage requests answered without the database ${hypothesisWords(input.target?.labels).withoutPrimary}`,
  );
}

export function servedDuringOutage(
  input: ReportInput,
  { phases, latencyMs, failover }: Evidence,
  t: HypothesisTolerances,
): HypothesisCheck {
  const { config, target } = input;
  const o = phases.outage;
  const ratio =
    latencyMs.baseline.p99 > 0 && reads(o) + writes(o) > 0
      ? Math.round((latencyMs.outage.p99 / latencyMs.baseline.p99) * 100) / 100
      : null;
  // A failover may fail requests inside its window, and none after it: its bounds replace the failed shares.
  const failures = isFailover(input) ? failoverBounds(input, failover) : failureBounds(o, t);
  const bounds = [...failures, bound('maxOutageP99Ratio', t.maxOutageP99Ratio, ratio)];
  const seen = reads(o) > 0 && writes(o) > 0 ? true : 'no read or no write was answered during the outage';
  const numbers = {
    reads: reads(o),
    writes: writes(o),
    cacheReads: o.reads.cache,
    queuedWrites: o.writes.queued,
    failedReads: o.reads.failed,
    failedWrites: o.writes.failed,
    p99Ms: latencyMs.outage.p99,
    p99Ratio: ratio,
    errorBudgetPercent: config.errorBudgetPercent,
  };
  return check(
    'servedDuringOutage',
    seen,
    bounds,
    numbers,
    `${hypothesisWords(target?.labels).outageServed(o)}; ${o.reads.failed} reads and ${o.writes.failed} writes failed`,
  );
}

export function restored(
  input: ReportInput,
  { phases, registeredAtEnd, recovery, window }: Evidence,
  t: HypothesisTolerances,
): HypothesisCheck {
  const { primaryRead } = hypothesisWords(input.target?.labels);
  const r = phases.recovery;
  const ttfdr = recovery.timeToFirstDatabaseReadMs;
  const bounds = [
    bound('targetRegisteredAtEnd', 0, registeredAtEnd ? 0 : 1),
    // A brownout's restore must write back the pool the run found, not defaults.
    ...(isBrownout(input) && window.injected ? [poolRestoredBound(input)] : []),
    // A failover's recovery failures are judged by its window (in the outage part), not by the failed shares.
    ...(isFailover(input) ? [] : failureBounds(r, t)),
    bound('maxRecoverySeconds', t.maxRecoverySeconds, ttfdr === null ? null : ttfdr / 1000),
  ];
  // A target left deregistered is observed as such; otherwise the recovery must have answered reads.
  const seen = !window.injected
    ? 'the fault was not injected: there was nothing to restore'
    : !registeredAtEnd || reads(r) > 0
      ? true
      : 'no read was answered after the target was AVAILABLE';
  const served = r.reads.database > 0 && ttfdr !== null;
  const checked = check(
    'restored',
    seen,
    bounds,
    {
      registeredAtEnd,
      reads: reads(r),
      databaseReads: r.reads.database,
      failedReads: r.reads.failed,
      failedWrites: r.writes.failed,
      timeToFirstDatabaseReadMs: ttfdr,
    },
    served
      ? `first ${primaryRead} ${ttfdr} ms after ${isBrownout(input) ? 'the restore' : isFailover(input) ? "the failover's hold ended" : 'register'}`
      : 'no read was served by the database after the restore',
  );
  return checked.observed && !served ? { ...checked, held: false } : checked;
}

export function drainedOnce(
  { orders, drain, config, target }: ReportInput,
  { queue, recovery }: Evidence,
  t: HypothesisTolerances,
): HypothesisCheck {
  const drainSeconds = recovery.timeToDrainMs === null ? null : recovery.timeToDrainMs / 1000;
  const bounds = [
    bound('ordersLost', 0, orders.lost),
    bound('ordersDuplicated', 0, orders.duplicated),
    bound('queueRemaining', 0, queue.remaining),
    bound('dlqRemaining', 0, queue.dlq),
    bound('drainedWithinTimeout', 0, drain.drained ? 0 : 1),
    bound('maxDrainSeconds', t.maxDrainSeconds, drainSeconds),
  ];
  // A target without a queue has none to read (the drain reads a configured queue at least once); its writes are proven all the same.
  const proof = orders.proof;
  const seen =
    proof?.method === 'none'
      ? 'the profile proves no write (proof: none): every accepted write recorded once was not observed'
      : !drain.drained && drain.polls === 0
        ? 'the queues were never read'
        : orders.accepted === 0
          ? 'no order was accepted, so none could be recorded'
          : true;
  return check(
    'drainedOnce',
    seen,
    bounds,
    {
      accepted: orders.accepted,
      committed: orders.committed,
      rejected: orders.rejected,
      lost: orders.lost,
      duplicated: orders.duplicated,
      viaQueue: orders.viaQueue ?? null,
      queueRemaining: queue.remaining,
      dlqRemaining: queue.dlq,
      timeToDrainMs: recovery.timeToDrainMs,
      drainTimeoutSeconds: config.drainTimeoutSeconds,
    },
    `${orders.accepted} accepted ${hypothesisWords(target?.labels).write[1]}${proof?.sampled ? `, ${proof.checked} of them sampled` : ''}: ${orders.committed} committed, ${orders.rejected} rejected, ${orders.lost} lost, ${orders.duplicated} duplicated${proof && proof.method === 'lookup' ? ` (${describeProof(proof)})` : ''}`,
  );
}
