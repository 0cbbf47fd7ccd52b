// Step traffic: open-loop reads and writes against the target its profile describes, as one worker's share of one window (or one whole phase).
import type { Context } from 'aws-lambda';
import type { TrafficResult } from '../core/contracts';
import { API_STAGE_THROTTLE, workerThrottle } from '../core/catch-up';
import { runTraffic, type TrafficOptions } from '../core/run-traffic';
import { ARRIVAL_MODES, type ArrivalMode, MAX_ARRIVAL_SEED, NUMERIC_SETTINGS } from '../core/run-settings';
import { deriveSeed } from '../core/seeded-random';
import { nextWindow, workerShare } from '../core/traffic-windows';
import { timelineStoreFor } from '../adapters/dynamodb-timeline-store';
import { createHttpTargetClient } from '../adapters/http-target-client';
import { createStepLogger, logInvocation, runKeysOf } from '../adapters/logger';
import { targetSignerFor } from '../adapters/target-auth';
import { writeIdPrefix } from '../core/write-proof';
import { InputReader } from './input';

const logger = createStepLogger('traffic');

const {
  readsPerSecond: READS,
  writesPerSecond: WRITES,
  trafficWorkers: WORKERS,
  windowSeconds: WINDOW,
} = NUMERIC_SETTINGS;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** One phase in one go: the generator's options (randomness stays the generator's own), and the target to send to. */
export type TrafficEvent = Omit<TrafficOptions, 'random' | 'scheduleStartMs' | 'writeIdPrefix'> & {
  shopUrl: string;
  profile: unknown;
};

/** One worker of one window of a windowed run (a Map iteration); its timeline goes to the store, not into the state. */
export interface TrafficWindowEvent {
  shopUrl: string;
  /** The target profile (the synthesized definition embeds it). */
  profile: unknown;
  runId: string;
  phase: string;
  /** The window's number in its phase, and this worker's number among `workers`. */
  window: number;
  worker: number;
  workers: number;
  /** The run's total rates: this worker sends its share. */
  readsPerSecond: number;
  writesPerSecond: number;
  /** The segment's schedule: where the window starts, how much of the segment has run, how long its windows are. */
  scheduleStartAt: string;
  elapsedSeconds: number;
  targetSeconds: number;
  windowSeconds: number;
  /** The table the timeline is stored in. */
  timelineTable: string;
  /** How the requests arrive, and the run's seed (each window of each worker draws from its own seed derived from it). */
  arrivals: ArrivalMode;
  arrivalSeed: number;
  requestTimeoutMs?: number;
  /** `$$.Execution.Id`, for the logs. */
  executionArn?: string;
}

export async function handler(event: TrafficEvent | TrafficWindowEvent, context?: Context): Promise<TrafficResult> {
  logInvocation(logger, runKeysOf(event), context);
  const result =
    typeof event === 'object' && event !== null && 'window' in event
      ? await windowHandler(event)
      : await phaseHandler(event);
  logger.info('traffic sent', {
    phase: result.phase,
    offered: result.offered,
    reads: result.reads,
    writes: result.writes,
    ordersAccepted: result.ordersAccepted,
    startLagMs: result.startLagMs,
  });
  return result;
}

async function phaseHandler(event: TrafficEvent): Promise<TrafficResult> {
  const input = new InputReader('traffic', event);
  const options = {
    runId: input.string('runId', NAME),
    phase: input.string('phase', /^[A-Za-z0-9_-]{1,32}$/),
    durationSeconds: input.integer('durationSeconds', 1, 3600),
    readsPerSecond: input.integer('readsPerSecond', 0, READS.max),
    writesPerSecond: input.integer('writesPerSecond', 0, WRITES.max),
    requestTimeoutMs: input.optionalInteger('requestTimeoutMs', 100, 60_000),
  };
  const shopUrl = input.url('shopUrl');
  const profile = input.profile('profile');
  input.done();
  return runTraffic(
    options,
    createHttpTargetClient(shopUrl, profile, { timeoutMs: options.requestTimeoutMs, signer: targetSignerFor(shopUrl) }),
  );
}

async function windowHandler(event: TrafficWindowEvent): Promise<TrafficResult> {
  const input = new InputReader('traffic', event);
  const runId = input.string('runId', NAME);
  const phase = input.string('phase', /^[A-Za-z0-9_-]{1,32}$/);
  const window = input.integer('window', 0, 1_000_000);
  const workers = input.integer('workers', WORKERS.min, WORKERS.max);
  const worker = input.integer('worker', 0, WORKERS.max - 1);
  const readsPerSecond = input.integer('readsPerSecond', READS.min, READS.max);
  const writesPerSecond = input.integer('writesPerSecond', WRITES.min, WRITES.max);
  const schedule = {
    scheduleStartAt: input.string('scheduleStartAt'),
    elapsedSeconds: input.integer('elapsedSeconds', 0, 1_000_000),
    targetSeconds: input.integer('targetSeconds', 1, 1_000_000),
    windowSeconds: input.integer('windowSeconds', 1, Math.max(WINDOW.max, NUMERIC_SETTINGS.availablePollSeconds.max)),
  };
  const timelineTable = input.string('timelineTable');
  const arrivals = input.string('arrivals') as ArrivalMode;
  const arrivalSeed = input.integer('arrivalSeed', 0, MAX_ARRIVAL_SEED);
  const requestTimeoutMs = input.optionalInteger('requestTimeoutMs', 100, 60_000);
  const shopUrl = input.url('shopUrl');
  const profile = input.profile('profile');
  if (worker >= workers) input.problem(`worker (${worker}) must be below workers (${workers})`);
  if (!ARRIVAL_MODES.includes(arrivals))
    input.problem(`arrivals must be one of ${ARRIVAL_MODES.join(', ')} (got ${JSON.stringify(arrivals)})`);
  if (Number.isNaN(Date.parse(schedule.scheduleStartAt)))
    input.problem(`scheduleStartAt must be an ISO time (got ${JSON.stringify(schedule.scheduleStartAt)})`);
  input.done();

  const { scheduleStartMs, durationSeconds } = nextWindow(schedule);
  const result = await runTraffic(
    {
      runId,
      phase,
      durationSeconds,
      readsPerSecond: workerShare(readsPerSecond, worker, workers),
      writesPerSecond: workerShare(writesPerSecond, worker, workers),
      scheduleStartMs,
      writeIdPrefix: writeIdPrefix(runId, phase, window, worker),
      // The workers of a window start together: each takes its own point of the gap, so their requests interleave.
      stagger: worker / workers,
      // The window's workers share the stage: each catches up within its share of the rate and the burst.
      throttle: workerThrottle(API_STAGE_THROTTLE, workers),
      arrivals,
      seed: deriveSeed(arrivalSeed, phase, window, worker),
      requestTimeoutMs,
    },
    createHttpTargetClient(shopUrl, profile, { timeoutMs: requestTimeoutMs, signer: targetSignerFor(shopUrl) }),
  );
  // The timeline and the accepted writes go to the store: the state carries aggregates only.
  await timelineStoreFor(timelineTable).put({ runId, phase, window, worker }, result.timeline, result.acceptedWrites);
  return { ...result, timeline: [], acceptedWrites: [] };
}
