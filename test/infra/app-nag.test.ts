// cdk-nag (AwsSolutions) over the whole app in each of its modes: nothing left unacknowledged, every acknowledgement explained.
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { SHOP_LAB_NAG_ACKNOWLEDGEMENTS } from '../../infra/stacks/shop-lab-stack';
import { sharedAppFor } from './shop-lab-fixtures';

describe('cdk-nag AwsSolutions checks of the app', () => {
  test.each([
    ['the lab with degradation on', {}],
    ['the lab with degradation off', { enableDegradation: 'false' }],
    ['an own target', { gameday: EXAMPLE_GAMEDAY_CONTEXT }],
  ])('find no unacknowledged violation with %s', (_mode, context) => {
    // Given the app in that mode, synthesized
    const { app } = sharedAppFor(context);
    app.synth();

    // When the AwsSolutions pack checks it
    const report = new AwsSolutionsChecks().validateScope(app);

    // Then nothing is left
    expect(report.violations).toEqual([]);
  });

  test("explain every one of the lab's acknowledgements with a written reason", () => {
    // Given the lab's acknowledgements
    const { lab } = sharedAppFor({});
    const reasons: string[] = [];
    for (const construct of lab!.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        // CDK acknowledges some of its own template checks too; only cdk-nag's are ours.
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          if (id.includes('AwsSolutions-')) reasons.push(reason);
      }
    }

    // When they are compared with the documented list
    // Then each documented reason is used, and each used one is a sentence
    expect(new Set(reasons)).toEqual(new Set(Object.values(SHOP_LAB_NAG_ACKNOWLEDGEMENTS)));
    for (const reason of reasons) expect(reason).toMatch(/^[A-Z].{40,}\.$/);
  });
});
