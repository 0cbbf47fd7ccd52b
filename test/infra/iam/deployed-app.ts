// The synthesized app as AWS would hold it once deployed: every intrinsic resolved to a concrete value, each resource's ARN and tags.
// Physical ids follow the shapes AWS gives them (a proxy is `db-proxy:prx-<17 hex>`, a secret ARN ends in 6 random characters),
// so an IAM simulation sees the same ARNs a real account would.
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

/** One deployed resource: what `Ref` returns, its attributes, its tags. */
export interface PhysicalResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** Thrown when a template holds something this model of a deployment does not know: extend it, never guess. */
export class UnmodelledTemplate extends Error {
  override readonly name = 'UnmodelledTemplate';
}

/** A stable 17-hex-digit id derived from a name, the shape of RDS Proxy ids. */
function hexId(seed: string, length = 17): string {
  let hash = 2166136261;
  let out = '';
  while (out.length < length) {
    for (const char of `${seed}${out.length}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
    out += hash.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** The app's stacks as deployed in one account and region. */
export class DeployedApp {
  private readonly templates = new Map<string, CfnTemplate>();
  private readonly physical = new Map<string, PhysicalResource>();
  private readonly resolving = new Set<string>();

  constructor(stacks: readonly Stack[]) {
    for (const stack of stacks) this.templates.set(stack.stackName, Template.fromStack(stack).toJSON() as CfnTemplate);
  }

  /** The template of one stack. */
  template(stackName: string): CfnTemplate {
    const template = this.templates.get(stackName);
    if (!template) throw new UnmodelledTemplate(`no stack ${stackName}`);
    return template;
  }

  /** Every resource of `type` in the app. */
  resourcesOfType(type: string): PhysicalResource[] {
    return [...this.templates.entries()].flatMap(([stackName, template]) =>
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([logicalId]) => this.resource(stackName, logicalId)),
    );
  }

  /** The one resource of `type` whose logical id starts with `prefix`. */
  only(type: string, prefix = ''): PhysicalResource {
    const found = this.resourcesOfType(type).filter((resource) => resource.logicalId.startsWith(prefix));
    if (found.length !== 1)
      throw new UnmodelledTemplate(
        `expected one ${type} "${prefix}*", found ${found.map((resource) => resource.logicalId).join(', ') || 'none'}`,
      );
    return found[0];
  }

  /** The tags of the resource whose ARN (or Ref) is `arn`; undefined when the app does not hold it. */
  tagsOf(arn: string): Readonly<Record<string, string>> | undefined {
    for (const [stackName, template] of this.templates) {
      for (const logicalId of Object.keys(template.Resources)) {
        const resource = this.resource(stackName, logicalId);
        if (resource.ref === arn || Object.values(resource.attributes).includes(arn)) return resource.tags;
      }
    }
    return undefined;
  }

  /** The key policy of the KMS key whose ARN is `arn`, resolved; undefined for any other resource. */
  keyPolicyOf(arn: string): unknown {
    for (const [stackName, template] of this.templates) {
      for (const [logicalId, cfn] of Object.entries(template.Resources)) {
        if (cfn.Type === 'AWS::KMS::Key' && this.resource(stackName, logicalId).attributes.Arn === arn)
          return this.resolve(stackName, cfn.Properties?.KeyPolicy);
      }
    }
    return undefined;
  }

  /** `value` with every intrinsic resolved, as evaluated in `stackName`. */
  resolve(stackName: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(stackName, item));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::')))
      return this.intrinsic(stackName, entries[0][0], entries[0][1]);
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(stackName, item)]));
  }

  /** `value` resolved, which must come out a string. */
  resolveString(stackName: string, value: unknown): string {
    const resolved = this.resolve(stackName, value);
    if (typeof resolved !== 'string')
      throw new UnmodelledTemplate(`${JSON.stringify(value)} does not resolve to a string`);
    return resolved;
  }

  private intrinsic(stackName: string, name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref': {
        const target = argument as string;
        if (target in PSEUDO) return PSEUDO[target];
        if (target === 'AWS::StackName') return stackName;
        return this.resource(stackName, target).ref;
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = argument as [string, string];
        const resource = this.resource(stackName, logicalId);
        const found = resource.attributes[attribute];
        if (found === undefined)
          throw new UnmodelledTemplate(`${resource.type} ${logicalId}: attribute ${attribute} is not modelled`);
        return found;
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (this.resolve(stackName, parts) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [number, unknown];
        return (this.resolve(stackName, list) as unknown[])[index];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return this.resolveString(stackName, text).split(separator);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolveString(stackName, argument);
        for (const [producer, template] of this.templates) {
          const output = Object.values(template.Outputs ?? {}).find(
            (candidate) => candidate.Export?.Name === exportName,
          );
          if (output) return this.resolve(producer, output.Value);
        }
        throw new UnmodelledTemplate(`no stack exports ${exportName}`);
      }
      default:
        throw new UnmodelledTemplate(`intrinsic ${name} is not modelled`);
    }
  }

  /** The deployed form of one resource, built once. */
  resource(stackName: string, logicalId: string): PhysicalResource {
    const key = `${stackName}/${logicalId}`;
    const known = this.physical.get(key);
    if (known) return known;
    if (this.resolving.has(key)) throw new UnmodelledTemplate(`${key} refers to itself`);
    this.resolving.add(key);
    const cfn = this.template(stackName).Resources[logicalId];
    if (!cfn) throw new UnmodelledTemplate(`${stackName} has no resource ${logicalId}`);
    const props = cfn.Properties ?? {};
    const prop = (name: string): string | undefined =>
      props[name] === undefined ? undefined : this.resolveString(stackName, props[name]);
    const generated = `${stackName}-${logicalId}-${hexId(key, 12).toUpperCase()}`;
    const { ref, attributes } = this.shape(cfn.Type, {
      key,
      prop,
      generated,
      resolve: (value) => this.resolveString(stackName, value),
      props,
    });
    const tags = Object.fromEntries(
      ((this.resolve(stackName, props.Tags) ?? []) as Array<{ Key: string; Value: string }>).map((tag) => [
        tag.Key,
        tag.Value,
      ]),
    );
    const resource: PhysicalResource = { stackName, logicalId, type: cfn.Type, ref, attributes, tags };
    this.resolving.delete(key);
    this.physical.set(key, resource);
    return resource;
  }

  private shape(
    type: string,
    ctx: {
      key: string;
      prop: (name: string) => string | undefined;
      generated: string;
      resolve: (value: unknown) => string;
      props: Record<string, unknown>;
    },
  ): { ref: string; attributes: Record<string, string> } {
    const { key, prop, generated } = ctx;
    const regional = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
    switch (type) {
      case 'AWS::Lambda::Function': {
        const name = prop('FunctionName') ?? generated.slice(0, 64);
        return { ref: name, attributes: { Arn: regional('lambda', `function:${name}`) } };
      }
      case 'AWS::DynamoDB::Table': {
        const name = prop('TableName') ?? generated;
        return { ref: name, attributes: { Arn: regional('dynamodb', `table/${name}`) } };
      }
      case 'AWS::SQS::Queue': {
        const name = prop('QueueName') ?? generated;
        const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
        return { ref: url, attributes: { Arn: regional('sqs', name), QueueName: name, QueueUrl: url } };
      }
      case 'AWS::RDS::DBProxy': {
        const name = prop('DBProxyName') ?? generated.toLowerCase();
        return {
          ref: name,
          attributes: {
            DBProxyArn: regional('rds', `db-proxy:prx-${hexId(key)}`),
            Endpoint: `${name}.proxy-${hexId(key, 12)}.${REGION}.rds.amazonaws.com`,
          },
        };
      }
      case 'AWS::RDS::DBProxyTargetGroup': {
        const name = prop('TargetGroupName') ?? 'default';
        return {
          ref: name,
          attributes: { TargetGroupArn: regional('rds', `target-group:prx-tg-${hexId(key)}`), TargetGroupName: name },
        };
      }
      case 'AWS::RDS::DBCluster': {
        const id = (prop('DBClusterIdentifier') ?? generated).toLowerCase();
        const host = `${id}.cluster-${hexId(key, 12)}.${REGION}.rds.amazonaws.com`;
        return {
          ref: id,
          attributes: {
            DBClusterArn: regional('rds', `cluster:${id}`),
            'Endpoint.Address': host,
            'Endpoint.Port': '5432',
            DBClusterResourceId: `cluster-${hexId(key, 26).toUpperCase()}`,
          },
        };
      }
      case 'AWS::RDS::DBInstance': {
        const id = (prop('DBInstanceIdentifier') ?? generated).toLowerCase();
        return {
          ref: id,
          attributes: {
            DBInstanceArn: regional('rds', `db:${id}`),
            'Endpoint.Address': `${id}.${hexId(key, 12)}.${REGION}.rds.amazonaws.com`,
            'Endpoint.Port': '5432',
          },
        };
      }
      case 'AWS::SecretsManager::Secret': {
        const name = prop('Name') ?? generated;
        return { ref: regional('secretsmanager', `secret:${name}-${hexId(key, 6)}`), attributes: {} };
      }
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return { ref: ctx.resolve(ctx.props.SecretId), attributes: {} };
      case 'AWS::Logs::LogGroup': {
        const name = prop('LogGroupName') ?? generated;
        return { ref: name, attributes: { Arn: regional('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::Logs::LogStream':
        return { ref: prop('LogStreamName') ?? generated, attributes: {} };
      case 'AWS::S3::Bucket': {
        const name = prop('BucketName') ?? generated.toLowerCase();
        return {
          ref: name,
          attributes: { Arn: `arn:aws:s3:::${name}`, RegionalDomainName: `${name}.s3.${REGION}.amazonaws.com` },
        };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = prop('StateMachineName') ?? generated;
        const arn = regional('states', `stateMachine:${name}`);
        return { ref: arn, attributes: { Arn: arn, Name: name } };
      }
      case 'AWS::ApiGatewayV2::Api': {
        const id = hexId(key, 10);
        return { ref: id, attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com` } };
      }
      case 'AWS::IAM::Role': {
        const name = prop('RoleName') ?? generated.slice(0, 64);
        return {
          ref: name,
          attributes: { Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleId: `AROA${hexId(key, 17).toUpperCase()}` },
        };
      }
      case 'AWS::Scheduler::Schedule': {
        const name = prop('Name') ?? generated;
        return { ref: name, attributes: { Arn: regional('scheduler', `schedule/default/${name}`) } };
      }
      case 'AWS::Events::Rule': {
        const name = prop('Name') ?? generated;
        return { ref: name, attributes: { Arn: regional('events', `rule/${name}`) } };
      }
      case 'AWS::SNS::Topic': {
        const name = prop('TopicName') ?? generated;
        const arn = regional('sns', name);
        return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
      }
      case 'AWS::KMS::Key': {
        // A key id is a UUID.
        const hex = hexId(key, 32);
        const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
        return { ref: id, attributes: { Arn: regional('kms', `key/${id}`), KeyId: id } };
      }
      case 'AWS::EC2::SecurityGroup':
        return { ref: `sg-${hexId(key)}`, attributes: { GroupId: `sg-${hexId(key)}` } };
      case 'AWS::EC2::VPC':
        return { ref: `vpc-${hexId(key)}`, attributes: { CidrBlock: '10.0.0.0/16' } };
      case 'AWS::EC2::Subnet':
        return { ref: `subnet-${hexId(key)}`, attributes: {} };
      case 'AWS::EC2::VPCEndpoint':
        return { ref: `vpce-${hexId(key)}`, attributes: {} };
      default:
        // Anything else is referred to only by Ref, as an opaque id; an attribute of it fails loudly above.
        return { ref: generated, attributes: {} };
    }
  }
}
