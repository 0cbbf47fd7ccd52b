// The execution state of the largest run the validator accepts, step by step as the definition builds it, against Step
// Functions' 256 KiB payload limit: the real step handlers build each part (ValidateInput, TallyWindow, BuildReport).
// Every worker result carries as many failure names as it keeps, each as long as a name can be.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { longestAcceptedInput, LONGEST_RUN_WORKERS } from '../../../bench/longest-run';
import { InvalidRunConfig, validateRunInput } from '../../../steps/core/run-config';
import {
  estimateStatePayloadBytes,
  MAX_RUN_LOG_SLOTS,
  MAX_STATE_PAYLOAD_BYTES,
  STATE_PAYLOAD_BOUNDS,
  STATE_PAYLOAD_LIMIT_BYTES,
} from '../../../steps/core/run-limits';
import {
  acceptedConfig,
  configPastTheEstimate,
  type RunState,
  stateAfterEachStep,
  THOUSAND_WINDOWS,
  type WorstCase,
} from '../../support/run-state';
import { refusedWith } from '../../support/problems';

/** Every worker result at its worst: the 24 failure names a result keeps. */
const WORST: WorstCase = { failureNames: 24 };
const peakOf = (state: RunState) => state.steps.reduce((top, step) => (step.bytes > top.bytes ? step : top));

const computed = stateAfterEachStep(longestAcceptedInput(), WORST);

describe('the state of the largest accepted run', () => {
  test('is the run at the highest rates with the most workers', async () => {
    // Given the largest run the validator accepts
    const { config } = await computed;
    // When its settings are read
    // Then it runs at 7,500 + 2,500/s with 40 workers, and for longer than an hour of traffic
    expect({ reads: config.readsPerSecond, writes: config.writesPerSecond, workers: config.trafficWorkers }).toEqual({
      reads: 7500,
      writes: 2500,
      workers: LONGEST_RUN_WORKERS,
    });
    expect(config.baselineSeconds + config.outageSeconds + config.recoverySeconds).toBeGreaterThan(3600);
  });

  test('stays under the 256 KiB payload limit, with margin, after every step', async () => {
    // Given the state after each step that adds to it, BuildReport's output built by the report handler
    const { steps } = await computed;
    // When each is measured
    const over = steps.filter((step) => step.bytes > MAX_STATE_PAYLOAD_BYTES);
    // Then none comes within the margin of Step Functions' limit (the figures are printed for docs/aws.md)
    console.log(
      `state after each step of the largest accepted run (limit ${STATE_PAYLOAD_LIMIT_BYTES} bytes):\n${steps.map((s) => `  ${s.step}: ${s.bytes}`).join('\n')}`,
    );
    expect(over).toEqual([]);
  });

  test("is bounded by the validator's estimate after every step", async () => {
    // Given the measured state after each step and the estimate the validator refuses runs by
    const { config, steps } = await computed;
    const estimate = estimateStatePayloadBytes(config);
    // When they are compared
    // Then the estimate is at least every measured state: a run it accepts cannot outgrow it
    expect(steps.filter((step) => step.bytes > estimate)).toEqual([]);
  });

  test('is the table docs/aws.md prints, its peak and estimate as the docs and the README state them', async () => {
    // Given the measured state after each step, the docs' section on payloads and the README
    const { config, steps } = await computed;
    const root = path.resolve(__dirname, '..', '..', '..');
    const aws = readFileSync(path.join(root, 'docs', 'aws.md'), 'utf8');
    const start = aws.indexOf('### Every state payload bounded');
    const section = aws.slice(start, aws.indexOf('\n## ', start));
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    // When the section's table rows and figures are read
    const rows = [...section.matchAll(/^\| (.+?) \| ([\d,]+) \|$/gm)].map(([, step, figure]) => ({
      step,
      bytes: Number(figure.replaceAll(',', '')),
    }));
    const kb = (n: number) => `${Math.round(n / 1000)} KB`;
    const peak = steps.reduce((top, step) => (step.bytes > top.bytes ? step : top));
    // Then the table is the measurement, and the peak and the estimate are the ones printed
    expect(rows).toEqual(steps);
    expect(section).toContain(`The peak, **${kb(peak.bytes)} of 256 KiB**, is ${peak.step}'s output`);
    expect(section).toContain(`is ${kb(estimateStatePayloadBytes(config))}.`);
    expect(readme).toContain(`state peaks at ${kb(peak.bytes)} of 256 KiB`);
  });

  test('has every part within the bound the estimate counts it with', async () => {
    // Given the parts of the largest run's state, as the real steps built them
    const { parts } = await computed;
    // When each is compared with its bound
    // Then none is larger, and the run log was widened to its line budget
    expect(parts.base).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.base);
    expect(parts.workerResultBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.perWorkerResult);
    expect(parts.runLogSlotLineBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.runLogSlotLine);
    expect(parts.runLogSummaryLineBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.runLogSummaryLine);
    expect(parts.reportBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.reportInState);
    expect(parts.reportFixedBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.reportFixed);
    expect(parts.reportWindowLineBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.reportPerWindow);
    expect(parts.resultBesideReportBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.resultBesideReport);
    expect(parts.runLogLines).toBeLessThanOrEqual(MAX_RUN_LOG_SLOTS + 1);
  });
});

/** A run at the highest rates with 40 workers, its phases as given. */
const atTheHighestRates = (phases: Record<string, number>) => ({ ...longestAcceptedInput(), ...phases });

