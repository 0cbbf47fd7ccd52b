// Judges a finished run: each part of the steady-state hypothesis as a check with its evidence, then the verdict and its reasons.
import type {
  HypothesisBound,
  HypothesisCheck,
  PhaseCounts,
  ReportInput,
  RunReport,
  Verdict,
  WindowLateness,
} from './contracts';
import type { HypothesisTolerances } from './hypothesis-tolerances';
import { describeProof } from './write-proof';

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
}

export interface Judgement {
  verdict: Verdict;
  reasons: string[];
  checks: HypothesisCheck[];
}

/**
 * The verdict: `aborted` when a stop condition ended the hold; `failed` when an observed part did
 * not hold; `inconclusive` when a part was not observed (each named); `passed` only when every part
 * was observed and held.
 */
export function judgeHypothesis(input: ReportInput, evidence: Evidence): Judgement {
  const tolerances = input.config.hypothesis;
  const checks = [
    trafficAsIntended(evidence, tolerances),
    steadyState(evidence, tolerances),
    faultBit(input, evidence),
    servedDuringOutage(input, evidence, tolerances),
    restored(evidence, tolerances),
    drainedOnce(input, evidence, tolerances),
  ];
  const rules = brokenRules(input, evidence, checks);
  // Every part that was observed and did not hold fails the run, named by a rule above or else by itself.
  const unexplained =
    rules.length === 0
      ? checks.filter((c) => c.observed && !c.held).map((c) => `${c.title} did not hold: ${c.detail}`)
      : [];
  // Invalid traffic is never judged as the shop's failure, and never absorbed: every verdict names it.
  const traffic = checks[0];
  const invalidTraffic = traffic.observed ? [] : [`not observed: ${traffic.title}: ${traffic.detail}`];
  const broken = [...rules, ...unexplained];
  const alarms = alarmNames(input.experiment.hold?.stoppedEarly ?? input.experiment.fault.stoppedEarly) ?? [];
  if (alarms.length > 0) {
    const stopped = `aborted: stop condition ${alarms.length === 1 ? 'alarm' : 'alarms'} ${alarms.join(', ')} in ALARM ended the hold early`;
    return { verdict: 'aborted', reasons: [stopped, ...broken, ...invalidTraffic], checks };
  }
  if (broken.length > 0) return { verdict: 'failed', reasons: [...broken, ...invalidTraffic], checks };

  const notTested = ' (the experiment traffic is counted as recovery); the hypothesis was not tested';
  if (input.config.dryRun || input.experiment.fault.dryRun) {
    return {
      verdict: 'inconclusive',
      reasons: [`dry run: the fault was not injected${notTested}`, ...invalidTraffic],
      checks,
    };
  }
  if (!evidence.window.injected) {
    return {
      verdict: 'inconclusive',
      reasons: [`the fault was not injected: no deregistration was recorded${notTested}`, ...invalidTraffic],
      checks,
    };
  }
  const unobserved = checks.filter((check) => !check.observed);
  if (unobserved.length > 0) {
    return {
      verdict: 'inconclusive',
      reasons: unobserved.map((check) => `not observed: ${check.title}: ${check.detail}`),
      checks,
    };
  }
  return { verdict: 'passed', reasons: [passedSummary(input, evidence)], checks };
}

/** The titles of the parts, in the order a run observes them. */
export const CHECK_TITLES: Readonly<Record<HypothesisCheck['id'], string>> = Object.freeze({
  trafficAsIntended: 'the traffic left at its intended times',
  steadyState: 'steady state before the fault',
  faultBit: 'the fault bit',
  servedDuringOutage: 'customers served during the outage',
  restored: 'the shop serves from the database again',
  drainedOnce: 'queues drained and every order recorded once',
});

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

/**
 * The stop-condition alarms that ended the hold, as a list. The state machine collects them with a
 * `..AlarmName` path, which Step Functions answers with a list; some JSONPath engines (the local
 * runtime among them) answer a single match with the bare string, so one name is taken as a list of one.
 */
export function alarmNames(stoppedEarly: string[] | string | null | undefined): string[] | null {
  if (stoppedEarly === null || stoppedEarly === undefined) return null;
  return typeof stoppedEarly === 'string' ? [stoppedEarly] : stoppedEarly;
}

