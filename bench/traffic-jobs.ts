// The messages between the benchmark and its traffic child process.
import type { TrafficResult } from '../steps/core/contracts';

/** What the benchmark asks either tool to send. */
interface JobShape {
  shopUrl: string;
  runId: string;
  durationSeconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
  /** Seconds the tool runs at the same rates, unmeasured, before the measured run (0: none). */
  warmUpSeconds: number;
}

export interface OursJob extends JobShape {
  tool: 'ours';
}

export interface AutocannonJob extends JobShape {
  tool: 'autocannon';
}

/** The paced floor (`bench/paced-floor.ts`): our schedule and sleeps, and nothing else a generator does. */
export interface FloorJob extends JobShape {
  tool: 'floor';
}

export type TrafficJob = OursJob | AutocannonJob | FloorJob;

export interface OursOutcome {
  tool: 'ours';
  traffic: TrafficResult;
  /** Requests handed to the HTTP client, and the span between the first and the last of them. */
  sent: number;
  sendSpanMs: number;
  /** CPU time of the child (user + system) from the first send to the last answer. */
  cpuMicros: number;
}

export interface AutocannonOutcome {
  tool: 'autocannon';
  durationSeconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  cpuMicros: number;
}

export interface FloorOutcome {
  tool: 'floor';
  sent: number;
  answered: number;
  cpuMicros: number;
}

export type TrafficOutcome = OursOutcome | AutocannonOutcome | FloorOutcome;

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'started'; atMs: number }
  | { type: 'done'; outcome: TrafficOutcome }
  | { type: 'failed'; message: string };
