// The run as JUnit XML for a CI pipeline: one test case per part of the hypothesis, and one for the verdict.
import type { HypothesisCheck, RunReport, Verdict } from '../steps/core/contracts';

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .split('')
    .filter((ch) => !isForbiddenInXml(ch.charCodeAt(0)))
    .join('');
}

/** XML 1.0 has no escape for the control characters other than tab, newline and carriage return: they are dropped. */
function isForbiddenInXml(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
}

/** A check's bounds as a reader wants them beside a failure: `name limit: measured`. */
function describeBounds(check: HypothesisCheck): string {
  return check.bounds
    .map(
      (b) =>
        `${b.name} ${b.limit ?? 'no bound'}: ${b.measured ?? 'not measured'}${b.held === false ? ' (broken)' : ''}`,
    )
    .join('\n');
}

function checkCase(check: HypothesisCheck): { xml: string; failed: boolean; skipped: boolean } {
  const open = `    <testcase classname="gameday.hypothesis" name="${xml(check.title)}" time="0">`;
  const out = `      <system-out>${xml(JSON.stringify(check.numbers))}</system-out>`;
  if (!check.observed)
    return {
      xml: `${open}\n      <skipped message="${xml(`not observed: ${check.detail}`)}"/>\n${out}\n    </testcase>`,
      failed: false,
      skipped: true,
    };
  if (!check.held) {
    return {
      xml: `${open}\n      <failure message="${xml(check.detail)}" type="HypothesisNotHeld">${xml(describeBounds(check))}</failure>\n${out}\n    </testcase>`,
      failed: true,
      skipped: false,
    };
  }
  return { xml: `${open}\n${out}\n    </testcase>`, failed: false, skipped: false };
}

/** The verdict as a test case: a failed or aborted run fails it even when no part could be judged (a run refused in preflight). */
function verdictCase(verdict: Verdict, reasons: readonly string[]): { xml: string; failed: boolean; skipped: boolean } {
  const open = '    <testcase classname="gameday" name="verdict" time="0">';
  const why = xml(reasons.join('\n'));
  if (verdict === 'failed' || verdict === 'aborted') {
    return {
      xml: `${open}\n      <failure message="${xml(`the run ${verdict}`)}" type="${verdict === 'failed' ? 'RunFailed' : 'RunAborted'}">${why}</failure>\n    </testcase>`,
      failed: true,
      skipped: false,
    };
  }
  // A skipped run (a change freeze, outside its window, halted) harmed nothing and judged nothing: a CI pipeline shows it skipped, not green.
  if (verdict === 'skipped')
    return {
      xml: `${open}\n      <skipped message="${xml(`skipped: ${reasons.join('; ')}`)}"/>\n    </testcase>`,
      failed: false,
      skipped: true,
    };
  if (verdict === 'inconclusive')
    return {
      xml: `${open}\n      <skipped message="${xml(`inconclusive: ${reasons.join('; ')}`)}"/>\n    </testcase>`,
      failed: false,
      skipped: true,
    };
  return { xml: `${open}\n      <system-out>${why}</system-out>\n    </testcase>`, failed: false, skipped: false };
}

/** What the JUnit is made of: a run report, or what is known of a run that ended before its report step. */
export type JunitSubject = Pick<RunReport, 'runId' | 'startedAt' | 'verdict' | 'reasons' | 'degradation'> &
  Partial<Pick<RunReport, 'hypothesis' | 'timeline'>>;

/** Seconds the run's traffic covered, from its timeline. */
function runSeconds(report: JunitSubject): number {
  if (!report.timeline || report.timeline.length === 0) return 0;
  return (Math.max(...report.timeline.map((b) => b.t)) + 1000 - Math.min(...report.timeline.map((b) => b.t))) / 1000;
}

/**
 * One `<testsuite>` for the run. A check that did not hold is a `<failure>`, one that was not
 * observed a `<skipped>`; the verdict's own case fails for a failed or aborted run.
 */
export function renderJunit(report: JunitSubject): string {
  const cases = [...(report.hypothesis?.checks ?? []).map(checkCase), verdictCase(report.verdict, report.reasons)];
  const failures = cases.filter((c) => c.failed).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const time = runSeconds(report).toFixed(1);
  const tolerances = Object.entries(report.hypothesis?.tolerances ?? {}).map(
    ([name, value]) => `      <property name="${xml(name)}" value="${xml(String(value))}"/>`,
  );
  const properties = [
    `      <property name="runId" value="${xml(report.runId)}"/>`,
    `      <property name="verdict" value="${report.verdict}"/>`,
    `      <property name="degradation" value="${String(report.degradation)}"/>`,
    ...tolerances,
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="GameDay" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${xml(`GameDay ${report.runId}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${xml(report.startedAt)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
