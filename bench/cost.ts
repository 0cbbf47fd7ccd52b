// Pure cost model of one GameDay on AWS: state transitions, Lambda GB-seconds, CloudWatch, at list prices.
import type { RunSettings } from '../steps/core/contracts';
import { deriveLoopBounds } from '../steps/core/run-limits';

/** Approximate public list prices, us-east-1, free tiers ignored (a weekly GameDay often fits in them). */
export const LIST_PRICES = Object.freeze({
  asOf: '2026-11',
  region: 'us-east-1',
  note: 'approximate public list prices from the AWS pricing pages, us-east-1, free tiers ignored',
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  usdPerStateTransition: 0.025 / 1_000,
  /** Lambda on arm64: $0.0000133334 per GB-second (first 7.5 billion GB-s a month). */
  usdPerLambdaGbSecond: 0.0000133334,
  /** Lambda: $0.20 per million requests. */
  usdPerLambdaRequest: 0.2 / 1_000_000,
  /** CloudWatch custom metric: $0.30 per metric-month (first 10,000), prorated by the hour it is sent in. */
  usdPerCustomMetricMonth: 0.3,
  hoursPerMonth: 730,
  /** CloudWatch API requests (PutMetricData and the other charged calls): $0.01 per 1,000 requests. */
  usdPerCloudWatchRequest: 0.01 / 1_000,
  /** CloudWatch Logs standard ingestion: $0.50 per GB (PutLogEvents itself is not charged per call). */
  usdPerLogIngestGb: 0.5,
  /** SQS standard queue: $0.40 per million requests. */
  usdPerSqsRequest: 0.4 / 1_000_000,
  /** DynamoDB on-demand: $0.625 per million write request units. */
  usdPerDynamoDbWrite: 0.625 / 1_000_000,
  /** AWS FIS: $0.10 per action-minute. */
  usdPerFisActionMinute: 0.1,
  sources: [
    'https://aws.amazon.com/step-functions/pricing/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/cloudwatch/pricing/ (metrics, API requests, Logs ingestion)',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/fis/pricing/',
  ],
});

export type ListPrices = typeof LIST_PRICES;

/** The states each loop of the GameDay state machine enters per window (one traffic worker), and between iterations. */
export const LOOP_STATES = Object.freeze({
  warmUp: {
    perIteration: ['WarmUpWindow', 'WarmUpWorker', 'TallyWarmUpWindow', 'CheckWarmUpWindow'],
    between: [] as string[],
  },
  baseline: {
    perIteration: ['BaselineWindow', 'BaselineWorker', 'TallyBaselineWindow', 'CheckBaselineWindow'],
    between: [] as string[],
  },
  outage: {
    perIteration: ['OutageWindow', 'OutageWorker', 'TallyOutageWindow', 'HoldCheckAlarms', 'CheckOutageWindow'],
    between: [] as string[],
  },
  restoring: {
    perIteration: [
      'RestoringWindow',
      'RestoringWorker',
      'TallyRestoringWindow',
      'CheckRestoringFault',
      'DescribeTargetAfterRegister',
      'CheckAvailableAfterRegister',
    ],
    between: [] as string[],
  },
  recovery: {
    perIteration: ['RecoveryWindow', 'RecoveryWorker', 'TallyRecoveryWindow', 'CheckRecoveryWindow'],
    between: [] as string[],
  },
  // Every drain poll counts one reading, zero or not.
  drain: {
    perIteration: [
      'DrainQueueDepth',
      'DrainDlqDepth',
      'CheckDrainReading',
      'CheckDrained',
      'CountZeroReading|CountNonZeroReading',
    ],
    between: ['DrainWait'],
  },
});

export interface LoopCounts {
  warmUpWindows: number;
  baselineWindows: number;
  outageWindows: number;
  restoringWindows: number;
  recoveryWindows: number;
  drainPolls: number;
}

/** Raised when per-state counts cannot be read as a run of the GameDay loops. */
export class UnexpectedStateCounts extends Error {
  override readonly name = 'UnexpectedStateCounts';
}

const loopStateNames = new Set(
  Object.values(LOOP_STATES).flatMap((loop) => [...loop.perIteration.flatMap((s) => s.split('|')), ...loop.between]),
);

/** How many times each loop ran, read from the states entered (the counter states enter once per iteration). */
export function loopCountsOf(entered: Readonly<Record<string, number>>): LoopCounts {
  return {
    warmUpWindows: entered.TallyWarmUpWindow ?? 0,
    baselineWindows: entered.TallyBaselineWindow ?? 0,
    outageWindows: entered.TallyOutageWindow ?? 0,
    restoringWindows: entered.TallyRestoringWindow ?? 0,
    recoveryWindows: entered.TallyRecoveryWindow ?? 0,
    drainPolls: entered.CheckDrained ?? 0,
  };
}

/** State transitions of a run whose loops ran `loops` times and whose other states were entered as in `entered`. */
export function transitionsFor(entered: Readonly<Record<string, number>>, loops: LoopCounts): number {
  const outsideLoops = Object.entries(entered)
    .filter(([state]) => !loopStateNames.has(state))
    .reduce((sum, [, count]) => sum + count, 0);
  const loop = (states: { perIteration: readonly string[]; between: readonly string[] }, iterations: number) =>
    iterations <= 0 ? 0 : states.perIteration.length * iterations + states.between.length * (iterations - 1);
  return (
    outsideLoops +
    loop(LOOP_STATES.warmUp, loops.warmUpWindows) +
    loop(LOOP_STATES.baseline, loops.baselineWindows) +
    loop(LOOP_STATES.outage, loops.outageWindows) +
    loop(LOOP_STATES.restoring, loops.restoringWindows) +
    loop(LOOP_STATES.recovery, loops.recoveryWindows) +
    loop(LOOP_STATES.drain, loops.drainPolls)
  );
}

