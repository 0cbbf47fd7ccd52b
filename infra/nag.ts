// cdk-nag acknowledgements: each names exactly one finding on one construct, with the reason it is accepted.
import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag 3 keeps the function that spells a finding's resource in its utils; its index does not export it.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/** Acknowledges one rule on `scope` (and everything under it). */
export function acknowledgeRule(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: ruleId, reason });
}

/**
 * Acknowledges AwsSolutions-IAM5 for one wildcard resource, spelled as cdk-nag spells it
 * (`<Logical.Arn>:*`, `<AWS::Partition>`), so the acknowledgement covers that resource only.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const spelled = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledgeRule(scope, `AwsSolutions-IAM5[Resource::${spelled}]`, reason);
}
