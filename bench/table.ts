// Formats the benchmark result as the plain-text table the command prints and the README shows.
import type { FleetRateSearch, FleetSection } from './fleet';
import type { CostSection } from './gameday-runs';
import type { TrafficSizing } from './sizing';
import type { BenchResult, CostOnlyResult, GoalCheck } from './result';

/** A number with `digits` decimals, or "n/a". */
export function fmt(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** Left-aligned first column, right-aligned others, each column as wide as its widest cell. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
}

/** A label column padded to its widest label, then the text as it is. */
export function alignLabels(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, text]) => `${label.padEnd(width)}  ${text}`);
}

export function formatTable(result: BenchResult): string {
  const lines: string[] = [];
  const indent = (rows: string[]) => rows.map((row) => `  ${row}`);
  const load = result.machine.loadAverage;
  lines.push(
    `GameDay benchmark  ${result.startedAt}  ${result.machine.cores} cores  Node ${result.machine.node}  database: ${result.database}${load ? `  load average ${fmt(load.atStart, 1)} -> ${fmt(load.atEnd, 1)}` : ''}`,
  );

  const g = result.generator;
  lines.push('', `Traffic generator vs autocannon (3 reads : 1 write, ${g.durationSeconds} s runs, medians of ${g.repetitions})`);
  lines.push(
    ...indent(
      alignColumns([
        ['offered/s', 'ours/s', 'error %', 'CPU us/req', 'p99 ms', 'autocannon/s', 'error %', 'CPU us/req', 'p99 ms', 'CPU ratio'],
        ...g.rates.map((r) => [
          String(r.offeredRps),
          fmt(r.ours.achievedRps, 1),
          fmt(r.ours.errorPercent, 2),
          fmt(r.ours.cpuMicrosPerRequest),
          fmt(r.ours.p99Ms),
          fmt(r.autocannon.achievedRps, 1),
          fmt(r.autocannon.errorPercent, 2),
          fmt(r.autocannon.cpuMicrosPerRequest),
          fmt(r.autocannon.p99Ms),
          fmt(r.cpuPerRequestRatio, 2),
        ]),
      ]),
    ),
  );

  const o = result.outage;
  const t = o.timings;
  lines.push(
    '',
    `Outage at ${t.readsPerSecond} reads + ${t.writesPerSecond} writes/s (${t.baselineSeconds} s baseline, ${t.outageSeconds} s outage, ${t.recoverySeconds} s recovery; medians of ${o.resilient.repetitions} resilient, ${o.fragile.repetitions} fragile)`,
  );
  lines.push(
    ...indent(
      alignColumns([
        ['build', 'failed reads', 'failed writes', 'orders lost', 'baseline p50/p99 ms', 'outage p50/p99 ms', 'p99Ratio'],
        ...(['resilient', 'fragile'] as const).map((build) => {
          const b = o[build];
          return [
            build,
            fmt(b.failedReads),
            fmt(b.failedWrites),
            fmt(b.ordersLost),
            `${fmt(b.latencyMs.baseline.p50)}/${fmt(b.latencyMs.baseline.p99)}`,
            `${fmt(b.latencyMs.outage.p50)}/${fmt(b.latencyMs.outage.p99)}`,
            fmt(b.p99Ratio, 2),
          ];
        }),
      ]),
    ),
  );

  const rec = result.recovery;
  lines.push(
    '',
    `Recovery (resilient; breaker recovery timeout ${fmt(rec.breakerRecoveryTimeoutMs / 1000, 1)} s, registration ${fmt(rec.registrationDelayMs / 1000, 1)} s; medians of ${rec.repetitions})`,
    `  register -> first database-served read: ${fmt(rec.timeToFirstDatabaseReadMs)} ms    register -> queue and DLQ drained: ${fmt(rec.timeToDrainMs)} ms`,
  );

  lines.push('', ...formatFleet(result.fleet));

  lines.push('', ...formatCost(result.cost));

  const ov = result.overhead;
  lines.push('', `Overhead of a local GameDay: ${fmt(ov.overheadSeconds, 1)} s (wall time minus ${ov.configuredPhaseSeconds} s of phases, median of ${ov.runs})`);

  lines.push('', ...formatGoals(result.goals), '', `Benchmark wall time: ${fmt(result.wallSeconds)} s`);
  return lines.join('\n');
}

function formatGoals(goals: readonly GoalCheck[]): string[] {
  const missed = goals.filter((goal) => !goal.met);
  return [missed.length === 0 ? 'Goals: all met' : `Goals missed (${missed.length} of ${goals.length}):`, ...missed.map((goal) => `  MISSED  ${goal.goal}: ${goal.value}`)];
}

/** `--only cost`: the header, the cost section and its goal. */
export function formatCostOnly(result: CostOnlyResult): string {
  const load = result.machine.loadAverage;
  return [
    `GameDay benchmark, cost only  ${result.startedAt}  ${result.machine.cores} cores  Node ${result.machine.node}${load ? `  load average ${fmt(load.atStart, 1)} -> ${fmt(load.atEnd, 1)}` : ''}`,
    '',
    ...formatCost(result.cost),
    ...formatSizing(result.cost.trafficSizing),
    '',
    ...formatGoals(result.goals),
    '',
    `Benchmark wall time: ${fmt(result.wallSeconds)} s`,
  ].join('\n');
}

