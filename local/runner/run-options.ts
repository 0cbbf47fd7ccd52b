// What a local run takes and gives: its options, its progress and result, and the run between prepare, observe and settle.
import type { StateMachine } from 'aws-local-stepfunctions';
import type { RunConfig, RunOverrides, RunReport, Verdict } from '../../steps/core/contracts';
import type { RunWindow } from '../../steps/core/run-window';
import type { TargetProfile } from '../../steps/core/target-profile';
import type { Lab, LabOptions } from '../lab/lab';
import type { LiveCounts } from '../lab/traffic-counter';
import type { HaltLever } from './halt-watch';
import type { localGameDayConfig } from './local-config';
import type { SafetyNetOutcome } from './local-safety-net';
import type { RunRecorder } from './run-records';
import type { LocalTaskHandler, StepHandler, TaskTargets } from './task-dispatcher';

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface Progress {
  phase: string;
  state: string;
  elapsedMs: number;
  plannedMs: number;
  transitions: number;
  target: string;
  /** The shop's answers so far in this run, as the lab saw them leave. */
  counts: LiveCounts;
}

export interface LocalRunOptions {
  /** The lab to run against; one is started (and stopped afterwards) when absent. */
  readonly lab?: Lab;
  /** @default - the local lab defaults (short breaker timeout and registration delay) */
  readonly labOptions?: LabOptions;
  /** Execution input. May be anything: the state machine validates it. */
  readonly input?: RunOverrides | Record<string, unknown>;
  /** @default - a name derived from the start time */
  readonly executionName?: string;
  /** Aborts the execution (like StopExecution); the safety net restores the target. */
  readonly signal?: AbortSignal;
  /** Overrides the definition's execution timeout (to exercise TIMED_OUT). */
  readonly timeoutSeconds?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Fault injection: called before every Task; may throw a TaskError. */
  readonly beforeTask?: TaskTargets['beforeTask'];
  /** Replaces step handlers (fault injection in tests). */
  readonly stepOverrides?: Record<string, StepHandler>;
  /** Replaces whole Task states by name (fault injection: a fault that does nothing, a slow target). */
  readonly taskOverrides?: Record<string, LocalTaskHandler>;
  /** The safety net as deployed: fires on ABORTED / TIMED_OUT / FAILED. @default true */
  readonly safetyNet?: boolean;
  /**
   * Fault injection: called before the safety net runs; a throw is a failed safety-net invocation,
   * which leaves the target to the reconciler (`runLocalReconciler`).
   * @default - none
   */
  readonly safetyNetFault?: () => void | Promise<void>;
  /**
   * Processes the traffic step runs in, one per worker of a traffic window (Map iteration `i` runs
   * in process `i % trafficWorkers`); none are started when `stepOverrides` replaces the traffic step.
   * @default - the workers the run's input resolves to (1 when the input is refused)
   */
  readonly trafficWorkers?: number;
  /** Where the synthesized template is cached. @default - `.gameday/cache` in the project */
  readonly synthCacheDir?: string;
  /**
   * The target's profile: the state machine is synthesized with it (the traffic and verify steps send
   * its requests). With your own service, `labOptions.service` names the same profile.
   * @default - the Chaos Shop's
   */
  readonly profile?: TargetProfile;
  /**
   * The lab's halt lever: the gate reads its flag, a flag set during the run stops it (as
   * `gameday halt` stops an execution), and the run is marked in progress there meanwhile.
   * @default - none: nothing outside the process halts the run
   */
  readonly haltLever?: HaltLever;
  /** The schedule's allowed window the state machine is synthesized with (a scheduled start outside it is skipped). @default null */
  readonly allowedWindow?: RunWindow | null;
}

export interface LocalRunResult {
  executionName: string;
  status: ExecutionStatus;
  error: { Error: string; Cause: string } | null;
  verdict: Verdict;
  report: RunReport;
  safetyNet: SafetyNetOutcome | null;
  /** Why the safety-net invocation failed, when it did. */
  safetyNetError?: string;
  transitions: number;
  wallMs: number;
  /** From the deregistration to the Chaos Shop's breaker opening; null without a breaker or a fault. */
  breakerOpenedAfterMs: number | null;
}

/** A run made ready: the synthesized definition, its task handlers against the lab, the execution started. */
export interface PreparedRun {
  readonly started: number;
  readonly executionName: string;
  readonly executionArn: string;
  readonly profile: TargetProfile;
  readonly config: ReturnType<typeof localGameDayConfig>;
  readonly execution: ReturnType<StateMachine['run']>;
  /** The tasks still running (a stopped execution does not stop a Lambda already running). */
  readonly inFlight: Set<Promise<unknown>>;
  readonly records: RunRecorder;
  /** Transitions counted so far: the report step reads the count through the handlers. */
  readonly counter: { transitions: number };
  /** The halt the run started under (the gate skips it), or null. */
  readonly haltedAtStart: string | null;
}

/** What the runner saw while the execution ran. */
export interface ObservedRun {
  readonly status: ExecutionStatus;
  readonly error: LocalRunResult['error'];
  readonly skippedReason: string | null;
  readonly runConfig: RunConfig | null;
  readonly reportFromStep: RunReport | null;
}
