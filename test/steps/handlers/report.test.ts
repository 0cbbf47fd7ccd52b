// The BuildReport step returns the report, the verdict and the metric data.
import { handler } from '../../../steps/handlers/report';
import { passingRun, seconds, T0, trafficResult } from '../support/builders';

describe('report handler', () => {
  it('returns the verdict beside the report and its metric data', async () => {
    // Given the state of a run that held
    // When the step runs
    const output = await handler(passingRun());
    // Then the verdict is given at the top and inside the report
    expect(output.verdict).toBe('passed');
    expect(output.report.verdict).toBe('passed');
    expect(output.reasons).toEqual(output.report.reasons);
    expect(output.metricData.length).toBeGreaterThan(0);
  });

  it('keeps the output of the seed experiment well under the 256 KB payload cap', async () => {
    // Given the state of a run as long as the seed's (30 s baseline, 180 + 60 s experiment)
    const input = passingRun();
    input.baseline = trafficResult('baseline', seconds(T0, 30, { database: 3 }, { ok: 1 }));
    input.experiment.traffic = trafficResult('experiment', seconds(T0 + 31_000, 240, { cache: 3 }, { queued: 1 }));
    // When the step runs
    const output = await handler(input);
    // Then input and output together stay far below the cap
    expect(JSON.stringify(input).length + JSON.stringify(output).length).toBeLessThan(200_000);
  });
});
