// The data every step of a GameDay passes on: run settings and config, the report step's input, the run report.
import type { BrownoutSettings, FaultKind } from './fault-settings';
import type { FaultRecord, HoldRecord, ReportedFault } from './fault-record';
import type { HypothesisTolerances } from './hypothesis-tolerances';
import type { LambdaConcurrencyNeed } from './lambda-concurrency';
import type { ReadCounts, SendLagSummary, TrafficResult, WindowLateness, WriteCounts } from './traffic-contracts';

// The traffic contracts stay importable from here.
export type * from './traffic-contracts';

/** The words of the report's tables for a target's classes (a profile's `labels` over the defaults). */
export interface TargetLabels {
  readonly primary: string;
  readonly degraded: string;
  readonly committed: string;
  readonly deferred: string;
  readonly rejected: string;
  readonly degradedReads: string;
  readonly deferredWrites: string;
  readonly lostWrites: string;
  readonly noDegraded: string;
  readonly noDeferred: string;
}

/** The settings of one run before validation: execution-input overrides merged over the stack's defaults. */
export interface RunSettings {
  /** Traffic before the baseline, counted apart and never judged: it warms the pools and caches the baseline then measures. */
  readonly warmupSeconds: number;
  readonly baselineSeconds: number;
  readonly outageSeconds: number;
  readonly recoverySeconds: number;
  readonly readsPerSecond: number;
  readonly writesPerSecond: number;
  readonly drainTimeoutSeconds: number;
  /** Traffic runs in windows of this length; the stop conditions and the error budget are checked between them. */
  readonly windowSeconds: number;
  /** Traffic functions each window fans out over; null: as many as the rates need. */
  readonly trafficWorkers: number | null;
  /** The share of failed requests in one outage window that ends the hold early; null: off. */
  readonly errorBudgetPercent: number | null;
  /** Accepted writes the proof by lookup checks, a uniform sample above it; null: the profile's `sampleLimit`. */
  readonly verifySample: number | null;
  readonly drainPollSeconds: number;
  readonly drainZeroReadings: number;
  readonly availablePollSeconds: number;
  /** How long to wait for the re-registered target to become AVAILABLE. */
  readonly availableTimeoutSeconds: number;
  /** How the requests arrive: evenly spaced (`uniform`) or as a Poisson process (`poisson`). */
  readonly arrivals: ArrivalMode;
  /** Seed of the Poisson draws, so a run can be replayed; null: drawn per run (the config records it). */
  readonly arrivalSeed: number | null;
  /** The database fault the run injects (`steps/core/fault-settings.ts`): the full outage by default. */
  readonly fault: FaultKind;
  /** How hard `pool-brownout` clamps the proxy's pool; read only by that fault. */
  readonly brownout: BrownoutSettings;
  readonly dryRun: boolean;
}

/** How the requests of a schedule arrive: evenly spaced, or as a Poisson process (exponential gaps). */
export type ArrivalMode = 'uniform' | 'poisson';

/** The settings an execution input may override; the others are the stack's alone. */
type OverridableSetting =
  | 'warmupSeconds'
  | 'baselineSeconds'
  | 'outageSeconds'
  | 'recoverySeconds'
  | 'readsPerSecond'
  | 'writesPerSecond'
  | 'drainTimeoutSeconds'
  | 'windowSeconds'
  | 'trafficWorkers'
  | 'errorBudgetPercent'
  | 'verifySample'
  | 'arrivals'
  | 'arrivalSeed'
  | 'fault'
  | 'dryRun';

/** What an execution input may carry: overrides of the stack's defaults (ValidateInput checks them). */
export type RunOverrides = { -readonly [K in OverridableSetting]?: RunSettings[K] } & {
  /** Any of the brownout's settings; the others keep the stack's. */
  brownout?: Partial<BrownoutSettings>;
  hypothesis?: Partial<HypothesisTolerances>;
  /** Run despite a CLOSED change calendar: a manual run's explicit override. */
  ignoreChangeFreeze?: boolean;
  /** Set by the schedule: the time this start was scheduled for (the allowed window applies to it). */
  scheduledTime?: string;
};

