// The figures that compare one run with earlier ones: one definition, read by the report step, the history and the trend.
import type { RunReport } from './contracts';

/** The figures of one run that a history lists and a trend draws. */
export interface RunFigures {
  readonly runId: string;
  readonly startedAt: string;
  /** The shop's build: `resilient` (degradation on), `fragile` (off) or `unknown`. */
  readonly build: 'resilient' | 'fragile' | 'unknown';
  readonly verdict: RunReport['verdict'];
  /** Register to the first read the database served again. */
  readonly timeToFirstDatabaseReadMs: number | null;
  readonly timeToDrainMs: number | null;
  /** Percent of the outage's reads the cache served (one decimal); null when the outage had no reads. */
  readonly outageCacheSharePercent: number | null;
  /** p99 latency of the outage phase; null when the outage had no requests. */
  readonly outageP99Ms: number | null;
}

/** The share of the outage's reads served from the cache, in percent with one decimal; null without outage reads. */
export function outageCacheSharePercent(report: Pick<RunReport, 'phases'>): number | null {
  if (!report.phases.outage) return null;
  const { database, cache, failed } = report.phases.outage.reads;
  const reads = database + cache + failed;
  return reads === 0 ? null : Math.round((cache / reads) * 1000) / 10;
}

/** The outage's p99, or null when the outage saw no request (a 0 would read as "fast"). */
export function outageP99Ms(report: Pick<RunReport, 'phases' | 'latencyMs'>): number | null {
  if (!report.phases.outage) return null;
  const { reads, writes } = report.phases.outage;
  const requests =
    reads.database + reads.cache + reads.failed + writes.ok + writes.queued + writes.stockOut + writes.failed;
  return requests === 0 ? null : report.latencyMs.outage.p99;
}

export function buildOf(report: Pick<RunReport, 'degradation'>): RunFigures['build'] {
  return report.degradation === null || report.degradation === undefined
    ? 'unknown'
    : report.degradation
      ? 'resilient'
      : 'fragile';
}

export function runFigures(report: RunReport): RunFigures {
  return {
    runId: report.runId,
    startedAt: report.startedAt,
    build: buildOf(report),
    verdict: report.verdict,
    timeToFirstDatabaseReadMs: report.recovery?.timeToFirstDatabaseReadMs ?? null,
    timeToDrainMs: report.recovery?.timeToDrainMs ?? null,
    outageCacheSharePercent: outageCacheSharePercent(report),
    outageP99Ms: outageP99Ms(report),
  };
}

/** The target a run struck, or null when its report predates the field. */
export function targetOf(report: Pick<RunReport, 'target'>): string | null {
  return report.target?.proxyName ?? null;
}

/**
 * The runs a trend compares `report` with: the same target and build, started before it, newest
 * first, at most `limit`. A report without a target name matches only others without one.
 */
export function previousRuns(report: RunReport, candidates: readonly RunReport[], limit = 10): RunReport[] {
  const started = Date.parse(report.startedAt);
  return candidates
    .filter(
      (c) =>
        c.runId !== report.runId &&
        targetOf(c) === targetOf(report) &&
        buildOf(c) === buildOf(report) &&
        Date.parse(c.startedAt) < started,
    )
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .slice(0, limit);
}
