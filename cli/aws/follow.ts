// Follows a GameDay execution on AWS: folds its history into what a person watching wants to see.
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { PhaseCounts, ReportOutput, RunConfig, RunReport, Verdict } from '../../steps/core/contracts';
import { phaseOfState } from '../../steps/core/state-phases';
import { FAILURE_ERRORS, STATES } from '../../steps/core/workflow-names';
import { explainAwsError } from './errors';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export type TargetState = 'AVAILABLE' | 'DEREGISTERED' | 'REGISTERING';

/** The states whose exit registers the target again (the fault branch's, or the rollback's). */
const REGISTER_STATES: ReadonlySet<string> = new Set([
  STATES.register,
  STATES.recordRegistered,
  STATES.rollbackRegister,
]);

/** What the history of one execution says so far. */
export interface ExecutionView {
  status: ExecutionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  state: string | null;
  phase: string;
  config: RunConfig | null;
  /** Counts of the traffic steps that have finished (a running step reports at its end). */
  counts: PhaseCounts;
  /** The proxy target as the history shows it: AVAILABLE (checked by preflight) until deregistered, REGISTERING from the register until AVAILABLE again. */
  target: TargetState;
  deregisteredAt: string | null;
  availableAt: string | null;
  /** A pool brownout's pool: CLAMPED from the clamp until the restore was read back equal, then RESTORED; null for another fault. */
  pool: { state: 'CLAMPED' | 'RESTORED'; at: string | null } | null;
  /** A writer failover's cluster: FAILING_OVER from the failover until the cluster and the target were read healthy, then HEALTHY; null for another fault. */
  cluster: { state: 'FAILING_OVER' | 'HEALTHY'; at: string | null } | null;
  /** The last drain reading: messages in the order queue and in the DLQ. */
  drain: { queue: number; dlq: number } | null;
  result: (Pick<ReportOutput, 'verdict' | 'reasons' | 'report'> & { storage: ReportOutput['storage'] | null }) | null;
  error: { error: string; cause: string } | null;
  /** Why the preflight's gate skipped the run (a change freeze, outside the allowed window, halted); null when it did not. */
  skipped: string | null;
  events: number;
}

const TERMINAL: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

function zero(): PhaseCounts {
  return { reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } };
}

function parse(json: string | undefined): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function addCounts(into: PhaseCounts, from: unknown): void {
  const traffic = from as Partial<PhaseCounts> | undefined;
  if (!traffic?.reads || !traffic.writes) return;
  for (const key of Object.keys(into.reads) as Array<keyof PhaseCounts['reads']>)
    into.reads[key] += Number(traffic.reads[key] ?? 0);
  for (const key of Object.keys(into.writes) as Array<keyof PhaseCounts['writes']>)
    into.writes[key] += Number(traffic.writes[key] ?? 0);
}

function depth(q: unknown): number {
  const d = q as { visible?: number; inFlight?: number; delayed?: number } | undefined;
  return Number(d?.visible ?? 0) + Number(d?.inFlight ?? 0) + Number(d?.delayed ?? 0);
}

const TALLY_STATES: ReadonlySet<string> = new Set([
  STATES.tallyWarmUpWindow,
  STATES.tallyBaselineWindow,
  STATES.tallyOutageWindow,
  STATES.tallyRestoringWindow,
  STATES.tallyRecoveryWindow,
]);