/** The two traffic functions, built from the same code (see `TRAFFIC_SIZES`). */
export type TrafficSize = 'small' | 'large';

/** The validated configuration of one run (the state machine carries it as `$.config`). */
export interface RunConfig extends Pick<
  RunSettings,
  'warmupSeconds' | 'baselineSeconds' | 'outageSeconds' | 'readsPerSecond' | 'writesPerSecond' | 'drainTimeoutSeconds'
> {
  readonly runId: string;
  /** Traffic keeps running this long after the target is AVAILABLE again. */
  readonly recoverySeconds: number;
  /** Length of a traffic window; the last window of a phase is shorter when the phase ends first. */
  readonly windowSeconds: number;
  /** Which traffic function the windows invoke: the small one unless the rates need the large one. */
  readonly trafficSize: TrafficSize;
  /** The chosen function's ARN, for the windows' Lambda invoke; null when the caller named no functions (a check outside the state machine). */
  readonly trafficFunction: string | null;
  /** Traffic functions per window (each carries its share of the rates). */
  readonly trafficWorkers: number;
  /** `[0, 1, ..., trafficWorkers - 1]`: the items each window's Map fans out over. */
  readonly workers: number[];
  /** Failed share of one outage window (percent) above which the hold ends early; null: off. */
  readonly errorBudgetPercent: number | null;
  /** Accepted writes the proof by lookup checks (a uniform sample above it); null: the profile's limit. */
  readonly verifySample: number | null;
  /** Seconds between drain polls, and the number of polls the drain timeout allows. */
  readonly drainPollSeconds: number;
  readonly drainPollIterations: number;
  /** Consecutive all-zero readings of queue and DLQ that count as drained. */
  readonly drainZeroReadings: number;
  /** Seconds between target-health polls after register, and how many are allowed. */
  readonly availablePollSeconds: number;
  readonly availableTimeoutSeconds: number;
  readonly availablePollIterations: number;
  /** true: the fault states are skipped (the report says so). */
  readonly dryRun: boolean;
  /** How the requests arrive, and the seed of the Poisson draws (drawn at validation when the input set none). */
  readonly arrivals: ArrivalMode;
  readonly arrivalSeed: number;
  /** The fault the run injects, and the brownout's clamp (the stack's under the input's, key by key). */
  readonly fault: FaultKind;
  readonly brownout: BrownoutSettings;
  /** What the hypothesis tolerates: the stack's tolerances under the input's. */
  readonly hypothesis: HypothesisTolerances;
  /** The run's need of concurrent Lambda executions, which the preflight checks against the account's. */
  readonly lambdaConcurrency: LambdaConcurrencyNeed;
  /** The input's explicit override of a CLOSED change calendar (a manual run only should set it). */
  readonly ignoreChangeFreeze: boolean;
  /** Why a scheduled start falls outside the stack's allowed window (the preflight then skips it); null: it may run. */
  readonly outsideAllowedWindow: string | null;
}

/** `skipped`: the run was refused before any harm on purpose (a change freeze, the allowed window, the halt lever): not a failure. */
export type Verdict = 'passed' | 'failed' | 'inconclusive' | 'aborted' | 'skipped';

export interface PhaseCounts {
  reads: ReadCounts;
  writes: WriteCounts;
}

/** The parts of the steady-state hypothesis, each a check the run must observe and that must hold. */
export type HypothesisCheckId =
  'trafficAsIntended' | 'steadyState' | 'faultBit' | 'servedDuringOutage' | 'restored' | 'drainedOnce';

/** One bound of a check: its limit (null: no bound set) beside what the run measured (null: not measured). */
export interface HypothesisBound {
  /** The tolerance's name (`maxFailedReadsPercent`, ...) or a fixed rule (`ordersLost`, ...). */
  name: string;
  limit: number | null;
  measured: number | null;
  /** measured <= limit; true when there is no limit; null when a limit is set but nothing was measured. */
  held: boolean | null;
}