/** One line of a rate search: its figure, whether it is a lower bound, and how it was searched. */
export function describeSearch(search: FleetRateSearch): string {
  const figure = search.highestPassingRps === null ? `none (the first trial, ${search.startRps}/s, failed)` : `${search.stoppedBy === 'trialLimit' ? 'at least ' : ''}${search.highestPassingRps}/s`;
  const tried = search.trials.map((t) => `${t.rps}${t.passed ? '' : ' x'}`).join(', ');
  return `${figure} (${search.criterion}; ${search.workers} worker(s), ${search.readsPerWrite}:1 reads:writes, upward from ${search.startRps}/s in steps of ${search.stepRps}/s, at most ${search.maxTrials} trials of ${search.trialSeconds} s, a failed rate tried ${search.repeatsOnFailure + 1} times, after a ${search.warmUpSeconds} s warm-up; tried ${tried})`;
}

/** The fleet table: fidelity and CPU per worker count, then the PostgreSQL searches. */
export function formatFleet(fleet: FleetSection): string[] {
  const f = fleet.fidelity;
  const lines = [
    `Traffic fleet: worker processes at the same total ${f.totalRps}/s (${f.readsPerSecond} reads + ${f.writesPerSecond} writes, ${f.durationSeconds} s runs, lab on ${f.database}, medians of ${f.repetitions})`,
    ...alignColumns([
      ['workers', 'achieved/s', 'error %', 'CPU us/req', 'p99 ms', 'failed'],
      ...f.rows.map((r) => [String(r.workers), fmt(r.achievedRps, 1), fmt(r.errorPercent, 2), fmt(r.cpuMicrosPerRequest), fmt(r.p99Ms), fmt(r.failed)]),
    ]).map((row) => `  ${row}`),
  ];
  if (fleet.postgresCapacity) lines.push(`  highest total rate with 0 failures on PostgreSQL: ${describeSearch(fleet.postgresCapacity)}`);
  if (fleet.perWorker) {
    const p = fleet.perWorker;
    lines.push(`  one worker within 1 % of offered: ${describeSearch(p)}`);
    lines.push(`  assumed per worker (PER_WORKER_RATE): ${p.assumedRps}/s${p.belowAssumption ? ' -- the measured rate is BELOW the assumption' : ''}; ${p.note}`);
  }
  if (fleet.postgresSkipped) lines.push(`  PostgreSQL searches skipped: ${fleet.postgresSkipped}`);
  return lines;
}

/** The cost of a default GameDay: each part priced, the prices with their date. */
export function formatCost(c: CostSection): string[] {
  const s = c.defaultRun.settings;
  const m = c.measured;
  const e = c.defaultRun.estimate;
  const p = c.prices;
  const usd = (value: number, digits = 5) => `$${fmt(value, digits)}`;
  const lambdaRows = c.defaultRun.lambda.map((use): [string, string] => [
    `  Lambda ${use.step}`,
    `${usd(((use.memoryMb / 1024) * use.seconds) * p.usdPerLambdaGbSecond + use.invocations * p.usdPerLambdaRequest)} (${use.memoryMb} MB x ${fmt(use.seconds, 1)} s, ${use.invocations} invocations)`,
  ]);
  return [
    `Cost of a default GameDay (${s.baselineSeconds} s + ${s.outageSeconds} s + ${s.recoverySeconds} s), ${p.note}, prices as of ${p.asOf}`,
    ...alignLabels([
      ['state transitions', `${c.transitions} (derived; ${m.transitions} counted in a local ${m.timings.baselineSeconds}+${m.timings.outageSeconds}+${m.timings.recoverySeconds} s run)`],
      ['Lambda GB-seconds', fmt(c.lambdaGbSeconds, 1)],
      ['CloudWatch calls', `${c.cloudWatchCalls} (${c.cloudWatchDistinctMetrics} custom metrics, each billed for the hour it is sent in)`],
      ['usdPerRun', `${usd(c.usdPerRun, 4)} (Step Functions ${usd(e.usd.stepFunctions, 4)}, Lambda ${usd(e.usd.lambda, 4)}, CloudWatch ${usd(e.usd.cloudWatch, 4)}, SQS + DynamoDB ${usd(e.usd.sqsAndDynamoDb, 6)})`],
      ['  Step Functions', `${usd(e.usd.stepFunctions)} (${c.transitions} transitions x $${p.usdPerStateTransition * 1000} per 1,000)`],
      ...lambdaRows,
      ['  CloudWatch metrics', `${usd(e.usd.cloudWatchMetrics)} (${c.cloudWatchDistinctMetrics} metrics x $${p.usdPerCustomMetricMonth} a month / ${p.hoursPerMonth} h)`],
      ['  CloudWatch requests, run log', `${usd(e.usd.cloudWatch - e.usd.cloudWatchMetrics)} (${c.cloudWatchCalls} x $${fmt(p.usdPerCloudWatchRequest * 1000, 2)} per 1,000; the run log at $${p.usdPerLogIngestGb} per GB)`],
      ['fisUsdPerRun', `$${fmt(c.fisUsdPerRun, 2)} (the same ${s.outageSeconds} s outage as an AWS FIS action: ${fmt(c.fisUsdPerRun / c.usdPerRun, 0)} x this run)`],
    ]).map((row) => `  ${row}`),
  ];
}

/** The traffic function's memory against what one worker's measured CPU asks for. */
export function formatSizing(z: TrafficSizing): string[] {
  return [
    `  traffic function: ${z.configuredMemoryMb} MB configured, ${fmt(z.neededMemoryMb)} MB needed for ${z.perWorkerRps}/s per worker at ${fmt(z.cpuMicrosPerRequest)} us CPU per request` +
      ` (one worker at ${z.trialRps}/s, ${z.trials.map((t) => `${fmt(t.achievedRps, 1)}/s ${fmt(t.cpuMicrosPerRequest)} us`).join(', ')})${z.holds === false ? ' -- TOO SMALL' : ''}`,
    `    ${z.note}`,
  ];
}
