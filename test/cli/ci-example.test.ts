// The pipeline example in docs/ci.md: its YAML and JSON parse, it assumes a role by OIDC, and its command runs as the CLI takes it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import { parse } from 'yaml';
import { cloudformation, resetMocks, runThrough, sfn, stackWithOutputs } from './aws/mocks';
import { gameday, MACHINE, passingHistory, terminal } from './aws/support';

const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'ci.md'), 'utf8');

function blocks(language: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

const workflow = parse(blocks('yaml')[0]) as {
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const gamedayStep = steps.find((step) => step.run?.includes('gameday start'));

describe('the pipeline example', () => {
  it('is one workflow whose YAML parses, with a GameDay step', () => {
    // Given the document's YAML block
    // Then it parses to a workflow with a step that starts the GameDay
    expect(blocks('yaml')).toHaveLength(1);
    expect(gamedayStep?.run).toMatch(/^npx gameday start /);
  });

  it('assumes its role by OIDC and stores no keys', () => {
    // Given the workflow
    const credentials = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    // Then it may ask for an OIDC token, assumes a role, and names no access key
    expect(workflow.permissions['id-token']).toBe('write');
    expect(credentials?.with?.['role-to-assume']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(JSON.stringify(workflow)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it('publishes the JUnit file the GameDay writes, also when the GameDay failed', () => {
    // Given the GameDay's --junit path
    const junit = /--junit (\S+)/.exec(gamedayStep?.run ?? '')?.[1];
    // Then a step that runs always publishes that file as test results
    const publish = steps.find((step) => step.with?.report_paths === junit);
    expect(junit).toBeDefined();
    expect(publish?.if).toBe('always()');
  });

  it('shows policies that parse, the trust one limited to one repository and branch', () => {
    // Given the JSON blocks: the trust policy, then the permissions
    const [trust, permissions] = blocks('json').map((text) => JSON.parse(text));
    // Then the trust is for GitHub's OIDC audience and one subject, and the permissions never touch the target
    expect(trust.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toMatch(
      /^repo:[^*]+:ref:refs\/heads\/main$/,
    );
    expect(JSON.stringify(permissions)).not.toMatch(/rds:/);
  });
});

describe("the pipeline example's command", () => {
  beforeEach(() => resetMocks());

  it('runs as the CLI takes it, and writes the JUnit file', async () => {
    // Given a deployed stack whose run passes
    cloudformation.on(DescribeStacksCommand).resolves(stackWithOutputs({ StateMachineArn: MACHINE }));
    const history = passingHistory();
    runThrough(history, history.events.length);
    // When the step's command runs, its JUnit path moved to a scratch directory
    const junit = path.join(mkdtempSync(path.join(tmpdir(), 'gameday-ci-')), 'gameday-junit.xml');
    const args = (gamedayStep?.run ?? '')
      .split(/\s+/)
      .slice(2)
      .map((arg, i, all) => (all[i - 1] === '--junit' ? junit : arg));
    const term = terminal();
    const code = await gameday(term, ...args);
    // Then it exits 0, started the run with the flag's tolerance, and the JUnit file holds the parts
    expect(term.errors).toEqual([]);
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      input: JSON.stringify({ hypothesis: { maxOutageP99Ratio: 3 } }),
    });
    expect(readFileSync(junit, 'utf8').match(/<testcase /g)).toHaveLength(7);
  });
});
