// cdk-nag (AwsSolutions) over the GameDay app: no finding left unacknowledged, and every acknowledgement explained.
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildStack, testConfig } from './fixtures';

/** A config that switches on every optional part: stop conditions and the schedule. */
const fullConfig = testConfig({
  stopConditionAlarmNames: ['shop-5xx', 'shop-latency'],
  schedule: { enabled: true, expression: 'cron(0 2 ? * TUE *)', timezone: 'UTC' },
});

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
        found.push({ path: construct.node.path, id, reason });
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions checks', () => {
  test('find no unacknowledged violation in the default stack', () => {
    // Given the stack with the default config, synthesized
    const { app } = buildStack();
    app.synth();

    // When the AwsSolutions pack checks it
    const report = new AwsSolutionsChecks().validateScope(app);

    // Then nothing is left
    expect(report.violations).toEqual([]);
  });

  test('find no unacknowledged violation with stop conditions and the schedule switched on', () => {
    // Given the stack with every optional part, synthesized
    const { app } = buildStack(fullConfig);
    app.synth();

    // When the AwsSolutions pack checks it
    const report = new AwsSolutionsChecks().validateScope(app);

    // Then nothing is left
    expect(report.violations).toEqual([]);
  });

  test('let the app synthesize with the pack registered as a validation plugin', () => {
    // Given the app as the bin entry builds it
    const { app } = buildStack(fullConfig);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // When it is synthesized
    // Then the plugin does not interrupt synthesis
    expect(() => app.synth()).not.toThrow();
  });

  test('report a wildcard grant nobody acknowledged', () => {
    // Given the stack plus one unexplained wildcard grant
    const { app, stack } = buildStack();
    stack.safetyNet.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    app.synth();

    // When the AwsSolutions pack checks it
    const report = new AwsSolutionsChecks().validateScope(app);

    // Then exactly that grant is reported
    expect(report.violations.map((violation) => violation.ruleName)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });

  test('explain every acknowledgement with a written reason', () => {
    // Given the stack with every optional part
    const { stack } = buildStack(fullConfig);

    // When its acknowledgements are collected
    const acks = acknowledgements(stack);

    // Then there are some, and each says why in a sentence
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason).toMatch(/^[A-Z].{40,}\.$/);
  });
});
