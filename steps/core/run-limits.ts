// The limits a run lives under (execution history, state payload, execution timeout), the traffic sizing weighed
// against them, and the rules across settings that keep a run within them.
import type { RunSettings, TrafficSize } from './contracts';
import { MAX_TRAFFIC_WORKERS, NUMERIC_SETTINGS, type NumericSetting, TRAFFIC_SIZES } from './run-settings';

/** Step Functions' execution history limit. */
export const MAX_HISTORY_EVENTS = 25_000;
/** Step Functions' limit on the state passed between states: 256 KiB. */
export const STATE_PAYLOAD_LIMIT_BYTES = 262_144;
/** The longest error cause Step Functions keeps: a Catch adds one to the state it was caught in. */
export const MAX_ERROR_CAUSE_BYTES = 32_768;
/** The most a run's state may reach by the estimate: the limit less the error a Catch may add to it. */
export const MAX_STATE_PAYLOAD_BYTES = STATE_PAYLOAD_LIMIT_BYTES - MAX_ERROR_CAUSE_BYTES;

/**
 * History events of the workflow's pieces, counted on the synthesized definition (a test pins them
 * against it): a Task or Lambda state writes 5 events, a Pass, Choice or Wait 2, a Map 4 plus 2 per
 * iteration around the iteration's own states.
 */
export const HISTORY_EVENTS = Object.freeze({
  /** Everything outside the loops: every such state once, a bound on any path through them. */
  fixed: 280,
  /** One window: the Map (4), per worker the iteration (2) and its Lambda (5), the tally (5) and its Choice (2). */
  windowBase: 11,
  windowPerWorker: 7,
  /** After an outage window: the stop-condition check (5 as a Task, 2 as a Pass). */
  outageCheck: 5,
  /** After a restoring window: the Choice on the fault (2), describe the cluster after a failover (5), describe the target (5). */
  restoringCheck: 12,
  /** One poll of a failover's rollback until the cluster is available: describe (5), count (2), check (2), wait (2). */
  rollbackClusterPoll: 11,
  /** One drain poll: wait (2), two queue reads (10), two Choices (4), a count (2). */
  drainPoll: 18,
});

/** The iteration bounds of the workflow's loops at their worst. */
export interface LoopBounds {
  warmupWindows: number;
  baselineWindows: number;
  outageWindows: number;
  restoringWindows: number;
  recoveryWindows: number;
  drainPollIterations: number;
  availablePollIterations: number;
}

export function deriveLoopBounds(s: Omit<RunSettings, 'dryRun'>): LoopBounds {
  return {
    warmupWindows: Math.ceil(s.warmupSeconds / s.windowSeconds),
    baselineWindows: Math.ceil(s.baselineSeconds / s.windowSeconds),
    outageWindows: Math.ceil(s.outageSeconds / s.windowSeconds),
    restoringWindows: Math.ceil(s.availableTimeoutSeconds / s.availablePollSeconds),
    recoveryWindows: Math.ceil(s.recoverySeconds / s.windowSeconds),
    drainPollIterations: Math.ceil(s.drainTimeoutSeconds / s.drainPollSeconds),
    availablePollIterations: Math.ceil(s.availableTimeoutSeconds / s.availablePollSeconds),
  };
}

/** Every traffic window of a run at its loops' bounds: warm-up, baseline, outage, restoring and recovery. */
export function trafficWindows(loops: LoopBounds): number {
  return (
    loops.warmupWindows + loops.baselineWindows + loops.outageWindows + loops.restoringWindows + loops.recoveryWindows
  );
}

/** The workers of one size that carry these rates. */
export function workersForRates(s: Pick<RunSettings, 'readsPerSecond' | 'writesPerSecond'>, size: TrafficSize): number {
  const { reads, writes } = TRAFFIC_SIZES[size].perWorker;
  return Math.max(1, Math.ceil(s.readsPerSecond / reads), Math.ceil(s.writesPerSecond / writes));
}

