// The terminal table: the rows the HTML report shows, laid out as the seed printed them.
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { chartData, renderHtmlReport } from '../../report/html-report';
import { compareRows, runRows } from '../../report/report-rows';
import { formatCompareTable, formatRunTable } from '../../report/result-table';
import { passingRun } from '../steps/support/builders';

const NO_ASSETS = { script: '', css: '' };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function report(change: Partial<RunReport> = {}): RunReport {
  return { ...buildReport(passingRun()).report, ...change };
}

describe('result table', () => {
  it('shows every row of the run that the HTML report shows', () => {
    // Given a run that failed with orders left on the queue
    const run = report({ verdict: 'failed', queue: { remaining: 3, dlq: 4 }, target: { registeredAtEnd: false } });
    // When both renderers render it
    const table = formatRunTable(run, 'GameDay');
    const html = renderHtmlReport(run, NO_ASSETS);
    // Then each row's value (or each of its named parts) is in the terminal table, and in the HTML table
    for (const row of runRows(run)) {
      for (const part of row.parts ?? [row])
        expect(table).toMatch(new RegExp(`${escapeRegExp(part.label)}: +${escapeRegExp(part.value)}`));
      expect(html).toContain(`<tr><th>${row.label}</th><td>${row.value}</td></tr>`);
    }
  });

  it('says how the traffic ran and that the error budget ended the hold', () => {
    // Given a run over three workers whose hold the error budget ended
    const base = report();
    const run = report({
      traffic: { ...base.traffic, workers: 3, windows: { baseline: 1, experiment: 6 }, maxStartLagMs: 74 },
      fault: { ...base.fault, haltedBy: 'errorBudget' },
    });
    // When its table is printed
    // Then the traffic line names the workers, the windows, the worst start lag and the halt
    expect(formatRunTable(run, 'GameDay')).toContain(
      'Traffic: 3 workers, windows baseline 1 + experiment 6, start lag at most 74 ms; the error budget ended the hold',
    );
  });

  it('shows the warm-up apart, not judged, and nothing of it when none ran', () => {
    // Given a run with a 5 s warm-up (one of its reads failed) and one without
    const sendLagMs = { count: 21, p50: 0, p99: 3, max: 4, late: 0 };
    const warmUp = {
      seconds: 5,
      windows: 1,
      startedAtMs: 0,
      endedAtMs: 5_000,
      reads: { database: 14, cache: 0, failed: 1 },
      writes: { ok: 5, queued: 0, stockOut: 0, failed: 0 },
      latencyMs: { p50: 12, p99: 2_100 },
      sendLagMs,
    };
    // When their tables are printed
    // Then the first has a line of its own for the warm-up, the second none
    expect(formatRunTable(report({ warmUp }), 'GameDay')).toContain(
      'Warm-up (not judged): 5 s, 20 requests, 1 failed, p50/p99 12/2100 ms, send lag p99 3 ms',
    );
    expect(formatRunTable(report({ warmUp: null }), 'GameDay')).not.toContain('Warm-up');
  });

  it('aligns the reads and writes values in one column', () => {
    // Given a passing run
    // When its table is printed
    const lines = formatRunTable(report(), 'GameDay').split('\n');
    // Then the reads counts start where the writes counts start
    const reads = lines.find((line) => line.trim().startsWith('Reads:')) ?? '';
    const writes = lines.find((line) => line.trim().startsWith('Writes:')) ?? '';
    expect(reads.indexOf('DB=')).toBe(writes.indexOf('OK='));
  });

  it('lists the reasons under the verdict', () => {
    // Given a failed run with two reasons
    const lines = formatRunTable(
      report({ verdict: 'failed', reasons: ['60 reads failed', '2 orders lost'] }),
      'GameDay',
    ).split('\n');
    // When the table is printed
    // Then the verdict comes last but for its reasons, one per line
    expect(lines.slice(-3)).toEqual(['  Verdict: FAILED', '    - 60 reads failed', '    - 2 orders lost']);
  });

  it('starts each run of the compare table in its own column', () => {
    // Given a fragile run and a resilient one
    const before = report({ verdict: 'failed', degradation: false });
    const after = report();
    // When the BEFORE/AFTER table is printed
    const lines = formatCompareTable(before, after).split('\n');
    // Then every row's AFTER value starts under the AFTER heading
    const afterColumn = lines[0].indexOf('AFTER');
    expect(lines.slice(1).map((line) => line.slice(afterColumn))).toEqual(
      compareRows(before, after).map((row) => row.after),
    );
  });

  it('lists each part of the hypothesis with its state and the bounds it was judged by', () => {
    // Given a run judged with a p99 bound it broke
    const input = passingRun();
    input.config = { ...input.config, hypothesis: { ...input.config.hypothesis, maxOutageP99Ratio: 2 } };
    const lines = formatRunTable(buildReport(input).report, 'GameDay').split('\n');
    // When the hypothesis block is read
    const block = lines.slice(
      lines.findIndex((l) => l.includes('Hypothesis:')),
      lines.findIndex((l) => l.includes('Verdict:')),
    );
    // Then it counts the parts that held and names the broken one with its bound and measured ratio
    expect(block[0]).toBe('  Hypothesis: 5 of 6 parts held');
    expect(block.slice(1).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
      'held',
      'held',
      'held',
      'broken',
      'held',
      'held',
    ]);
    expect(block[4]).toContain('customers served during the outage');
    expect(block[4]).toContain('maxOutageP99Ratio 2: 4]');
  });
});

describe('latency of a phase with no requests', () => {
  /** A dry run's report: the outage served nothing, its latency summary is zeros. */
  function dryRunReport(): RunReport {
    const base = report();
    const none = { reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } };
    return {
      ...base,
      phases: { ...base.phases, outage: none },
      latencyMs: { ...base.latencyMs, outage: { p50: 0, p99: 0 } },
    };
  }

  it('is n/a in the terminal table, beside the measured phases', () => {
    // Given a run whose outage served no request
    const run = dryRunReport();
    // When its table is printed
    const latency =
      formatRunTable(run, 'GameDay')
        .split('\n')
        .find((line) => line.includes('Latency')) ?? '';
    // Then the outage says n/a and the baseline its measured figures
    expect(latency).toContain('outage n/a');
    expect(latency).toContain(`baseline ${run.latencyMs.baseline.p50}/${run.latencyMs.baseline.p99}`);
    expect(latency).not.toContain('0/0');
  });

  it("is n/a in the HTML report's phase table, and a gap in its latency chart", () => {
    // Given the same run
    const run = dryRunReport();
    // When it is rendered as HTML
    const html = renderHtmlReport(run, NO_ASSETS);
    // Then the outage row ends with n/a, and no second of the outage is charted as 0 ms
    expect(html).toMatch(/<tr><th>outage<\/th>(<td>0<\/td>){7}<td>n\/a<\/td><\/tr>/);
    const data = chartData({
      ...run,
      timeline: [
        { t: 0, phase: 'baseline', ...run.phases.baseline! },
        { t: 1000, phase: 'outage', ...run.phases.outage! },
      ],
    });
    expect(data.latency?.p99).toEqual([run.latencyMs.baseline.p99, null]);
  });
});