function reads({ reads: r }: PhaseCounts): number {
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

function trafficAsIntended({ lateness }: Evidence, t: HypothesisTolerances): HypothesisCheck {
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
    const named = invalid
      .map((w) => `${w.phase} window ${w.window + 1} (${w.late} of ${w.requests}, ${w.latePercent}%)`)
      .join(', ');
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

function steadyState({ phases, latencyMs }: Evidence, t: HypothesisTolerances): HypothesisCheck {
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

function faultBit(input: ReportInput, { phases, window }: Evidence): HypothesisCheck {
  const o = phases.outage;
  const bite = o.reads.cache + o.reads.failed + o.writes.queued + o.writes.failed;
  const heldSeconds =
    window.deregisteredAtMs !== null && window.availableAtMs !== null
      ? Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)
      : null;
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
    { injected: window.injected, heldSeconds, outageRequests: reads(o) + writes(o), answeredWithoutDatabase: bite },
    `${bite} outage requests answered without the database (cache, queue or error)`,
  );
}

function servedDuringOutage(
  { config }: ReportInput,
  { phases, latencyMs }: Evidence,
  t: HypothesisTolerances,
): HypothesisCheck {
  const o = phases.outage;
  const ratio =
    latencyMs.baseline.p99 > 0 && reads(o) + writes(o) > 0
      ? Math.round((latencyMs.outage.p99 / latencyMs.baseline.p99) * 100) / 100
      : null;
  const bounds = [...failureBounds(o, t), bound('maxOutageP99Ratio', t.maxOutageP99Ratio, ratio)];
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
    `${o.reads.cache} reads from cache and ${o.writes.queued} orders queued; ${o.reads.failed} reads and ${o.writes.failed} writes failed`,
  );
}

function restored({ phases, registeredAtEnd, recovery, window }: Evidence, t: HypothesisTolerances): HypothesisCheck {
  const r = phases.recovery;
  const ttfdr = recovery.timeToFirstDatabaseReadMs;
  const bounds = [
    bound('targetRegisteredAtEnd', 0, registeredAtEnd ? 0 : 1),
    ...failureBounds(r, t),
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
    served ? `first database read ${ttfdr} ms after register` : 'no read was served by the database after the restore',
  );
  return checked.observed && !served ? { ...checked, held: false } : checked;
}

function drainedOnce(
  { orders, drain, config }: ReportInput,
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
    `${orders.accepted} accepted orders: ${orders.committed} committed, ${orders.rejected} rejected, ${orders.lost} lost, ${orders.duplicated} duplicated${proof && proof.method === 'lookup' ? ` (${describeProof(proof)})` : ''}`,
  );
}

function boundOf(checkItem: HypothesisCheck | undefined, name: string): HypothesisBound | undefined {
  return checkItem?.bounds.find((b) => b.name === name);
}

/** One reason per broken rule of the hypothesis, each with its numbers. */
function brokenRules(input: ReportInput, evidence: Evidence, checks: readonly HypothesisCheck[]): string[] {
  const { phases, total, queue, registeredAtEnd, window, latencyMs } = evidence;
  const reasons: string[] = [];
  const { orders, drain, config } = input;
  const t = config.hypothesis;
  const hold = input.experiment.hold;
  const byId = (id: HypothesisCheck['id']) => checks.find((c) => c.id === id);
  const phaseChecks = { baseline: byId('steadyState'), outage: byId('servedDuringOutage'), recovery: byId('restored') };
  if (hold?.haltedBy === 'errorBudget') {
    const w = hold.window;
    reasons.push(
      `error budget spent: ${w ? `outage window ${w.index + 1} failed ${w.failedPercent}% of its requests (${w.failed} of ${w.requests})` : 'an outage window failed too many requests'}, ` +
        `more than errorBudgetPercent ${config.errorBudgetPercent}%; the hold ended early and the target was registered again`,
    );
  }
  for (const [kind, one, many, name] of [
    ['reads', 'read', 'reads', 'maxFailedReadsPercent'],
    ['writes', 'write', 'writes', 'maxFailedWritesPercent'],
  ] as const) {
    const over = PHASES.filter((phase) => boundOf(phaseChecks[phase], name)?.held === false);
    if (over.length === 0) continue;
    const failed = total[kind].failed;
    const tolerance =
      t[name] > 0
        ? `: more than ${name} ${t[name]}% in ${over.map((phase) => `${phase} (${boundOf(phaseChecks[phase], name)?.measured}%)`).join(', ')}`
        : '';
    reasons.push(
      `${plural(failed, one, many)} failed (${byPhase(phases, (p) => p[kind].failed)})${tolerance}${namedFailures(input, kind === 'reads' ? 'read' : 'write')}`,
    );
  }
  const degradedBaseline = boundOf(phaseChecks.baseline, 'maxDegradedBaselinePercent');
  if (degradedBaseline?.held === false) {
    const b = phases.baseline;
    reasons.push(
      `no steady state before the fault: ${degradedBaseline.measured}% of the baseline was answered degraded (${b.reads.cache} reads, ${b.writes.queued} writes deferred), more than maxDegradedBaselinePercent ${degradedBaseline.limit}%`,
    );
  }
  const ratio = boundOf(phaseChecks.outage, 'maxOutageP99Ratio');
  if (ratio?.held === false) {
    reasons.push(
      `outage p99 ratio ${ratio.measured} (outage p99 ${latencyMs.outage.p99} ms / baseline p99 ${latencyMs.baseline.p99} ms) is above maxOutageP99Ratio ${ratio.limit}`,
    );
  }
  if (phaseChecks.recovery?.observed && registeredAtEnd && phases.recovery.reads.database === 0) {
    reasons.push(
      `no read was served by the database after the restore: ${reads(phases.recovery)} recovery reads (${phases.recovery.reads.cache} from cache, ${phases.recovery.reads.failed} failed)`,
    );
  }
  const recoveryBound = boundOf(phaseChecks.recovery, 'maxRecoverySeconds');
  if (recoveryBound?.held === false) {
    reasons.push(
      `first database read ${recoveryBound.measured} s after register, more than maxRecoverySeconds ${recoveryBound.limit} s`,
    );
  }
  if (orders.lost > 0) {
    const proof = orders.proof;
    const how =
      proof?.method === 'lookup'
        ? `; ${describeProof(proof)}${proof.examples.length > 0 ? `, such as ${proof.examples.slice(0, 3).join(', ')}` : ''}`
        : '';
    reasons.push(
      `${plural(orders.lost, 'order', 'orders')} lost: ${orders.accepted} accepted (201/202), ${orders.committed} committed, ${orders.rejected} rejected${how}`,
    );
  }
  if (orders.duplicated > 0) {
    const answered = total.writes.ok + total.writes.queued + total.writes.stockOut;
    reasons.push(
      `${plural(orders.duplicated, 'order', 'orders')} duplicated: ${orders.committed + orders.rejected} order rows recorded for ${answered} answered writes`,
    );
  }
  if (queue.remaining > 0) {
    reasons.push(`order queue not empty at the end: ${queue.remaining} messages (${describeDepth(drain.queue)})`);
  }
  if (queue.dlq > 0) {
    const held =
      window.deregisteredAtMs !== null && window.availableAtMs !== null
        ? Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)
        : config.outageSeconds;
    const policy = input.queuePolicy;
    const budget = policy
      ? `maxReceiveCount ${policy.maxReceiveCount} x visibility timeout ${policy.visibilityTimeoutSeconds} s = ${policy.maxReceiveCount * policy.visibilityTimeoutSeconds} s`
      : 'maxReceiveCount x visibility timeout';
    reasons.push(
      `DLQ holds ${plural(queue.dlq, 'order', 'orders')} at the end (${describeDepth(drain.dlq)}): the outage (${held} s) outlasted the queue's retry budget (${budget})`,
    );
  }
  if (!drain.drained) {
    reasons.push(
      `queue and DLQ not drained within ${config.drainTimeoutSeconds} s (${plural(drain.polls, 'poll', 'polls')})`,
    );
  }
  const drainBound = boundOf(byId('drainedOnce'), 'maxDrainSeconds');
  if (drainBound?.held === false) {
    reasons.push(
      `queues drained ${drainBound.measured} s after AVAILABLE, more than maxDrainSeconds ${drainBound.limit} s`,
    );
  }
  if (!registeredAtEnd) {
    reasons.push('proxy target not registered and AVAILABLE at the end: the fault branch recorded no availableAt');
  }
  return reasons;
}

