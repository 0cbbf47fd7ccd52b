// A writer failover as the clients saw it: how long writes failed or were deferred, and when the primary read again.
import type { ReadCounts, WriteCounts } from './traffic-contracts';

/** One second of the run's traffic, as the timeline keeps it (counted by the second each request was scheduled in). */
export interface CountedSecond {
  /** Epoch milliseconds at the start of the second. */
  readonly t: number;
  readonly reads: ReadCounts;
  readonly writes: WriteCounts;
}

export interface ClientFailoverWindow {
  /**
   * From the start of the first second at or after the failover whose writes failed or were deferred,
   * to the end of the last such second; 0 when no write was affected. A second's resolution: the
   * timeline's.
   */
  readonly writesAffectedMs: number;
  /** Epoch milliseconds of that window's start and end; null when no write was affected. */
  readonly writesAffectedFromMs: number | null;
  readonly writesAffectedUntilMs: number | null;
  /** Writes failed and deferred inside the window, and failed outside it (after the failover began). */
  readonly writesFailedInside: number;
  readonly writesDeferredInside: number;
  readonly writesFailedOutside: number;
  /** Reads failed outside the window (after the failover began): a read inside it may fail, one after it may not. */
  readonly readsFailedOutside: number;
  /**
   * From the failover to the start of the first second after the reads' disruption whose reads the
   * primary served (the first second at or after the failover, when no read was disrupted); null
   * when the primary never served a read again.
   */
  readonly timeToFirstPrimaryReadMs: number | null;
}

const SECOND_MS = 1000;

/**
 * The failover window as the traffic saw it, from the seconds at or after `failoverAtMs` (the
 * second the failover began in included). Writes count as affected when they failed or were
 * deferred; a failure after `toleranceMs` past the failover's end (`failoverEndedAtMs`) counts as
 * outside the window, the hypothesis' "failures only inside the failover window".
 */
export function clientFailoverWindow(
  seconds: readonly CountedSecond[],
  failover: { readonly atMs: number; readonly endedAtMs: number | null; readonly toleranceMs: number },
): ClientFailoverWindow {
  const after = [...seconds].filter((s) => s.t + SECOND_MS > failover.atMs).sort((a, b) => a.t - b.t);
  const affected = after.filter((s) => s.writes.failed + s.writes.queued > 0);
  const bound = failover.endedAtMs === null ? null : failover.endedAtMs + failover.toleranceMs;
  const outside = (s: CountedSecond) => bound === null || s.t >= bound;
  const inside = affected.filter((s) => !outside(s));
  const from = affected[0]?.t ?? null;
  const until = affected.length > 0 ? affected[affected.length - 1].t + SECOND_MS : null;
  const disrupted = after.findIndex((s) => s.reads.cache + s.reads.failed > 0);
  const lastDisrupted = disrupted === -1 ? -1 : findLastIndex(after, (s) => s.reads.cache + s.reads.failed > 0);
  const primary = after.slice(lastDisrupted + 1).find((s) => s.reads.database > 0);
  return {
    writesAffectedMs: from === null || until === null ? 0 : until - from,
    writesAffectedFromMs: from,
    writesAffectedUntilMs: until,
    writesFailedInside: sum(inside, (s) => s.writes.failed),
    writesDeferredInside: sum(inside, (s) => s.writes.queued),
    writesFailedOutside: sum(
      after.filter((s) => outside(s)),
      (s) => s.writes.failed,
    ),
    readsFailedOutside: sum(
      after.filter((s) => outside(s)),
      (s) => s.reads.failed,
    ),
    timeToFirstPrimaryReadMs: primary ? Math.max(0, primary.t - failover.atMs) : null,
  };
}

function sum(seconds: readonly CountedSecond[], count: (s: CountedSecond) => number): number {
  return seconds.reduce((total, s) => total + count(s), 0);
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
