// The AWS SDK's own models of the operations the state machine calls, read the way Step Functions spells them.
// Each @aws-sdk/client-* package ships its operations' schemas (`<Operation>$`: input members, which are required)
// and, in each command's declaration, the errors the model says the operation throws.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What a Step Functions AWS SDK integration (`aws-sdk:<service>:<action>`) maps to. */
interface SdkService {
  /** The AWS SDK for JavaScript v3 client package holding the model. */
  readonly client: string;
  /** The prefix of its error names in Step Functions: the AWS SDK for Java v2 client's name (`Rds`). */
  readonly errorPrefix: string;
}

/** Every service the definitions call through `aws-sdk:` integrations; a service missing here fails the test that reads it. */
export const SDK_SERVICES: Readonly<Record<string, SdkService>> = {
  rds: { client: '@aws-sdk/client-rds', errorPrefix: 'Rds' },
  sqs: { client: '@aws-sdk/client-sqs', errorPrefix: 'Sqs' },
  cloudwatch: { client: '@aws-sdk/client-cloudwatch', errorPrefix: 'CloudWatch' },
  cloudwatchlogs: { client: '@aws-sdk/client-cloudwatch-logs', errorPrefix: 'CloudWatchLogs' },
  lambda: { client: '@aws-sdk/client-lambda', errorPrefix: 'Lambda' },
  dynamodb: { client: '@aws-sdk/client-dynamodb', errorPrefix: 'DynamoDb' },
  sns: { client: '@aws-sdk/client-sns', errorPrefix: 'Sns' },
  ssm: { client: '@aws-sdk/client-ssm', errorPrefix: 'Ssm' },
};

/**
 * A model name as the AWS SDK for Java v2 spells it, which is how Step Functions names SDK-integration
 * parameters: split at word boundaries (an upper-case run is one word), each word capitalized and the
 * rest lower-cased. `DBProxyName` -> `DbProxyName`, `QueueUrl` -> `QueueUrl`.
 */
export function javaV2Name(name: string): string {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [];
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join('');
}

/** An error shape's name as the Java v2 SDK names its exception class (`DBProxyTargetNotFoundFault` -> `DbProxyTargetNotFoundException`). */
export function javaV2ExceptionName(shape: string): string {
  if (shape.endsWith('Fault')) return `${javaV2Name(shape.slice(0, -'Fault'.length))}Exception`;
  if (shape.endsWith('Exception')) return javaV2Name(shape);
  return `${javaV2Name(shape)}Exception`;
}

const STRUCTURE = 3;
const LIST = 1;

/** A v3 schema (a primitive code, a thunk, `[schema, traits]`, or a list/map/structure tuple) down to its tuple or code. */
function deref(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    if (typeof current === 'function') current = (current as () => unknown)();
    else if (
      Array.isArray(current) &&
      current.length === 2 &&
      (typeof current[0] === 'function' || typeof current[0] === 'number')
    )
      current = current[0];
    else return current;
  }
}

/** One structure of the model: its members in Step Functions' spelling, which of them are required, and each member's schema. */
export interface ModelStructure {
  readonly name: string;
  readonly members: ReadonlyArray<{
    readonly name: string;
    readonly sfnName: string;
    readonly required: boolean;
    readonly schema: unknown;
  }>;
}

/** The structure a schema is (or lists), or undefined for a primitive or a map. */
export function structureOf(schema: unknown): ModelStructure | undefined {
  let resolved = deref(schema);
  if (Array.isArray(resolved) && resolved[0] === LIST) resolved = deref(resolved[4]);
  if (!Array.isArray(resolved) || resolved[0] !== STRUCTURE) return undefined;
  const [, , name, , memberNames, memberSchemas, requiredCount] = resolved as [
    number,
    string,
    string,
    unknown,
    string[],
    unknown[],
    number | undefined,
  ];
  return {
    name,
    members: memberNames.map((member, index) => ({
      name: member,
      sfnName: javaV2Name(member),
      required: index < (requiredCount ?? 0),
      schema: memberSchemas[index],
    })),
  };
}

/** Loads a client package by the name the table maps a service to. */
const load = createRequire(__filename);

/** Thrown when a model the test needs is not installed or not where the SDK keeps it. */
export class MissingModel extends Error {
  override readonly name = 'MissingModel';
}

function serviceOf(service: string): SdkService {
  const found = SDK_SERVICES[service];
  if (!found)
    throw new MissingModel(
      `no SDK model is mapped for the Step Functions service "${service}": add it to SDK_SERVICES`,
    );
  return found;
}

/** The input structure of `service`'s operation `action` (`describeDBProxyTargets`). */
export function operationInput(service: string, action: string): ModelStructure {
  const { client } = serviceOf(service);
  const operation = `${action.charAt(0).toUpperCase()}${action.slice(1)}`;
  const schema = (load(client) as Record<string, unknown>)[`${operation}$`];
  if (!Array.isArray(schema)) throw new MissingModel(`${client} has no operation ${operation}`);
  const input = structureOf(schema[4]);
  if (!input) throw new MissingModel(`${client} ${operation} has no input structure`);
  return input;
}

/** The errors the model says `action` throws, in Step Functions' spelling, with the client's catch-all base exception. */
export function operationErrors(service: string, action: string): string[] {
  const { client, errorPrefix } = serviceOf(service);
  const operation = `${action.charAt(0).toUpperCase()}${action.slice(1)}`;
  const declaration = join(
    dirname(load.resolve(`${client}/package.json`)),
    'dist-types',
    'commands',
    `${operation}Command.d.ts`,
  );
  const thrown = [
    ...readFileSync(declaration, 'utf8').matchAll(/@throws \{@link (\w+)\} \((?:client|server) fault\)/g),
  ].map(([, shape]) => shape);
  // An error the model does not name reaches Step Functions as the client's base exception (`Rds.RdsException`).
  return [
    ...thrown.map((shape) => `${errorPrefix}.${javaV2ExceptionName(shape)}`),
    `${errorPrefix}.${errorPrefix}Exception`,
  ];
}
