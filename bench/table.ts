// Formats the benchmark result as the plain-text table the command prints and the README shows.
import type { FleetRateSearch, FleetSection } from './fleet';
import type { CostSection } from './gameday-runs';
import type { GeneratorSection, GeneratorToolFigures } from './generator';
import type { ArrivalsSection, ArrivalToolFigures } from './arrivals';
import type { TrafficSizing } from './sizing';
import type { MemorySection, SoakSection } from './memory';
import type { BenchResult, OutageSection, OverheadSection, RecoverySection } from './result';

/** A number with `digits` decimals, or "n/a". */
export function fmt(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** Left-aligned first column, right-aligned others, each column as wide as its widest cell. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** A label column padded to its widest label, then the text as it is. */
export function alignLabels(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, text]) => `${label.padEnd(width)}  ${text}`);
}

export function formatTable(result: BenchResult): string {
  const load = result.machine.loadAverage;
  const lines: string[] = [
    `GameDay benchmark  ${result.startedAt}  ${result.machine.cores} cores  Node ${result.machine.node}  database: ${result.database}${load ? `  load average ${fmt(load.atStart, 1)} -> ${fmt(load.atEnd, 1)}` : ''}`,
  ];
  if (result.generator) lines.push('', ...formatGenerator(result.generator));
  if (result.arrivals) lines.push('', ...formatArrivals(result.arrivals));
  if (result.outage) lines.push('', ...formatOutage(result.outage));
  if (result.recovery) lines.push('', ...formatRecovery(result.recovery));
  if (result.fleet) lines.push('', ...formatFleet(result.fleet));
  if (result.cost)
    lines.push(
      '',
      ...formatCost(result.cost),
      ...(result.cost.trafficSizing ? formatSizing(result.cost.trafficSizing) : []),
    );
  if (result.overhead) lines.push('', ...formatOverhead(result.overhead));
  if (result.memory) lines.push('', ...formatMemory(result.memory));
  if (result.soak) lines.push('', ...formatSoak(result.soak));

  const missed = result.goals.filter((goal) => !goal.met);
  const verdict =
    result.goals.length === 0
      ? 'Goals: none in these sections'
      : missed.length === 0
        ? `Goals: all ${result.goals.length} met`
        : `Goals missed (${missed.length} of ${result.goals.length}):`;
  lines.push('', verdict);
  for (const goal of missed) lines.push(`  MISSED  ${goal.goal}: ${goal.value}`);
  lines.push('', `Benchmark wall time: ${fmt(result.wallSeconds)} s`);
  return lines.join('\n');
}

const indent = (rows: string[]) => rows.map((row) => `  ${row}`);

function formatGenerator(g: GeneratorSection): string[] {
  return [
    `Traffic generator vs autocannon (3 reads : 1 write, ${g.durationSeconds} s runs after ${g.warmUpSeconds} s unmeasured, medians of ${g.repetitions})`,
    ...indent(
      alignColumns([
        [
          'offered/s',
          'ours/s',
          'error %',
          'CPU us/req',
          'p99 ms',
          'autocannon/s',
          'error %',
          'CPU us/req',
          'p99 ms',
          'CPU ratio',
        ],
        ...g.rates.map((r) => [
          String(r.offeredRps),
          ...generatorCells(r.ours),
          ...generatorCells(r.autocannon),
          fmt(r.cpuPerRequestRatio, 2),
        ]),
      ]),
    ),
  ];
}

/** One tool's cells of a generator row: rate, error, CPU, p99. */
function generatorCells(t: GeneratorToolFigures): string[] {
  return [fmt(t.achievedRps, 1), fmt(t.errorPercent, 2), fmt(t.cpuMicrosPerRequest), fmt(t.p99Ms)];
}

/** One tool's cells of an arrivals row: rate at the sink, index, largest bin, CPU. */
function arrivalCells(t: ArrivalToolFigures): string[] {
  return [fmt(t.achievedRps, 1), fmt(t.dispersionIndex, 2), fmt(t.largestBinCount), fmt(t.cpuMicrosPerRequest)];
}

function formatArrivals(a: ArrivalsSection): string[] {
  return [
    `Arrivals at a sink, ours vs autocannon and the paced floor (3 reads : 1 write, ${a.durationSeconds} s runs after ${a.warmUpSeconds} s unmeasured, ${a.binMs} ms bins, medians of ${a.repetitions})`,
    ...indent(
      alignColumns([
        [
          'offered/s',
          'even index',
          'ours/s',
          'index',
          'max/bin',
          'CPU us/req',
          'autocannon/s',
          'index',
          'max/bin',
          'CPU us/req',
          'CPU ratio',
          'floor us/req',
          'floor ratio',
        ],
        ...a.rates.map((r) => [
          String(r.offeredRps),
          fmt(r.evenSpacingDispersionIndex, 2),
          ...arrivalCells(r.ours),
          ...arrivalCells(r.autocannon),
          fmt(r.cpuPerRequestRatio, 2),
          fmt(r.floor.cpuMicrosPerRequest),
          fmt(r.floorCpuPerRequestRatio, 2),
        ]),
      ]),
    ),
    '  even index: the index of perfectly even arrivals at that rate; max/bin: the most requests received in one bin',
    '  floor: the paced floor, our schedule and sleeps and nothing else (one fixed GET per intended time, nothing parsed or',
    '  recorded): the least CPU per request pacing each request to its own time costs here; floor ratio: floor / autocannon',
  ];
}