/**
 * The traffic function a run invokes: the small one when {@link MAX_TRAFFIC_WORKERS} of it carry the
 * rates and a run with that many workers stays under the history limit, else the large one. An
 * explicit `trafficWorkers` does not change the choice: it is checked against the chosen size.
 */
export function chooseTrafficSize(s: Omit<RunSettings, 'dryRun'>): TrafficSize {
  const workers = workersForRates(s, 'small');
  const fits =
    workers <= MAX_TRAFFIC_WORKERS && worstCaseHistoryEvents({ ...s, trafficWorkers: workers }) <= MAX_HISTORY_EVENTS;
  return fits ? 'small' : 'large';
}

/** The workers a run uses: as set, or as many of the chosen size as its rates need. */
export function resolveTrafficWorkers(s: Omit<RunSettings, 'dryRun'>, size?: TrafficSize): number {
  return s.trafficWorkers ?? workersForRates(s, size ?? chooseTrafficSize(s));
}

/** The worst-case execution history of a run with these settings, every loop at its bound. */
export function worstCaseHistoryEvents(s: Omit<RunSettings, 'dryRun'>): number {
  const loops = deriveLoopBounds(s);
  const window = HISTORY_EVENTS.windowBase + HISTORY_EVENTS.windowPerWorker * resolveTrafficWorkers(s);
  const windows = trafficWindows(loops);
  return (
    HISTORY_EVENTS.fixed +
    windows * window +
    loops.outageWindows * HISTORY_EVENTS.outageCheck +
    loops.restoringWindows * HISTORY_EVENTS.restoringCheck +
    loops.availablePollIterations * HISTORY_EVENTS.rollbackClusterPoll +
    loops.drainPollIterations * HISTORY_EVENTS.drainPoll
  );
}

/** The longest a run with these settings can last, every wait at its bound, window overheads included. */
export function longestRunSeconds(s: RunSettings): number {
  const loops = deriveLoopBounds(s);
  const windows = trafficWindows(loops);
  // A window costs its traffic, the stragglers' wait (5 s at most) and a few seconds of invocations.
  return (
    s.warmupSeconds +
    s.baselineSeconds +
    s.outageSeconds +
    s.recoverySeconds +
    s.drainTimeoutSeconds +
    // The restoring windows' wait, and a failover's rollback that waits as long again for the cluster.
    2 * s.availableTimeoutSeconds +
    windows * WINDOW_OVERHEAD_SECONDS +
    120
  );
}

/**
 * An upper bound of the longest run any accepted input can make with these stack defaults: every
 * overridable duration at its maximum, and as many windows as the history limit allows. The state
 * machine's default execution timeout is derived from it, so no accepted run can outlast it.
 */
export function longestAcceptedRunSeconds(defaults: RunSettings): number {
  const overridableMax = (key: NumericSetting): number =>
    NUMERIC_SETTINGS[key].overridable ? NUMERIC_SETTINGS[key].max : (defaults[key] as number);
  const windows = Math.floor(MAX_HISTORY_EVENTS / (HISTORY_EVENTS.windowBase + HISTORY_EVENTS.windowPerWorker));
  return (
    overridableMax('warmupSeconds') +
    overridableMax('baselineSeconds') +
    overridableMax('outageSeconds') +
    overridableMax('recoverySeconds') +
    overridableMax('drainTimeoutSeconds') +
    2 * defaults.availableTimeoutSeconds +
    windows * WINDOW_OVERHEAD_SECONDS +
    120
  );
}

/** What one window adds to its traffic at most: the straggler wait and the Map, Lambda and tally invocations. */
export const WINDOW_OVERHEAD_SECONDS = 10;

/**
 * What the parts of a run's state weigh at most (or, for a timeline second, at least), in bytes of JSON;
 * `test/steps/core/state-payload.test.ts` builds runs at their worst with the real steps and checks each bound
 * against what they produce.
 */
