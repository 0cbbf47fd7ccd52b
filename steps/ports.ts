// The interfaces the steps' core logic needs from the outside world: the target, the proxy, the lock, executions.
import type { AcceptedWriteSet, ReadClass, TimelineBucket, WriteClass } from './core/contracts';
import type { PoolConfig } from './core/pool-config';
import type { TemplateValues } from './core/request-template';

export type { PoolConfig } from './core/pool-config';

/** What a read or a write got back: the class its answer fell in, the template it was sent from, and the status. */
export interface ClassifiedAnswer<C extends string> {
  readonly outcome: C;
  /** The name of the profile's request template. */
  readonly request: string;
  readonly status: number;
}

/** What one lookup of an accepted write found. */
export type LookupOutcome =
  /** Recorded, in its final state; `copies` is how many records the id has (1 unless the target says). */
  | { readonly state: 'recorded'; readonly copies: number }
  /** Recorded, but not yet in the final state the profile names. */
  | { readonly state: 'pending' }
  | { readonly state: 'missing' }
  /** An answer the profile names neither recorded nor missing. */
  | { readonly state: 'unexpected'; readonly status: number };

/** A request to the target failed without an answer (a timeout, a refused connection, a reset): named for the report. */
export class TargetRequestFailed extends Error {
  override readonly name = 'TargetRequestFailed';

  constructor(
    /** The profile's name of the request template. */
    readonly request: string,
    /** `timeout`, `connection refused`, `connection reset`, ... */
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${request}: ${reason}`, { cause });
  }
}

/** The target as its profile describes it, as the traffic generator and the write proof see it. */
export interface TargetClient {
  /** The target's health: a 2xx answer is healthy; `degradation` is the build it names, null when it cannot say. */
  health(): Promise<{ healthy: boolean; degradation: boolean | null }>;
  /**
   * One read, from a template picked by weight, classified by the profile's rules. The client times
   * every request out itself; `signal` aborts one earlier. Rejects with {@link TargetRequestFailed}.
   */
  read(values: TemplateValues, signal?: AbortSignal): Promise<ClassifiedAnswer<ReadClass>>;
  /** One write (its `writeId` in `values`), classified by the profile's rules. */
  write(values: TemplateValues, signal?: AbortSignal): Promise<ClassifiedAnswer<WriteClass>>;
  /** The profile's count per run: the rows the target recorded under a run. */
  recordedCounts(runId: string): Promise<RunOrderRows>;
  /** The profile's lookup of one write by its id. */
  lookup(runId: string, writeId: string, signal?: AbortSignal): Promise<LookupOutcome>;
}

/** The rows a target recorded under one run (the count proof). */
export interface RunOrderRows {
  committed: number;
  rejected: number;
  /** Rows the recovery worker wrote from the queue, and when it wrote the last one (ISO). A shop that
   * does not say leaves them out, and the drain time is then not measured. */
  viaQueue?: number;
  lastViaQueueAt?: string | null;
}

/** One request to the target, as a signer sees it before it is sent. */
export interface TargetRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body that will be sent, if any. */
  readonly body?: string;
}

/**
 * How the requests to the target prove who sends them: SigV4 for a target behind IAM authorization, a header
 * from a secret for one behind an API key. Returns the headers to send; built once, used per request.
 */
export interface TargetRequestSigner {
  sign(request: TargetRequest): Promise<Record<string, string>>;
}

/** Health of the proxy's target as DescribeDBProxyTargets reports it; DEREGISTERED: no target at all. */
export type ProxyTargetState = 'AVAILABLE' | 'REGISTERING' | 'UNAVAILABLE' | 'UNUSED' | 'DEREGISTERED';

/** The database target behind the RDS Proxy. */
export interface ProxyTargetPort {
  describe(): Promise<ProxyTargetState>;
  /** Idempotent: registering a registered target succeeds. */
  register(): Promise<void>;
}

/** The proxy's target group: its connection pool settings. */
export interface ProxyTargetGroupPort {
  poolConfig(): Promise<PoolConfig>;
  /** Writes every member of `config`; writing the current values changes nothing. */
  setPoolConfig(config: PoolConfig): Promise<void>;
}

/** What the lock item says about the run holding it: which fault it injects, and what it saved first. */
export interface LockRecord {
  readonly executionArn: string;
  /** The run's fault; a lock taken before faults were named is a deregister's. */
  readonly fault: string;
  /** The target group's pool config as the run found it (a pool brownout's durable save); null: none saved. */
  readonly savedPool: PoolConfig | null;
}

/** The one lock shared by scheduled and manual runs. */
export interface LockPort {
  /** The execution ARN holding the lock, or null when free. */
  holder(): Promise<string | null>;
  /** The lock item as the holder wrote it, or null when free. */
  record(): Promise<LockRecord | null>;
  /** Releases the lock only if `executionArn` holds it; false when it did not. */
  release(executionArn: string): Promise<boolean>;
}

/** Executions of the GameDay state machine. */
export interface ExecutionsPort {
  isRunning(executionArn: string): Promise<boolean>;
  /** Throws {@link ExecutionAlreadyExists} when an execution of that name already ran. */
  start(name: string, input: Record<string, unknown>): Promise<{ executionArn: string; duplicate: boolean }>;
}

/** An execution with that name exists already (names are unique for 90 days). */
export class ExecutionAlreadyExists extends Error {
  override readonly name = 'ExecutionAlreadyExists';

  constructor(readonly executionArn: string) {
    super(`an execution named after ${executionArn} already exists`);
  }
}

/** Time as the traffic generator and the retry loops see it, so tests can drive it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds (at once when `ms` <= 0), or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Where the workers of a windowed run keep their per-second timelines for the report step (they never ride in the state). */
export interface TimelineStore {
  /** Stores one worker's timeline of one window, and which of its writes were accepted. */
  put(
    key: TimelineKey,
    buckets: readonly TimelineBucket[],
    acceptedWrites?: readonly AcceptedWriteSet[],
  ): Promise<void>;
  /** The timelines of the given windows and workers; a missing one is an error (a report must not quietly lose seconds). */
  getMany(keys: readonly TimelineKey[]): Promise<TimelineBucket[][]>;
  /** The accepted writes of the given windows and workers; a missing one is an error (the proof must not quietly skip writes). */
  getAcceptedWrites(keys: readonly TimelineKey[]): Promise<AcceptedWriteSet[]>;
}

/** One worker's timeline of one window of one phase of a run. */
export interface TimelineKey {
  runId: string;
  phase: string;
  window: number;
  worker: number;
}
