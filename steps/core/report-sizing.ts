// The report function's size: its memory derived from the measured merge of the largest accepted run, one rule for the
// stack (which reads the figure) and for `npm run bench -- --only report-merge` (which measures the merge and checks it).

/** The report function's timeout: the merge must finish well within it. */
export const REPORT_TIMEOUT_SECONDS = 60;
/** Lambda gives a full vCPU at 1,769 MB, CPU in proportion to memory below it (AWS Lambda docs, 2026-11). */
export const MB_PER_VCPU = 1769;
/** Lambda's memory sizes are picked here in steps of 64 MB. */
const MEMORY_STEP_MB = 64;

/** What the bench measures of BuildReport's merge for the largest accepted run (every window x worker x second). */
export interface ReportMergeMeasurement {
  /** CPU the merge used, user and system. */
  readonly cpuSeconds: number;
  /** The process's peak resident memory while it ran. */
  readonly peakRssMb: number;
}

/**
 * The merge as the bench measured it, the figure the stack's memory is derived from: the largest of three runs
 * on a shared 2-core machine (Node 20) on 2026-12-07 (14.2, 15.4 and 18.3 s of CPU; peak RSS 277-283 MB).
 * A bench run that needs more says so; record it here.
 */
export const MEASURED_REPORT_MERGE: ReportMergeMeasurement = Object.freeze({ cpuSeconds: 18.3, peakRssMb: 283 });

/**
 * The memory a merge needs, rounded up to a 64 MB step: the larger of its peak RSS plus a quarter, and the
 * memory whose CPU share runs the merge in half the timeout.
 */
export function reportMemoryFor(merge: ReportMergeMeasurement): number {
  const forMemory = merge.peakRssMb * 1.25;
  const forCpu = (merge.cpuSeconds / (REPORT_TIMEOUT_SECONDS * 0.5)) * MB_PER_VCPU;
  return Math.ceil(Math.max(forMemory, forCpu) / MEMORY_STEP_MB) * MEMORY_STEP_MB;
}

/** The report function's memory in the stack: derived from {@link MEASURED_REPORT_MERGE}, its one owner. */
export const REPORT_MEMORY_MB = reportMemoryFor(MEASURED_REPORT_MERGE);
