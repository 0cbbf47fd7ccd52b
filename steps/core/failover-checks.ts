// The writer failover's own evidence in the hypothesis: failures only inside the failover window, no order lost.
import type { HypothesisBound, ReportInput } from './contracts';
import { type ClientFailoverWindow, clientFailoverWindow } from './failover-window';
import { WRITER_FAILOVER } from './fault-settings';

/** True when the run's fault was the writer failover. */
export function isFailover(input: Pick<ReportInput, 'config'>): boolean {
  return input.config.fault === WRITER_FAILOVER;
}

/**
 * The failover window as the clients saw it, from the run's seconds after the failover began; null when no
 * failover was recorded. The window the hypothesis allows runs `maxFailoverSeconds` from the failover's start.
 */
export function failoverFigures(input: ReportInput): ClientFailoverWindow | null {
  const at = input.experiment.fault.deregisteredAt;
  if (!isFailover(input) || at === null || input.config.dryRun || input.experiment.fault.dryRun) return null;
  const atMs = Date.parse(at);
  if (Number.isNaN(atMs)) return null;
  const seconds = [...(input.baseline.timeline ?? []), ...(input.experiment.traffic.timeline ?? [])];
  return clientFailoverWindow(seconds, {
    atMs,
    endedAtMs: atMs,
    toleranceMs: input.config.hypothesis.maxFailoverSeconds * 1000,
  });
}

/** The failover in the detail of the fault part (observed once it was recorded, however much the clients felt it). */
export function failoverDetail(heldSeconds: number | null, answeredWithoutDatabase: number): string {
  return (
    `the cluster's writer failed over` +
    `${heldSeconds === null ? '' : `; after the hold the run found the cluster and the proxy target healthy, ${heldSeconds} s after the failover`}; ` +
    `${answeredWithoutDatabase} requests of the failover answered without the database`
  );
}

/**
 * The failover's bounds, in place of the failed shares of the outage and the recovery: the writes' window as the
 * clients saw it fits in `maxFailoverSeconds`, and no request failed after it.
 */
export function failoverBounds(input: ReportInput, figures: ClientFailoverWindow | null): HypothesisBound[] {
  const limit = input.config.hypothesis.maxFailoverSeconds;
  const affected = figures === null ? null : figures.writesAffectedMs / 1000;
  const outside = figures === null ? null : figures.writesFailedOutside + figures.readsFailedOutside;
  return [
    { name: 'maxFailoverSeconds', limit, measured: affected, held: affected === null ? null : affected <= limit },
    { name: 'failuresAfterFailoverWindow', limit: 0, measured: outside, held: outside === null ? null : outside === 0 },
  ];
}

/** The reasons of the failover's broken bounds, each with its numbers. */
export function failoverReasons(
  input: ReportInput,
  figures: ClientFailoverWindow | null,
  bounds: readonly HypothesisBound[],
): string[] {
  const limit = input.config.hypothesis.maxFailoverSeconds;
  const reasons: string[] = [];
  for (const b of bounds) {
    if (b.held !== false) continue;
    if (b.name === 'maxFailoverSeconds')
      reasons.push(
        `writes failed or were deferred for ${b.measured} s after the failover, more than maxFailoverSeconds ${limit} s`,
      );
    if (b.name === 'failuresAfterFailoverWindow')
      reasons.push(
        `${b.measured} requests failed after the failover window of maxFailoverSeconds ${limit} s ` +
          `(${figures?.readsFailedOutside ?? 0} reads, ${figures?.writesFailedOutside ?? 0} writes)`,
      );
  }
  return reasons;
}

/** The passed summary's failover part. */
export function failoverSummary(input: ReportInput, figures: ClientFailoverWindow | null): string[] {
  if (figures === null) return [];
  const primary =
    figures.timeToFirstPrimaryReadMs === null
      ? 'the primary served no read afterwards'
      : `the primary served a read ${figures.timeToFirstPrimaryReadMs} ms after the failover began`;
  return [
    `writes failed or were deferred for ${figures.writesAffectedMs / 1000} s (${figures.writesFailedInside} failed, ${figures.writesDeferredInside} deferred), within maxFailoverSeconds ${input.config.hypothesis.maxFailoverSeconds} s`,
    primary,
  ];
}