export const STATE_PAYLOAD_BOUNDS = Object.freeze({
  /** The config, the preflight's readings, the warm-up's and both phases' merged traffic, the last tally, the fault, drain and orders. */
  base: 24_000,
  /** One worker's window result in the Map's output: its counts, three compressed histograms, 24 failure names. */
  perWorkerResult: 5_000,
  /** The report BuildReport leaves in the state whole; past this its timeline is left out (the stored report keeps it). */
  reportInState: 100_000,
  /** The report without its timeline and its windows: config, counts, checks and their reasons, failures. */
  reportFixed: 14_000,
  /** One window's line in the report's lateness by window: every window of the run has one, in the state too. */
  reportPerWindow: 120,
  /** The least one second of the report's timeline weighs: a run of more seconds than fit cannot keep it in the state. */
  timelineSecondAtLeast: 120,
  /** Beside the report and the run log: the verdict, its reasons, the metric data and where the report went. */
  resultBesideReport: 3_000,
  /**
   * Copies of the names of the stop-condition alarms that ended a hold: in the branch's state beside a window's
   * results, and at BuildReport in the run's hold, the report's fault, and the reasons of both report and result.
   */
  stopConditionNamesInWindow: 1,
  stopConditionNamesInReport: 4,
  /** One slot line of the run log in the state (a 64-character run id, every count at its largest), and the summary line. */
  runLogSlotLine: 360,
  runLogSummaryLine: 1_000,
});

/**
 * Run log lines a run carries at most (and its summary line): a longer run's slots are widened past
 * this, so the lines stay within the state's payload beside the report. 300 slots of 10 s hold 50
 * minutes of traffic at the dashboard's 10-second resolution.
 */
export const MAX_RUN_LOG_SLOTS = 300;

/** The characters a failure's name keeps (its kind, template and status or error), so a worker's result stays bounded. */
export const MAX_FAILURE_NAME_CHARS = 64;

/** The seconds a run's traffic may span: baseline, outage, restoring windows until the available timeout, recovery. */
export function trafficSpanSeconds(s: RunSettings): number {
  return s.baselineSeconds + s.outageSeconds + s.availableTimeoutSeconds + s.recoverySeconds;
}

/** The traffic windows the report has a line for at most: every judged loop at its bound (the warm-up's windows have none). */
export function worstCaseWindows(s: Omit<RunSettings, 'dryRun'>): number {
  const loops = deriveLoopBounds(s);
  return loops.baselineWindows + loops.outageWindows + loops.restoringWindows + loops.recoveryWindows;
}

/**
 * The report BuildReport leaves in the state, at most: whole while it fits {@link STATE_PAYLOAD_BOUNDS}'
 * `reportInState`, else without its timeline; its lateness by window stays either way, a line a window.
 */
export function reportInStateBytes(s: RunSettings): number {
  const b = STATE_PAYLOAD_BOUNDS;
  const withoutTimeline = b.reportFixed + worstCaseWindows(s) * b.reportPerWindow;
  const timelineCannotFit = trafficSpanSeconds(s) * b.timelineSecondAtLeast > b.reportInState;
  return timelineCannotFit ? withoutTimeline : Math.max(b.reportInState, withoutTimeline);
}

/**
 * The largest state a run can carry, at its two peaks: a window's Map output (one result per worker,
 * before the tally merges them) and BuildReport's output (the report, its reasons and metric data, and
 * the run log lines). Timelines never ride in the state: the workers store them for the report step.
 */
export function estimateStatePayloadBytes(s: RunSettings, stopConditionNamesBytes = 0): number {
  const b = STATE_PAYLOAD_BOUNDS;
  const windowPeak =
    b.base + resolveTrafficWorkers(s) * b.perWorkerResult + b.stopConditionNamesInWindow * stopConditionNamesBytes;
  const slotLines = Math.min(MAX_RUN_LOG_SLOTS, Math.ceil(trafficSpanSeconds(s) / 10) + 1);
  const reportPeak =
    b.base +
    reportInStateBytes(s) +
    b.resultBesideReport +
    slotLines * b.runLogSlotLine +
    b.runLogSummaryLine +
    b.stopConditionNamesInReport * stopConditionNamesBytes;
  return Math.max(windowPeak, reportPeak);
}