/** One part of the hypothesis, with the evidence for it. */
export interface HypothesisCheck {
  id: HypothesisCheckId;
  title: string;
  /** The run saw what this part needs to be judged. */
  observed: boolean;
  /** Observed, and every bound held. */
  held: boolean;
  bounds: HypothesisBound[];
  /** The numbers behind the check. */
  numbers: Record<string, number | boolean | null>;
  /** What was seen, or why it could not be. */
  detail: string;
}

/** The run report: the contract every front end reads (see DESIGN.md). */
export interface RunReport {
  runId: string;
  startedAt: string;
  degradation: boolean | null;
  config: Omit<RunConfig, 'runId'>;
  verdict: Verdict;
  reasons: string[];
  reads: ReadCounts;
  writes: WriteCounts;
  /**
   * `lost`: accepted orders (201/202) never recorded, the shop's broken promise. `failed`: orders
   * answered with an error. `neverCommitted`: every order a customer tried to place that never got
   * recorded: the failed ones without a row plus the lost ones (the seed's "Orders lost"). null: the
   * orders were not verified (a run that ended before its verify step).
   */
  orders: {
    accepted: number;
    committed: number | null;
    rejected: number | null;
    lost: number | null;
    duplicated: number | null;
    failed: number;
    neverCommitted: number | null;
    proof?: WriteProof;
  };
  queue: { remaining: number; dlq: number };
  /**
   * `proxyName`: the proxy whose target the fault removed, so runs against the same target can be
   * compared (absent in reports from before it was recorded). `profile`: the target profile's name;
   * `labels`: the words of its classes (absent: the Chaos Shop's, the seed's words).
   */
  target: { registeredAtEnd: boolean; proxyName?: string | null; profile?: string; labels?: TargetLabels };
  /** Failed requests by template and status or error, across the run (absent in older reports). */
  failures?: Record<string, number>;
  /** The warm-up, counted apart: in no phase, total or check (its writes proven in `orders`); null: none ran. */
  warmUp?: WarmUpFigures | null;
  fault: ReportedFault;
  /** Counts per phase; null: no second of traffic was measured in that phase (a run that ended before it). */
  phases: { baseline: PhaseCounts | null; outage: PhaseCounts | null; recovery: PhaseCounts | null };
  latencyMs: {
    baseline: { p50: number; p99: number };
    outage: { p50: number; p99: number };
    recovery: { p50: number; p99: number };
  };
  timeline: Array<{ t: number; phase: 'baseline' | 'outage' | 'recovery' } & PhaseCounts>;
  /** Register to the first read the database served, the same from AVAILABLE, and AVAILABLE to both queues empty with every queued order recorded. */
  recovery: {
    timeToFirstDatabaseReadMs: number | null;
    timeToFirstDatabaseReadAfterAvailableMs: number | null;
    timeToDrainMs: number | null;
  };
  /**
   * How the traffic ran: workers per window, windows per phase, the worst start lag at a window
   * boundary; how the requests arrived (the seed replays a Poisson run); how late they left against
   * their intended times, per phase and per window.
   */
  traffic: {
    workers: number;
    windows: { baseline: number; experiment: number };
    maxStartLagMs: number;
    arrivals: ArrivalMode;
    arrivalSeed: number;
    sendLagMs: { baseline: SendLagSummary; outage: SendLagSummary; recovery: SendLagSummary };
    lateSendsByWindow: WindowLateness[];
  };
  /** Every part of the hypothesis, and the tolerances it was judged with. */
  hypothesis: { tolerances: HypothesisTolerances; checks: HypothesisCheck[] };
  transitions: number | null;
  /** true: the timeline was left out of this copy to fit the state; the stored report has it whole. */
  timelineOmitted?: boolean;
}

/** The warm-up's traffic, as the report shows it apart from the baseline. */
export interface WarmUpFigures {
  seconds: number;
  windows: number;
  startedAtMs: number;
  endedAtMs: number;
  reads: ReadCounts;
  writes: WriteCounts;
  /** Reads and writes together, from the warm-up's merged histograms. */
  latencyMs: { p50: number; p99: number };
  sendLagMs: SendLagSummary;
}

export type { FaultRecord, HoldRecord, ReportedFault } from './fault-record';