/** Folds history events (in any order) into the view of the execution. */
export function foldHistory(events: readonly HistoryEvent[]): ExecutionView {
  const view: ExecutionView = {
    status: 'RUNNING',
    startedAt: null,
    endedAt: null,
    state: null,
    phase: 'starting',
    config: null,
    counts: zero(),
    target: 'AVAILABLE',
    deregisteredAt: null,
    availableAt: null,
    pool: null,
    cluster: null,
    drain: null,
    result: null,
    error: null,
    skipped: null,
    events: events.length,
  };
  const sorted = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const byPhase = new Map<string, unknown>();
  for (const event of sorted) {
    const type: string = event.type ?? '';
    if (type === 'ExecutionStarted') view.startedAt = event.timestamp ?? null;
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      view.state = event.stateEnteredEventDetails.name;
      view.phase = phaseOfState(view.state) ?? view.phase;
    }
    if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const name = event.stateExitedEventDetails.name;
      const output = parse(event.stateExitedEventDetails.output);
      if (!output) continue;
      if (name === STATES.validateInput && output.config) view.config = output.config as RunConfig;
      // Every tally carries its phase's traffic so far: the live counts follow each window.
      const tallied = (output.tally as { traffic?: { phase?: unknown } } | undefined)?.traffic;
      if (TALLY_STATES.has(name) && tallied && typeof tallied.phase === 'string') byPhase.set(tallied.phase, tallied);
      view.counts = zero();
      for (const traffic of byPhase.values()) addCounts(view.counts, traffic);
      if (name === STATES.recordDeregistered) {
        view.deregisteredAt = faultTime(output, 'deregisteredAt');
        view.target = 'DEREGISTERED';
      }
      if (REGISTER_STATES.has(name) && view.target === 'DEREGISTERED') view.target = 'REGISTERING';
      // A brownout keeps the target registered: its clamp and restore are the pool's.
      if (name === STATES.recordClamped) view.pool = { state: 'CLAMPED', at: faultTime(output, 'deregisteredAt') };
      if (name === STATES.recordPoolRestored) view.pool = { state: 'RESTORED', at: faultTime(output, 'availableAt') };
      // A failover keeps the target registered too: the cluster fails over, then is read healthy with the target.
      if (name === STATES.recordFailedOver)
        view.cluster = { state: 'FAILING_OVER', at: faultTime(output, 'deregisteredAt') };
      if (name === STATES.recordAvailable && view.cluster)
        view.cluster = { state: 'HEALTHY', at: faultTime(output, 'availableAt') };
      if (name === STATES.recordAvailable) {
        view.availableAt = faultTime(output, 'availableAt');
        view.target = 'AVAILABLE';
      }
      if (name === STATES.drainDlqDepth) {
        const drain = output.drain as { queue?: unknown; dlq?: unknown } | undefined;
        view.drain = { queue: depth(drain?.queue), dlq: depth(drain?.dlq) };
      }
      if (name === STATES.buildReport && output.result) {
        const result = output.result as Partial<ReportOutput>;
        if (result.report && result.verdict) {
          view.result = {
            verdict: result.verdict,
            reasons: result.reasons ?? [],
            report: result.report,
            storage: result.storage ?? null,
          };
        }
      }
    }
    if (TERMINAL[type]) {
      view.status = TERMINAL[type];
      view.endedAt = event.timestamp ?? null;
      const details =
        event.executionFailedEventDetails ?? event.executionAbortedEventDetails ?? event.executionTimedOutEventDetails;
      if (details) view.error = { error: details.error ?? type, cause: details.cause ?? '' };
      const reason = (parse(event.executionSucceededEventDetails?.output)?.skipped as { reason?: unknown } | undefined)
        ?.reason;
      if (typeof reason === 'string') view.skipped = reason;
    }
  }
  return view;
}

/** A time the fault record of a state's output holds (the fault's `deregisteredAt` or `availableAt`), or null. */
function faultTime(output: Record<string, unknown>, key: 'deregisteredAt' | 'availableAt'): string | null {
  return ((output.fault as Partial<Record<typeof key, string>> | undefined) ?? {})[key] ?? null;
}

