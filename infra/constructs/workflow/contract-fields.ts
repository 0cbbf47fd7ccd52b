// The fields of each step's contract, copied one by one from a Lambda's `$.Payload` so its plain output lands at the ResultPath.
import type { OrderVerification, ReportOutput, RunConfig, TrafficResult } from '../../../steps/core/contracts';

// `satisfies` ties every list to the shared contract: a new field fails to compile until it is listed.
export const RUN_CONFIG_FIELDS = {
  runId: true, baselineSeconds: true, outageSeconds: true, recoverySeconds: true, readsPerSecond: true, writesPerSecond: true,
  drainTimeoutSeconds: true, windowSeconds: true, trafficSize: true, trafficFunction: true, trafficWorkers: true, workers: true, errorBudgetPercent: true, verifySample: true, drainPollSeconds: true,
  drainPollIterations: true, drainZeroReadings: true, availablePollSeconds: true, availableTimeoutSeconds: true, availablePollIterations: true, dryRun: true, arrivals: true, arrivalSeed: true, hypothesis: true,
  ignoreChangeFreeze: true, outsideAllowedWindow: true,
} as const satisfies Record<keyof RunConfig, true>;
export const TRAFFIC_RESULT_FIELDS = {
  phase: true, degradation: true, startedAtMs: true, endedAtMs: true, offered: true, reads: true, writes: true,
  ordersAccepted: true, latencyMs: true, latencyHistograms: true, startLagMs: true, sendLag: true, sendLagHistogram: true, windows: true, timeline: true,
  acceptedWrites: true, failures: true,
} as const satisfies Record<keyof TrafficResult, true>;
export const ORDER_VERIFICATION_FIELDS = {
  accepted: true, committed: true, rejected: true, lost: true, duplicated: true, viaQueue: true, lastViaQueueAt: true, proof: true,
} as const satisfies Record<keyof OrderVerification, true>;
export const REPORT_OUTPUT_FIELDS = { verdict: true, reasons: true, report: true, metricData: true, runLog: true, storage: true } as const satisfies Record<keyof ReportOutput, true>;
