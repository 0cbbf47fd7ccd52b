// Benchmark section: the traffic functions' memory, derived from one worker's measured CPU per request and the rate each size must hold.
import { median } from './stats';

/** Lambda allocates CPU in proportion to memory: one full vCPU at this size (AWS Lambda docs, 2026-11). */
export const MB_PER_VCPU = 1769;

/** The share of its CPU a worker may use and still send on schedule (within 1 %): the rest absorbs bursts and GC. */
export const MAX_CPU_SHARE = 0.5;

/** Lambda's smallest memory size. */
const MIN_MEMORY_MB = 128;
/** Sizes are rounded up to this step. */
const MEMORY_STEP_MB = 64;

/**
 * The memory whose CPU holds `rps` when each request costs `cpuMicrosPerRequest`, busy at most
 * {@link MAX_CPU_SHARE} of the time, rounded up to a {@link MEMORY_STEP_MB} MB step.
 */
export function memoryForRate(rps: number, cpuMicrosPerRequest: number): number {
  if (!(rps > 0) || !(cpuMicrosPerRequest > 0))
    throw new RangeError(
      `a rate and a CPU cost per request must be positive (got ${rps}/s, ${cpuMicrosPerRequest} us)`,
    );
  const vcpu = (rps * cpuMicrosPerRequest) / 1e6 / MAX_CPU_SHARE;
  return Math.max(MIN_MEMORY_MB, Math.ceil((vcpu * MB_PER_VCPU) / MEMORY_STEP_MB) * MEMORY_STEP_MB);
}

export interface TrafficSizingTrial {
  offeredRps: number;
  achievedRps: number;
  errorPercent: number;
  cpuMicrosPerRequest: number | null;
}

/** One traffic function size against the measured CPU per request. */
export interface TrafficSizeVerdict {
  size: string;
  /** The rate one worker of this size must hold (its per-worker reads + writes). */
  perWorkerRps: number;
  /** What the measurement asks for; null when CPU could not be read. */
  neededMemoryMb: number | null;
  /** What the stack configures. */
  configuredMemoryMb: number;
  /** true when the configured memory is at least what the measurement asks for. */
  holds: boolean | null;
}

export interface TrafficSizing {
  /** The rate the trials offered one worker process (the lab's limit keeps it below the large size's rate: CPU per request falls as the rate rises, so this errs large). */
  trialRps: number;
  trials: TrafficSizingTrial[];
  /** Median of the trials. */
  cpuMicrosPerRequest: number | null;
  /** Each size the stack configures, with the memory the measurement asks for at its rate. */
  sizes: TrafficSizeVerdict[];
  note: string;
}

/** The sizing verdict from the trials of one worker process, for each configured size (`size`, its per-worker rate, its memory). */
export function trafficSizing(
  trials: readonly TrafficSizingTrial[],
  sizes: ReadonlyArray<{ size: string; perWorkerRps: number; configuredMemoryMb: number }>,
  trialRps: number,
): TrafficSizing {
  const cpuMicrosPerRequest = median(trials.map((t) => t.cpuMicrosPerRequest).filter((v): v is number => v !== null));
  return {
    trialRps,
    trials: [...trials],
    cpuMicrosPerRequest,
    sizes: sizes.map(({ size, perWorkerRps, configuredMemoryMb }) => {
      const neededMemoryMb = cpuMicrosPerRequest === null ? null : memoryForRate(perWorkerRps, cpuMicrosPerRequest);
      return {
        size,
        perWorkerRps,
        neededMemoryMb,
        configuredMemoryMb,
        holds: neededMemoryMb === null ? null : configuredMemoryMb >= neededMemoryMb,
      };
    }),
    note:
      `derived, not measured on Lambda: memory = rate x CPU per request / ${MAX_CPU_SHARE} busy share x ${MB_PER_VCPU} MB per vCPU, ` +
      'the CPU per request (user + system, from /proc) of one worker process on this machine; a Lambda vCPU (arm64) may be slower than a core here',
  };
}
