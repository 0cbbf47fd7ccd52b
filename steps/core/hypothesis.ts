// Judges a finished run: the hypothesis's checks, then the verdict and its reasons.
import type { HypothesisBound, HypothesisCheck, PhaseCounts, ReportInput, Verdict } from './contracts';
import {
  type Evidence,
  type Phase,
  PHASES,
  plural,
  reads,
  trafficAsIntended,
  steadyState,
  faultBit,
  servedDuringOutage,
  restored,
  drainedOnce,
} from './hypothesis-checks';
import { describeProof } from './write-proof';
import { isBrownout } from './brownout-checks';
import { failoverReasons, failoverSummary, isFailover } from './failover-checks';
import { FAULT_TITLES, notInjected } from './fault-words';
import { hypothesisWords, provenSummary, SEED_CHECK_TITLES } from './hypothesis-words';

// The checks' evidence and titles stay importable from here.
export {
  CHECK_TITLES,
  type Evidence,
  type FaultWindow,
  type Phase,
  PHASES,
  plural,
  unobservedChecks,
} from './hypothesis-checks';

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
  const words = hypothesisWords(input.target?.labels);
  const titles = { ...words.titles, ...FAULT_TITLES[input.config.fault] };
  const checks = [
    trafficAsIntended(evidence, tolerances),
    steadyState(evidence, tolerances),
    faultBit(input, evidence),
    servedDuringOutage(input, evidence, tolerances),
    restored(input, evidence, tolerances),
    drainedOnce(input, evidence, tolerances),
  ].map((c) => ({ ...c, title: titles[c.id] }));
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
      reasons: [`${notInjected(input.config.fault)}${notTested}`, ...invalidTraffic],
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

/**
 * The stop-condition alarms that ended the hold, as a list. The state machine collects them with a
 * `..AlarmName` path, which Step Functions answers with a list; some JSONPath engines (the local
 * runtime among them) answer a single match with the bare string, so one name is taken as a list of one.
 */
export function alarmNames(stoppedEarly: string[] | string | null | undefined): string[] | null {
  if (stoppedEarly === null || stoppedEarly === undefined) return null;
  return typeof stoppedEarly === 'string' ? [stoppedEarly] : stoppedEarly;
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
  if (isFailover(input)) reasons.push(...failoverReasons(input, evidence.failover, phaseChecks.outage?.bounds ?? []));
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
    const words = hypothesisWords(input.target?.labels);
    reasons.push(
      `${plural(orders.lost, ...words.write)} lost: ${orders.accepted} accepted (${words.accepted}), ${orders.committed} committed, ${orders.rejected} rejected${how}`,
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

function passedSummary(input: ReportInput, { window, recovery, phases, failover: figures }: Evidence): string {
  const { orders } = input;
  const words = hypothesisWords(input.target?.labels);
  const cacheReads = phases.outage.reads.cache + phases.recovery.reads.cache;
  const queued = phases.outage.writes.queued + phases.recovery.writes.queued;
  const held =
    window.deregisteredAtMs !== null && window.availableAtMs !== null
      ? `${Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)} s`
      : `${input.config.outageSeconds} s`;
  const failed = phases.outage.reads.failed + phases.outage.writes.failed;
  const brownout = isBrownout(input);
  const failover = isFailover(input);
  const fault = brownout
    ? `the pool was clamped to ${input.config.brownout.maxConnectionsPercent}% of its connections for ${held}`
    : failover
      ? `the writer failed over; after the hold the cluster and the proxy target were healthy, ${held} after the failover`
      : `the database was gone for ${held}`;
  const parts = [
    `hypothesis held: ${fault}`,
    `${words.servedSummary(cacheReads, queued)}, ${failed === 0 ? 'no request failed' : `${failed} ${brownout ? 'brownout' : failover ? 'failover' : 'outage'} requests failed, within the tolerances`}`,
    provenSummary(words, orders),
  ];
  if (brownout) parts.push('the pool read after the restore equals the saved one');
  parts.push(...failoverSummary(input, figures));
  const back = brownout ? 'the pool was restored' : failover ? 'the cluster was healthy' : 'the target was AVAILABLE';
  if (recovery.timeToDrainMs !== null)
    parts.push(`queue and DLQ drained ${(recovery.timeToDrainMs / 1000).toFixed(1)} s after ${back}`);
  // A target with no drain measured may have no queue at all: only the seed's words say it drained.
  else if (words.titles === SEED_CHECK_TITLES) parts.push('queue and DLQ drained');
  if (recovery.timeToFirstDatabaseReadMs !== null)
    parts.push(
      `first ${words.primaryRead} ${recovery.timeToFirstDatabaseReadMs} ms after ${brownout ? 'the restore' : failover ? 'the hold' : 're-registration'}`,
    );
  return parts.join('; ');
}

function describeDepth(q: { visible: number; inFlight: number; delayed: number }): string {
  return `visible ${q.visible}, in flight ${q.inFlight}, delayed ${q.delayed}`;
}

function byPhase(phases: Record<Phase, PhaseCounts>, count: (p: PhaseCounts) => number): string {
  return PHASES.map((phase) => `${phase} ${count(phases[phase])}`).join(', ');
}