/** Counts of one queue as getQueueAttributes reports them. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** What verify-orders returns. */
export interface OrderVerification {
  /** 201 + 202 answers the traffic saw. */
  accepted: number;
  committed: number;
  /** Orders recorded as rejected (a queued order can be rejected by the worker for stock). */
  rejected: number;
  lost: number;
  duplicated: number;
  /** Rows the recovery worker wrote from the queue; null when the shop does not say. */
  viaQueue: number | null;
  /** When the last of them was written (ISO): the moment the buffer was worked off; null when none was, or the shop does not say. */
  lastViaQueueAt: string | null;
  /** How the writes were proven (absent: by the count per run, as before profiles). */
  proof?: WriteProof;
}

/** How the accepted writes were proven recorded, and how far a sample's result reaches. */
export interface WriteProof {
  method: 'lookup' | 'count' | 'none';
  /** Accepted writes (committed and deferred answers). */
  population: number;
  /** Writes proven: all of them, or a uniform sample. */
  checked: number;
  sampled: boolean;
  /** Checked writes not recorded in their final state (lost, in the sample). */
  missing: number;
  /** Of the missing: recorded, but never in the final state. */
  pending: number;
  duplicated: number;
  /** The confidence of the bound, in percent (95); null without lookups. */
  confidencePercent: number | null;
  /** At that confidence, the share of all accepted writes lost is below this percent; null without lookups. */
  lostUpperBoundPercent: number | null;
  /** A few ids of writes not proven, with why. */
  examples: string[];
  /** Lookup requests sent. */
  lookups: number;
}

/** The input of the report step: the execution state after VerifyOrders. */
export interface ReportInput {
  startedAt: string;
  config: RunConfig;
  /** The warm-up's merged traffic; null or a result of no window: none ran. @default - none */
  warmUp?: TrafficResult | { windows: 0 } | null;
  baseline: TrafficResult;
  experiment: { traffic: TrafficResult; fault: FaultRecord; hold?: HoldRecord };
  /** The table the workers stored their per-second timelines in (windowed runs). */
  timelineTable?: string;
  /** Every window's sends, read with the stored timelines; absent: each phase's timeline counts as one window. */
  windowLateness?: WindowLateness[];
  /** What the fault strikes: the report names it, so a run is compared with earlier runs against the same target; and the profile's name and words. */
  target?: { proxyName: string; profile?: string; labels?: TargetLabels };
  drain: { startedAt: string; endedAt: string; drained: boolean; polls: number; queue: QueueDepth; dlq: QueueDepth };
  orders: OrderVerification;
  /** State-machine transitions so far, when the runner knows them (local runs). */
  transitions?: number | null;
  /** The order queue's redrive settings, so a non-empty DLQ can be explained with numbers. */
  queuePolicy?: { maxReceiveCount: number; visibilityTimeoutSeconds: number } | null;
}

export interface MetricDatumJson {
  MetricName: string;
  Dimensions?: Array<{ Name: string; Value: string }>;
  Timestamp?: string;
  Value: number;
  Unit: 'Count' | 'Milliseconds' | 'Percent' | 'None';
  /** 1: high resolution, so the dashboard can show the 10-second series as they were sent. */
  StorageResolution?: 1 | 60;
}

/** One line of the run log, as PutLogEvents takes it: milliseconds since the epoch, and the JSON line. */
export interface RunLogEventJson {
  Timestamp: number;
  Message: string;
}

/** Where a run's report JSON and HTML were stored (S3 bucket and object keys). */
export interface StoredReport {
  bucket: string;
  jsonKey: string;
  htmlKey: string;
}

/** What the report step returns; PublishMetrics sends `metricData` with one PutMetricData call, PublishRunLog `runLog` with one PutLogEvents call. */
export interface ReportOutput {
  verdict: Verdict;
  reasons: string[];
  report: RunReport;
  metricData: MetricDatumJson[];
  runLog: RunLogEventJson[];
  /** Where the report was stored; `location` is null when it was not, and `note` says why. */
  storage: { location: StoredReport | null; note: string };
}