describe("the validator's estimate of a run's state", () => {
  test('is at least the measured state of every kind of run it accepts', async () => {
    // Given accepted runs that grow the state each its own way: many workers, many windows, a timeline that fits
    const inputs = [
      atTheHighestRates({ baselineSeconds: 60, outageSeconds: 120, recoverySeconds: 60, windowSeconds: 60 }),
      atTheHighestRates({
        trafficWorkers: 8,
        baselineSeconds: 300,
        outageSeconds: 600,
        recoverySeconds: 300,
        windowSeconds: 10,
      }),
      { ...THOUSAND_WINDOWS, windowSeconds: 20 },
      { ...THOUSAND_WINDOWS, trafficWorkers: 4, windowSeconds: 30, outageSeconds: 1800 },
    ];
    // When each is measured after every step and estimated
    const runs = await Promise.all(
      inputs.map(async (input) => ({
        peak: peakOf(await stateAfterEachStep(input, WORST)).bytes,
        estimate: estimateStatePayloadBytes(acceptedConfig(input)),
      })),
    );
    // Then no measured state passes its estimate
    expect(runs.filter((run) => run.peak > run.estimate)).toEqual([]);
  });

  test('counts the names of the stop-condition alarms that ended the hold, as many times as the state holds them', async () => {
    // Given runs whose hold 20 alarms of 255-character names ended: many workers, and a long run's report
    const alarms = Array.from({ length: 20 }, (_, i) => `${i}-`.padEnd(255, 'a'));
    const namesBytes = Buffer.byteLength(JSON.stringify(alarms), 'utf8');
    const inputs = [
      atTheHighestRates({ trafficWorkers: 30, baselineSeconds: 60, outageSeconds: 120, recoverySeconds: 60 }),
      atTheHighestRates({ trafficWorkers: 8, baselineSeconds: 1800, outageSeconds: 1800, recoverySeconds: 1800 }),
    ];
    // When each is measured with those names and estimated with their size
    const runs = await Promise.all(
      inputs.map(async (input) => ({
        peak: peakOf(await stateAfterEachStep(input, { ...WORST, firingAlarms: alarms })).bytes,
        without: peakOf(await stateAfterEachStep(input, WORST)).bytes,
        estimate: estimateStatePayloadBytes(acceptedConfig(input), namesBytes),
      })),
    );
    // Then the names grew each state, and no measured state passes its estimate
    expect(runs.filter((run) => run.peak <= run.without)).toEqual([]);
    expect(runs.filter((run) => run.peak > run.estimate)).toEqual([]);
  });

  test('refuses the longest run under 100 stop conditions of the longest names, naming the limit', () => {
    // Given a stack with 100 stop-condition alarms of 255-character names, as its definition passes their size
    const alarms = Array.from({ length: 100 }, (_, i) => `${i}-`.padEnd(255, 'a'));
    const limits = { stopConditionNamesBytes: Buffer.byteLength(JSON.stringify(alarms), 'utf8') };
    // When the longest run at the highest rates is validated against it
    const problems = refusedWith(InvalidRunConfig, () =>
      validateRunInput(longestAcceptedInput(), {}, undefined, limits),
    );
    // Then it is refused, naming the limit and the alarms' names
    expect(problems).toEqual([
      expect.stringMatching(/stop-condition alarms that ended its hold.*256 KiB state payload limit/),
    ]);
  });

  test("counts a second of a report's timeline at no more than the smallest one weighs", async () => {
    // Given a short run at the highest rates, whose report keeps its timeline in the state
    const { parts } = await stateAfterEachStep(
      atTheHighestRates({ baselineSeconds: 60, outageSeconds: 120, recoverySeconds: 60, windowSeconds: 60 }),
      WORST,
    );
    // When its smallest second is weighed
    // Then it weighs at least what the estimate's test for a timeline that cannot fit counts
    expect(parts.timelineSecondBytes).toBeGreaterThanOrEqual(STATE_PAYLOAD_BOUNDS.timelineSecondAtLeast);
  });

  test('refuses a run whose state could pass the limit, naming it, and that run would pass it', async () => {
    // Given a run of 1,100 traffic windows, and its state measured as if the validator let it run
    const measured = peakOf(await stateAfterEachStep(THOUSAND_WINDOWS, WORST, configPastTheEstimate(THOUSAND_WINDOWS)));
    // When the validator checks it
    const refusal = refusedWith(InvalidRunConfig, () => validateRunInput(THOUSAND_WINDOWS));
    // Then it is refused, naming Step Functions' limit, and its state would indeed leave no room for a caught error
    expect(refusal).toEqual([expect.stringContaining("Step Functions' 256 KiB state payload limit")]);
    expect(measured.bytes).toBeGreaterThan(MAX_STATE_PAYLOAD_BYTES);
  });

  test('accepts the 1,800 + 3,600 + 1,800 s run at 7,500 + 2,500/s with 40 workers, and its state fits', async () => {
    // Given the run of a 1,800 s baseline, a 3,600 s outage and a 1,800 s recovery at the highest rates
    const input = atTheHighestRates({ baselineSeconds: 1800, outageSeconds: 3600, recoverySeconds: 1800 });
    // When the validator checks it and its state is measured
    const config = validateRunInput(input);
    const peak = peakOf(await stateAfterEachStep(input, WORST));
    // Then it is accepted with 40 workers, and its state stays under the limit with room for a caught error
    expect(config.trafficWorkers).toBe(LONGEST_RUN_WORKERS);
    expect(peak.bytes).toBeLessThanOrEqual(MAX_STATE_PAYLOAD_BYTES);
    expect(peak.bytes).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES);
  });
});