/** The failed requests of a kind by template and status or error, for a reason: `: order 503 x12, order timeout x3`. */
function namedFailures(input: ReportInput, kind: 'read' | 'write'): string {
  const counts = new Map<string, number>();
  for (const failures of [input.baseline.failures, input.experiment.traffic.failures]) {
    for (const [name, count] of Object.entries(failures ?? {}))
      if (name.startsWith(`${kind} `))
        counts.set(name.slice(kind.length + 1), (counts.get(name.slice(kind.length + 1)) ?? 0) + count);
  }
  if (counts.size === 0) return '';
  return `: ${[...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, count]) => `${name} x${count}`)
    .join(', ')}`;
}

function passedSummary(input: ReportInput, { window, recovery, phases }: Evidence): string {
  const { orders } = input;
  const cacheReads = phases.outage.reads.cache + phases.recovery.reads.cache;
  const queued = phases.outage.writes.queued + phases.recovery.writes.queued;
  const held =
    window.deregisteredAtMs !== null && window.availableAtMs !== null
      ? `${Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)} s`
      : `${input.config.outageSeconds} s`;
  const failed = phases.outage.reads.failed + phases.outage.writes.failed;
  const parts = [
    `hypothesis held: the database was gone for ${held}`,
    `${plural(cacheReads, 'read', 'reads')} served from cache and ${plural(queued, 'order', 'orders')} queued, ${failed === 0 ? 'no request failed' : `${failed} outage requests failed, within the tolerances`}`,
    `all ${orders.accepted} accepted orders recorded (${orders.committed} committed, ${orders.rejected} rejected), none lost or duplicated`,
    recovery.timeToDrainMs !== null
      ? `queue and DLQ drained ${(recovery.timeToDrainMs / 1000).toFixed(1)} s after the target was AVAILABLE`
      : 'queue and DLQ drained',
  ];
  if (recovery.timeToFirstDatabaseReadMs !== null)
    parts.push(`first database read ${recovery.timeToFirstDatabaseReadMs} ms after re-registration`);
  return parts.join('; ');
}

function describeDepth(q: { visible: number; inFlight: number; delayed: number }): string {
  return `visible ${q.visible}, in flight ${q.inFlight}, delayed ${q.delayed}`;
}

function byPhase(phases: Record<Phase, PhaseCounts>, count: (p: PhaseCounts) => number): string {
  return PHASES.map((phase) => `${phase} ${count(phases[phase])}`).join(', ');
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
