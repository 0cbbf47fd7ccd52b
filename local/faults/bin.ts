// `npm run test:faults`: every fault case as a real local GameDay; a table, a JSON file, exit 1 on any failure.
import '../runner/polyfills';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { FAULT_CASES } from './cases';
import { runFaultMatrix, type CaseResult, type MatrixResult } from './matrix';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What `--json` writes of each case, in this order. */
const JSON_CASE_FIELDS = [
  'name',
  'targetRegisteredAtEnd',
  'ordersLost',
  'ordersDuplicated',
  'verdict',
  'expectedVerdict',
  'passed',
  'problems',
] as const;

/** One line per case: what the matrix checks, then why a failed case failed. */
export function formatCase(result: CaseResult): string {
  const mark = result.passed ? 'PASS' : 'FAIL';
  const line = `${mark}  ${result.name.padEnd(70)} registered=${result.targetRegisteredAtEnd ? 'yes' : 'NO '} lost=${result.ordersLost} dup=${result.ordersDuplicated} verdict=${result.verdict}/${result.expectedVerdict} ${Math.round(result.wallMs / 1000)}s`;
  return result.passed ? line : [line, ...result.problems.map((p) => `      - ${p}`)].join('\n');
}

export function formatSummary(result: MatrixResult): string {
  return `${result.passed} passed, ${result.failed} failed`;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('test:faults')
    .description('run each fault case as a real local GameDay and check the target is restored and no order is lost')
    .option('--json <path>', 'write the results as JSON')
    .option('--only <numbers>', 'run only the cases whose names start with these numbers, e.g. 1,7,11a')
    .parse(argv);
  const options = program.opts<{ json?: string; only?: string }>();
  const wanted = options.only?.split(',').map((s) => s.trim());
  const cases = wanted ? FAULT_CASES.filter((c) => wanted.some((w) => c.name.startsWith(`${w}.`))) : FAULT_CASES;
  if (cases.length === 0) {
    console.error(`test:faults: no case matches --only ${options.only}`);
    return 2;
  }
  console.log(`Fault matrix: ${cases.length} cases, each a local GameDay with one fault`);
  const result = await runFaultMatrix(cases, { onCase: (c) => console.log(formatCase(c)) });
  if (options.json) {
    const json = {
      cases: result.cases.map((c) => Object.fromEntries(JSON_CASE_FIELDS.map((field) => [field, c[field]]))),
      passed: result.passed,
      failed: result.failed,
    };
    await writeFile(options.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  console.log(formatSummary(result));
  return result.failed === 0 ? 0 : 1;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