/**
 * The transitions a run with other loop counts would use, derived from a measured run: its states
 * outside the loops as measured, its loops recounted. Refuses counts the loop model does not explain.
 */
export function deriveTransitions(entered: Readonly<Record<string, number>>, loops: LoopCounts): number {
  const measured = Object.values(entered).reduce((sum, count) => sum + count, 0);
  const explained = transitionsFor(entered, loopCountsOf(entered));
  if (explained !== measured) {
    throw new UnexpectedStateCounts(
      `the loop model explains ${explained} of the ${measured} states entered: the state machine's loops changed`,
    );
  }
  return transitionsFor(entered, loops);
}

/** What a priced run assumes of AWS: how long the target takes to become AVAILABLE, and how the drain polls go. */
export interface LoopAssumptions {
  /** How long the target takes to become AVAILABLE after register (an assumption: AWS documents no duration). */
  registrationSeconds: number;
  /** Non-zero queue readings before the zero ones (0: the queue is empty at the first poll). */
  nonZeroDrainReadings: number;
}

/**
 * The loops of a run with `settings`, as the state machine bounds them (`deriveLoopBounds`): a window
 * per windowSeconds of each phase, restoring windows until the assumed registration is over, and the
 * drain's polls until its zero readings.
 */
export function expectedLoopCounts(settings: Omit<RunSettings, 'dryRun'>, assume: LoopAssumptions): LoopCounts {
  const bounds = deriveLoopBounds({ ...settings, availableTimeoutSeconds: assume.registrationSeconds });
  return {
    warmUpWindows: bounds.warmupWindows,
    baselineWindows: bounds.baselineWindows,
    outageWindows: bounds.outageWindows,
    restoringWindows: bounds.restoringWindows,
    recoveryWindows: bounds.recoveryWindows,
    drainPolls: settings.drainZeroReadings + assume.nonZeroDrainReadings,
  };
}

export interface LambdaUse {
  step: string;
  memoryMb: number;
  invocations: number;
  /** Billed seconds of all invocations together (handler and init). */
  seconds: number;
}

export interface CostInputs {
  transitions: number;
  lambda: readonly LambdaUse[];
  cloudWatch: {
    putMetricDataCalls: number;
    /** Distinct metrics (name + dimensions): each is billed for the hour it is sent in. */
    distinctMetrics: number;
    /** Other CloudWatch calls (DescribeAlarms), priced like PutMetricData as an upper bound. */
    otherCalls: number;
    /** Bytes of the run log the run writes (messages plus the per-event overhead). @default 0 */
    logIngestBytes?: number;
  };
  sqsRequests: number;
  dynamoDbWrites: number;
  /** The outage an AWS FIS experiment would hold for the same run. */
  outageSeconds: number;
}

export interface CostEstimate {
  transitions: number;
  lambdaGbSeconds: number;
  lambdaRequests: number;
  cloudWatchCalls: number;
  /** `cloudWatch` includes `cloudWatchMetrics`, the distinct metrics' share of it. */
  usd: { stepFunctions: number; lambda: number; cloudWatch: number; cloudWatchMetrics: number; sqsAndDynamoDb: number };
  usdPerRun: number;
  fisUsdPerRun: number;
}

/** Prices one run. GB-seconds use the configured memory (1024 MB = 1 GB), as Lambda bills them. */
export function estimateCost(inputs: CostInputs, prices: ListPrices = LIST_PRICES): CostEstimate {
  const lambdaGbSeconds = inputs.lambda.reduce((sum, use) => sum + (use.memoryMb / 1024) * use.seconds, 0);
  const lambdaRequests = inputs.lambda.reduce((sum, use) => sum + use.invocations, 0);
  const cloudWatchCalls = inputs.cloudWatch.putMetricDataCalls + inputs.cloudWatch.otherCalls;
  const cloudWatchMetrics = (inputs.cloudWatch.distinctMetrics * prices.usdPerCustomMetricMonth) / prices.hoursPerMonth;
  const usd = {
    stepFunctions: inputs.transitions * prices.usdPerStateTransition,
    lambda: lambdaGbSeconds * prices.usdPerLambdaGbSecond + lambdaRequests * prices.usdPerLambdaRequest,
    cloudWatch:
      cloudWatchMetrics +
      cloudWatchCalls * prices.usdPerCloudWatchRequest +
      ((inputs.cloudWatch.logIngestBytes ?? 0) / 1e9) * prices.usdPerLogIngestGb,
    cloudWatchMetrics,
    sqsAndDynamoDb: inputs.sqsRequests * prices.usdPerSqsRequest + inputs.dynamoDbWrites * prices.usdPerDynamoDbWrite,
  };
  return {
    transitions: inputs.transitions,
    lambdaGbSeconds,
    lambdaRequests,
    cloudWatchCalls,
    usd,
    usdPerRun: usd.stepFunctions + usd.lambda + usd.cloudWatch + usd.sqsAndDynamoDb,
    fisUsdPerRun: (inputs.outageSeconds / 60) * prices.usdPerFisActionMinute,
  };
}