function formatOutage(o: OutageSection): string[] {
  const t = o.timings;
  const spread = o.resilient.p99RatioSpread;
  return [
    `Outage at ${t.readsPerSecond} reads + ${t.writesPerSecond} writes/s (${t.warmUpSeconds ? `${t.warmUpSeconds} s warm-up, not measured; ` : ''}${t.baselineSeconds} s baseline, ${t.outageSeconds} s outage, ${t.recoverySeconds} s recovery; medians of ${o.resilient.repetitions} resilient, ${o.fragile.repetitions} fragile)`,
    ...indent(
      alignColumns([
        [
          'build',
          'failed reads',
          'failed writes',
          'orders lost',
          'baseline p50/p99 ms',
          'outage p50/p99 ms',
          'p99Ratio',
        ],
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
    `  resilient p99Ratio per run: ${spread.values.map((v) => fmt(v, 2)).join(', ') || 'n/a'} (spread ${fmt(spread.min, 2)} to ${fmt(spread.max, 2)})`,
    `  resilient failed reads / writes / lost orders per run: ${o.resilient.runs.map((r) => `${r.failedReads}/${r.failedWrites}/${r.ordersLost}`).join(', ')}`,
  ];
}

function formatRecovery(rec: RecoverySection): string[] {
  return [
    `Recovery (resilient; breaker recovery timeout ${fmt(rec.breakerRecoveryTimeoutMs / 1000, 1)} s, registration ${fmt(rec.registrationDelayMs / 1000, 1)} s; medians of ${rec.repetitions})`,
    `  register -> first database-served read: ${fmt(rec.timeToFirstDatabaseReadMs)} ms    register -> queue and DLQ drained: ${fmt(rec.timeToDrainMs)} ms`,
  ];
}

function formatOverhead(ov: OverheadSection): string[] {
  const b = ov.breakdownSeconds;
  return [
    `Overhead of a local GameDay: ${fmt(ov.overheadSeconds, 2)} s (wall time minus ${ov.configuredPhaseSeconds} s of phases, median of ${ov.runs}; the lab started in ${fmt(ov.labStartSeconds, 1)} s, not counted)`,
    `  medians: before the first state ${fmt(b.beforeFirstState, 2)} s, preflight ${fmt(b.preflight, 2)} s, phases beyond the configured ${fmt(b.phasesBeyondConfigured, 2)} s (the restoring windows), drain ${fmt(b.drain, 2)} s, after the drain ${fmt(b.afterDrain, 2)} s`,
  ];
}

function formatRoles(byRole: Partial<Record<string, number>>): string {
  return Object.entries(byRole)
    .map(([role, value]) => `${role} ${fmt(value)} MB`)
    .join(', ');
}

function formatMemory(m: MemorySection): string[] {
  const r = m.runnerAtPeak;
  return [
    `Memory of a local GameDay (${m.timings.baselineSeconds}+${m.timings.outageSeconds}+${m.timings.recoverySeconds} s, its own lab and traffic workers, ${m.verdict}, every process sampled every ${m.sampleMs} ms)`,
    `  peak RSS, all processes together: ${fmt(m.peakRssMb)} MB; peak per process role: ${formatRoles(m.peakByRoleMb)}`,
    ...(r
      ? [
          `  the runner's process at its peak: RSS ${fmt(r.rssMb)} MB, JavaScript heap ${fmt(r.heapUsedMb)} MB, ArrayBuffers (PGlite's WebAssembly memory among them) ${fmt(r.arrayBuffersMb)} MB`,
        ]
      : []),
  ];
}

function formatSoak(s: SoakSection): string[] {
  const growthByRole = Object.entries(s.growthByRolePercent)
    .map(([role, g]) => `${role} ${fmt(g, 2)} %`)
    .join(', ');
  return [
    `Soak: a local GameDay at ${s.input.readsPerSecond} reads + ${s.input.writesPerSecond} writes/s in ${s.input.windowSeconds} s windows for ${s.minutes} min (${s.verdict}; ${s.reads?.failed ?? 'n/a'} failed reads, ${s.writes?.failed ?? 'n/a'} failed writes, ${s.ordersLost ?? 'n/a'} lost orders)`,
    `  RSS of every process, sampled every ${s.sampleSeconds} s: growth from the first to the last ${fmt(s.comparedMinutes, 1)} min ${fmt(s.growthPercent, 2)} %, peak ${fmt(s.peakRssMb)} MB; by role: ${growthByRole}`,
  ];
}

/** One line of a rate search: its figure, whether it is a lower bound, and how it was searched. */
export function describeSearch(search: FleetRateSearch): string {
  const figure =
    search.highestPassingRps === null
      ? `none (the first trial, ${search.startRps}/s, failed)`
      : `${search.stoppedBy === 'trialLimit' ? 'at least ' : ''}${search.highestPassingRps}/s`;
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
      ...f.rows.map((r) => [
        String(r.workers),
        fmt(r.achievedRps, 1),
        fmt(r.errorPercent, 2),
        fmt(r.cpuMicrosPerRequest),
        fmt(r.p99Ms),
        fmt(r.failed),
      ]),
    ]).map((row) => `  ${row}`),
  ];
  if (fleet.postgresCapacity)
    lines.push(`  highest total rate with 0 failures on PostgreSQL: ${describeSearch(fleet.postgresCapacity)}`);
  if (fleet.perWorker) {
    const p = fleet.perWorker;
    lines.push(`  one worker within 1 % of offered: ${describeSearch(p)}`);
    lines.push(
      `  assumed per worker (the small traffic function's rate): ${p.assumedRps}/s${p.belowAssumption ? ' -- the measured rate is BELOW the assumption' : ''}; ${p.note}`,
    );
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
    `${usd((use.memoryMb / 1024) * use.seconds * p.usdPerLambdaGbSecond + use.invocations * p.usdPerLambdaRequest)} (${use.memoryMb} MB x ${fmt(use.seconds, 1)} s, ${use.invocations} invocations)`,
  ]);
  return [
    `Cost of a default GameDay (${s.warmupSeconds} s warm-up, ${s.baselineSeconds} s + ${s.outageSeconds} s + ${s.recoverySeconds} s), ${p.note}, prices as of ${p.asOf}`,
    ...alignLabels([
      [
        'state transitions',
        `${c.transitions} (derived; ${m.transitions} counted in a local ${m.timings.baselineSeconds}+${m.timings.outageSeconds}+${m.timings.recoverySeconds} s run)`,
      ],
      ['Lambda GB-seconds', fmt(c.lambdaGbSeconds, 1)],
      [
        'CloudWatch calls',
        `${c.cloudWatchCalls} (${c.cloudWatchDistinctMetrics} custom metrics, each billed for the hour it is sent in)`,
      ],
      [
        'usdPerRun',
        `${usd(c.usdPerRun, 4)} (Step Functions ${usd(e.usd.stepFunctions, 4)}, Lambda ${usd(e.usd.lambda, 4)}, CloudWatch ${usd(e.usd.cloudWatch, 4)}, SQS + DynamoDB ${usd(e.usd.sqsAndDynamoDb, 6)})`,
      ],
      [
        '  Step Functions',
        `${usd(e.usd.stepFunctions)} (${c.transitions} transitions x $${p.usdPerStateTransition * 1000} per 1,000)`,
      ],
      ...lambdaRows,
      [
        '  CloudWatch metrics',
        `${usd(e.usd.cloudWatchMetrics)} (${c.cloudWatchDistinctMetrics} metrics x $${p.usdPerCustomMetricMonth} a month / ${p.hoursPerMonth} h)`,
      ],
      [
        '  CloudWatch requests, run log',
        `${usd(e.usd.cloudWatch - e.usd.cloudWatchMetrics)} (${c.cloudWatchCalls} x $${fmt(p.usdPerCloudWatchRequest * 1000, 2)} per 1,000; the run log at $${p.usdPerLogIngestGb} per GB)`,
      ],
      [
        'fisUsdPerRun',
        `$${fmt(c.fisUsdPerRun, 2)} (the same ${s.outageSeconds} s outage as an AWS FIS action: ${fmt(c.fisUsdPerRun / c.usdPerRun, 0)} x this run)`,
      ],
    ]).map((row) => `  ${row}`),
  ];
}

/** The traffic function's memory against what one worker's measured CPU asks for. */
export function formatSizing(z: TrafficSizing): string[] {
  const sizes = z.sizes.map(
    (v) =>
      `${v.size} ${v.configuredMemoryMb} MB configured, ${fmt(v.neededMemoryMb)} MB needed for ${v.perWorkerRps}/s per worker${v.holds === false ? ' -- TOO SMALL' : ''}`,
  );
  return [
    `  traffic functions at ${fmt(z.cpuMicrosPerRequest)} us CPU per request: ${sizes.join('; ')}` +
      ` (one worker at ${z.trialRps}/s, ${z.trials.map((t) => `${fmt(t.achievedRps, 1)}/s ${fmt(t.cpuMicrosPerRequest)} us`).join(', ')})`,
    `    ${z.note}`,
  ];
}
