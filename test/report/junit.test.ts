// The JUnit a pipeline reads: well-formed, a case per part of the hypothesis, failures and skips where the run says so.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit } from '../../report/junit';
import type { ReportInput, RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { reportWithoutReportStep } from '../../local/runner/run-report';
import { config, fragileRun, passingRun } from '../steps/support/builders';

interface Case {
  name: string;
  failure?: { message: string; '#text'?: string };
  skipped?: { message: string };
}

function parse(text: string): { suite: Record<string, string>; cases: Case[] } {
  expect(XMLValidator.validate(text)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase' || name === 'property',
  }).parse(text);
  const suite = doc.testsuites.testsuite;
  return { suite, cases: suite.testcase as Case[] };
}

const judged = (input: ReportInput): RunReport => buildReport(input).report;

describe('JUnit output', () => {
  it('gives a passing run a case per part of the hypothesis and one for the verdict, none failed', () => {
    // Given the resilient run
    const { suite, cases } = parse(renderJunit(judged(passingRun())));
    // Then six cases pass and the suite counts them
    expect(cases.map((c) => c.name)).toEqual([
      'the traffic left at its intended times',
      'steady state before the fault',
      'the fault bit',
      'customers served during the outage',
      'the shop serves from the database again',
      'queues drained and every order recorded once',
      'verdict',
    ]);
    expect(cases.filter((c) => c.failure || c.skipped)).toEqual([]);
    expect(suite).toMatchObject({ tests: '7', failures: '0', skipped: '0' });
  });

  it('fails the broken part and the verdict of the fragile build, with the bounds in the failure', () => {
    // Given the fragile build
    const { suite, cases } = parse(renderJunit(judged(fragileRun())));
    // Then the outage part and the verdict fail, the bound that broke named
    expect(cases.filter((c) => c.failure).map((c) => c.name)).toEqual([
      'customers served during the outage',
      'verdict',
    ]);
    expect(cases[3].failure?.['#text']).toContain('maxFailedReadsPercent 0: 100 (broken)');
    expect(suite.failures).toBe('2');
  });

  it('skips a part the run did not observe, saying why', () => {
    // Given a dry run
    const input = passingRun();
    input.config = config({ outageSeconds: 20, recoverySeconds: 10, dryRun: true });
    input.experiment.fault = {
      ...input.experiment.fault,
      dryRun: true,
      deregisteredAt: null,
      registeredAt: null,
      availableAt: null,
    };
    const { cases } = parse(renderJunit(judged(input)));
    // Then the fault's case is skipped with the reason, and nothing failed
    expect(cases.find((c) => c.name === 'the fault bit')?.skipped?.message).toBe(
      'not observed: dry run: the fault was not injected',
    );
    expect(cases.filter((c) => c.failure)).toEqual([]);
  });

  /** The report of a run that ended `verdict` before its report step, for `reason`, after `transitions` states. */
  const endedEarly = (verdict: 'failed' | 'skipped', reason: string, transitions: number) =>
    reportWithoutReportStep({
      runId: 'r',
      startedAt: '2026-11-27T02:00:00.000Z',
      degradation: true,
      config: null,
      verdict,
      reasons: [reason],
      registeredAtEnd: true,
      queue: { remaining: 0, dlq: 0 },
      transitions,
    });

  it('fails the verdict of a run that ended before anything could be judged', () => {
    // Given a run refused in preflight
    const report = endedEarly('failed', 'preflight: the target is not registered', 3);
    const { cases } = parse(renderJunit(report));
    // Then every part is skipped and the verdict fails with the reason
    expect(cases.filter((c) => c.skipped)).toHaveLength(6);
    expect(cases.find((c) => c.name === 'verdict')?.failure?.['#text']).toBe('preflight: the target is not registered');
  });

  it('marks a skipped run skipped, never failed nor passed, naming why', () => {
    // Given a run skipped by a change freeze before any harm
    const report = endedEarly('skipped', 'change freeze: calendar release-freeze is CLOSED', 4);
    const { suite, cases } = parse(renderJunit(report));
    // Then nothing failed and the verdict's case is skipped with the calendar named
    expect(suite.failures).toBe('0');
    expect(cases.find((c) => c.name === 'verdict')?.skipped?.message).toBe(
      'skipped: change freeze: calendar release-freeze is CLOSED',
    );
  });

  it('escapes what the report says, so any reason stays well-formed', () => {
    // Given a reason with markup, quotes and a control character
    const report = { ...judged(fragileRun()), reasons: ['<b>"x" & \'y\'\u0007</b>'] };
    // When rendered
    const { cases } = parse(renderJunit(report));
    // Then it parses and reads back as written, less the control character
    expect(cases.find((c) => c.name === 'verdict')?.failure?.['#text']).toBe('<b>"x" & \'y\'</b>');
  });
});