/** The verdict of an ended execution: the report's when the run got that far, else what its ending says. */
export function verdictOf(
  status: ExecutionStatus,
  error: string | null | undefined,
  report: RunReport | null,
  skipped: string | null = null,
): Verdict | 'running' {
  if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return 'running';
  if (report) return report.verdict;
  if (status === 'SUCCEEDED' && skipped !== null) return 'skipped';
  if (status === 'SUCCEEDED') return 'passed';
  if (error === FAILURE_ERRORS.inconclusive) return 'inconclusive';
  if (error === FAILURE_ERRORS.aborted || status === 'ABORTED' || status === 'TIMED_OUT') return 'aborted';
  return 'failed';
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The live line: phase, state, elapsed / planned time, counts so far, the fault and the drain. */
export function formatProgress(view: ExecutionView, now: Date): string {
  const c = view.config;
  const planned = c
    ? ` / ${duration(1000 * ((c.warmupSeconds ?? 0) + c.baselineSeconds + c.outageSeconds + c.recoverySeconds))} planned traffic`
    : '';
  const elapsed = view.startedAt ? duration((view.endedAt ?? now).getTime() - view.startedAt.getTime()) : '0s';
  const { reads, writes } = view.counts;
  const parts = [
    `[${view.phase}] ${view.state ?? ''}`.trimEnd(),
    `${elapsed}${planned}`,
    `reads db=${reads.database} cache=${reads.cache} fail=${reads.failed}`,
    `writes ok=${writes.ok} queued=${writes.queued} stock-out=${writes.stockOut} fail=${writes.failed}`,
  ];
  if (c?.dryRun) parts.push('dry run: no fault');
  if (view.pool?.state === 'CLAMPED')
    parts.push(
      `pool CLAMPED${c ? ` to ${c.brownout.maxConnectionsPercent}% of its connections` : ''} since ${view.pool.at ?? '?'}`,
    );
  else if (view.pool?.state === 'RESTORED') parts.push(`pool restored at ${view.pool.at ?? '?'}`);
  else if (view.cluster?.state === 'FAILING_OVER')
    parts.push(`cluster FAILED OVER at ${view.cluster.at ?? '?'}: waiting for it and the target to be healthy`);
  else if (view.cluster?.state === 'HEALTHY')
    parts.push(`cluster and target healthy again at ${view.cluster.at ?? '?'}`);
  else if (view.target === 'DEREGISTERED')
    parts.push(`target DEREGISTERED: database gone since ${view.deregisteredAt ?? '?'}`);
  else if (view.target === 'REGISTERING')
    parts.push(`target REGISTERING (database gone since ${view.deregisteredAt ?? '?'})`);
  else if (view.availableAt) parts.push(`target AVAILABLE again at ${view.availableAt}`);
  else parts.push('target AVAILABLE');
  if (view.drain) parts.push(`queue ${view.drain.queue} DLQ ${view.drain.dlq}`);
  return parts.join('  ');
}

/** What a log of the live line must show each change of: the phase, the target's state, a brownout's pool, a failover's cluster. */
export function progressMilestone(view: ExecutionView): string {
  return `${view.phase} ${view.target}${view.pool ? ` pool ${view.pool.state}` : ''}${view.cluster ? ` cluster ${view.cluster.state}` : ''}`;
}

/** Execution history holds at most 25,000 events; 100 per page. */
const MAX_HISTORY_PAGES = 250;

/** The events newer than `afterId`, oldest first: pages read newest-first until a seen event. */
export async function fetchNewEvents(sfn: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
    let answer;
    try {
      answer = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: 100,
          nextToken,
          includeExecutionData: true,
        }),
      );
    } catch (error) {
      throw explainAwsError(error, executionArn);
    }
    const events = answer.events ?? [];
    const unseen = events.filter((event) => (event.id ?? 0) > afterId);
    fresh.push(...unseen);
    nextToken = answer.nextToken;
    if (!nextToken || unseen.length < events.length) break;
  }
  return fresh.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

export interface FollowOptions {
  readonly sfn: SFNClient;
  readonly executionArn: string;
  readonly onUpdate?: (view: ExecutionView) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default 1000 */
  readonly minPollMs?: number;
  /** @default 10000 */
  readonly maxPollMs?: number;
  /** @default - enough polls for a run as long as an execution may last (a year of 10 s polls is far more) */
  readonly maxPolls?: number;
}

/** Polls the history until the execution ends: quick while events arrive, backing off while none do. */
export async function followExecution(options: FollowOptions): Promise<ExecutionView> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const minPoll = options.minPollMs ?? 1000;
  const maxPoll = options.maxPollMs ?? 10_000;
  try {
    // Unknown or malformed ARNs are refused here, before any polling.
    await options.sfn.send(new DescribeExecutionCommand({ executionArn: options.executionArn }));
  } catch (error) {
    throw explainAwsError(error, options.executionArn);
  }
  const events: HistoryEvent[] = [];
  let delay = minPoll;
  let view = foldHistory(events);
  const maxPolls = options.maxPolls ?? 1_000_000;
  for (let poll = 0; poll < maxPolls; poll += 1) {
    const lastId = events.length === 0 ? 0 : (events[events.length - 1].id ?? 0);
    const fresh = await fetchNewEvents(options.sfn, options.executionArn, lastId);
    events.push(...fresh);
    view = foldHistory(events);
    options.onUpdate?.(view);
    if (view.status !== 'RUNNING') return view;
    delay = fresh.length > 0 ? minPoll : Math.min(maxPoll, Math.round(delay * 1.5));
    await sleep(delay);
  }
  return view;
}