/** A run that could outlast the execution timeout would end TIMED_OUT without a verdict: refused. */
export function checkExecutionTimeout(s: RunSettings, executionTimeoutSeconds: number): string[] {
  const longest = longestRunSeconds(s);
  if (longest < executionTimeoutSeconds) return [];
  return [
    `the run could last ${longest} s (warm-up + baseline + outage + recovery + drain timeout + available timeout + ${WINDOW_OVERHEAD_SECONDS} s a window), ` +
      `not less than the state machine's execution timeout of ${executionTimeoutSeconds} s: it could end TIMED_OUT without a verdict; shorten the durations or raise executionTimeoutMinutes`,
  ];
}

/** The rules across settings and the limits the workflow lives under; `prefix` as for `checkSettingValues`. */
export function checkSettingRules(
  s: RunSettings,
  prefix = '',
  limits: { executionTimeoutSeconds?: number; stopConditionNamesBytes?: number } = {},
): string[] {
  const problems: string[] = [];
  const loops = deriveLoopBounds(s);
  const size = chooseTrafficSize(s);
  const workers = resolveTrafficWorkers(s, size);
  const perWorker = TRAFFIC_SIZES[size].perWorker;
  if (workers * perWorker.reads < s.readsPerSecond || workers * perWorker.writes < s.writesPerSecond) {
    problems.push(
      `${prefix}trafficWorkers (${workers}) cannot carry ${s.readsPerSecond} reads + ${s.writesPerSecond} writes per second: one ${size} traffic function ` +
        `(${TRAFFIC_SIZES[size].memoryMb} MB, the size these rates pick) sends at most ${perWorker.reads} reads + ${perWorker.writes} writes per second; ` +
        `use at least ${workersForRates(s, size)} workers`,
    );
  }
  const history = worstCaseHistoryEvents(s);
  if (history > MAX_HISTORY_EVENTS) {
    problems.push(
      `the run could write ${history} execution history events at worst (${trafficWindows(loops)} traffic windows of ${workers} workers, ` +
        `${loops.drainPollIterations} drain polls), more than Step Functions' ${MAX_HISTORY_EVENTS.toLocaleString('en-US')}-event history limit; ` +
        'lengthen the windows or the poll intervals, use fewer workers, or shorten the durations',
    );
  }
  if (s.drainZeroReadings > loops.drainPollIterations) {
    problems.push(
      `${prefix}drainZeroReadings (${s.drainZeroReadings}) exceeds the ${loops.drainPollIterations} drain polls the drain timeout allows: the queues could never count as drained`,
    );
  }
  const payload = estimateStatePayloadBytes(s, limits.stopConditionNamesBytes);
  if (payload > MAX_STATE_PAYLOAD_BYTES) {
    problems.push(
      `the run's state could grow to about ${Math.round(payload / 1000)} KB (the window results of ${workers} worker${workers === 1 ? '' : 's'}, or the report of ${worstCaseWindows(s)} traffic windows${limits.stopConditionNamesBytes ? ` and the names of the stop-condition alarms that ended its hold` : ''}), ` +
        `more than the ${Math.round(MAX_STATE_PAYLOAD_BYTES / 1000)} KB that keeps it under Step Functions' ${STATE_PAYLOAD_LIMIT_BYTES / 1024} KiB state payload limit ` +
        `with room for a caught error (States.DataLimitExceeded, which no Catch handles); use fewer workers, or fewer, longer windows`,
    );
  }
  if (limits.executionTimeoutSeconds !== undefined)
    problems.push(...checkExecutionTimeout(s, limits.executionTimeoutSeconds));
  return problems;
}
