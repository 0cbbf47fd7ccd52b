// Formats the benchmark result as the plain-text table the command prints and the README shows.
import type { FleetRateSearch, FleetSection } from './fleet';
import type { GeneratorSection } from './generator';
import type { BenchResult } from './result';

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

/** The generator section's lines: ours against autocannon at each rate. */
export function formatGeneratorTable(g: GeneratorSection): string[] {
  const lines: string[] = [];
  const indent = (rows: string[]) => rows.map((row) => `  ${row}`);
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
  return lines;
}

export function formatTable(result: BenchResult): string {
  const lines: string[] = [];
  const indent = (rows: string[]) => rows.map((row) => `  ${row}`);
  const load = result.machine.loadAverage;
  lines.push(
    `GameDay benchmark  ${result.startedAt}  ${result.machine.cores} cores  Node ${result.machine.node}  database: ${result.database}${load ? `  load average ${fmt(load.atStart, 1)} -> ${fmt(load.atEnd, 1)}` : ''}`,
  );

  lines.push(...formatGeneratorTable(result.generator));

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

  const c = result.cost;
  const s = c.defaultRun.settings;
  const m = c.measured;
  lines.push(
    '',
    `Cost of a default GameDay (${s.baselineSeconds} s + ${s.outageSeconds} s + ${s.recoverySeconds} s), ${c.prices.note}, ${c.prices.asOf}`,
    ...indent(
      alignColumns([
        ['state transitions', `${c.transitions} (derived; ${m.transitions} counted in a local ${m.timings.baselineSeconds}+${m.timings.outageSeconds}+${m.timings.recoverySeconds} s run)`],
        ['Lambda GB-seconds', fmt(c.lambdaGbSeconds, 1)],
        ['CloudWatch calls', `${c.cloudWatchCalls} (${c.cloudWatchDistinctMetrics} custom metrics, each billed for the hour it is sent in)`],
        [
          'usdPerRun',
          `$${fmt(c.usdPerRun, 4)} (Step Functions $${fmt(c.defaultRun.estimate.usd.stepFunctions, 4)}, Lambda $${fmt(c.defaultRun.estimate.usd.lambda, 4)}, CloudWatch $${fmt(c.defaultRun.estimate.usd.cloudWatch, 4)}, SQS + DynamoDB $${fmt(c.defaultRun.estimate.usd.sqsAndDynamoDb, 6)})`,
        ],
        ['fisUsdPerRun', `$${fmt(c.fisUsdPerRun, 2)} (the same ${s.outageSeconds} s outage as an AWS FIS action)`],
      ]),
    ),
  );

  const ov = result.overhead;
  lines.push('', `Overhead of a local GameDay: ${fmt(ov.overheadSeconds, 1)} s (wall time minus ${ov.configuredPhaseSeconds} s of phases, median of ${ov.runs})`);

  const missed = result.goals.filter((goal) => !goal.met);
  lines.push('', missed.length === 0 ? 'Goals: all met' : `Goals missed (${missed.length} of ${result.goals.length}):`);
  for (const goal of missed) lines.push(`  MISSED  ${goal.goal}: ${goal.value}`);
  lines.push('', `Benchmark wall time: ${fmt(result.wallSeconds)} s`);
  return lines.join('\n');
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
