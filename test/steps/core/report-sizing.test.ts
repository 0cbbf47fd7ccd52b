// The report function's memory: one rule derives it from the measured merge, for the stack and for the bench.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MB_PER_VCPU,
  MEASURED_REPORT_MERGE,
  REPORT_MEMORY_MB,
  REPORT_TIMEOUT_SECONDS,
  reportMemoryFor,
} from '../../../steps/core/report-sizing';

/** The merge's CPU seconds at `memoryMb`'s share of a vCPU. */
const secondsAt = (cpuSeconds: number, memoryMb: number) => cpuSeconds / (memoryMb / MB_PER_VCPU);

describe('the report function memory', () => {
  test('runs a CPU-bound merge in half the timeout, in the smallest 64 MB step that does', () => {
    // Given a merge of 18.3 s of CPU in a process of 283 MB at its peak
    const merge = { cpuSeconds: 18.3, peakRssMb: 283 };
    // When its memory is derived
    const memory = reportMemoryFor(merge);
    // Then its CPU share runs the merge in half the timeout, and 64 MB less would not
    expect(memory % 64).toBe(0);
    expect(secondsAt(merge.cpuSeconds, memory)).toBeLessThanOrEqual(REPORT_TIMEOUT_SECONDS / 2);
    expect(secondsAt(merge.cpuSeconds, memory - 64)).toBeGreaterThan(REPORT_TIMEOUT_SECONDS / 2);
  });

  test("holds a memory-bound merge's peak with a quarter to spare, in the smallest 64 MB step that does", () => {
    // Given a merge of a second of CPU that peaks at 800 MB
    const merge = { cpuSeconds: 1, peakRssMb: 800 };
    // When its memory is derived
    const memory = reportMemoryFor(merge);
    // Then it holds the peak plus a quarter, and 64 MB less would not
    expect(memory % 64).toBe(0);
    expect(memory).toBeGreaterThanOrEqual(merge.peakRssMb * 1.25);
    expect(memory - 64).toBeLessThan(merge.peakRssMb * 1.25);
  });

  test('is the figure docs/benchmarks.md and docs/aws.md record, with the measurement it comes from', () => {
    // Given the recorded merge and the pages that report it
    const root = path.resolve(__dirname, '..', '..', '..');
    const benchmarks = readFileSync(path.join(root, 'docs', 'benchmarks.md'), 'utf8');
    const aws = readFileSync(path.join(root, 'docs', 'aws.md'), 'utf8');
    const section = benchmarks.slice(benchmarks.indexOf('## The report merge'));
    // When their figures are read
    const mb = `${REPORT_MEMORY_MB.toLocaleString('en-US')} MB`;
    // Then both state the measurement and the memory derived from it, which the stack gives the function
    expect(REPORT_MEMORY_MB).toBe(reportMemoryFor(MEASURED_REPORT_MERGE));
    expect(section).toContain(`${MEASURED_REPORT_MERGE.cpuSeconds} s of CPU`);
    expect(section).toContain(`peak RSS ${MEASURED_REPORT_MERGE.peakRssMb} MB`);
    expect(section).toContain(`the stack gives it ${mb}`);
    expect(aws).toContain(`the stack gives it ${mb}`);
  });
});
