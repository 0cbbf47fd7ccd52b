// Every SDK-integration Task of the three modes' definitions, checked against the AWS SDK's own models: each parameter
// a member of its operation in Step Functions' spelling (the Java v2 SDK's), every required member present, and
// every error a Retry or Catch names one the model (or Step Functions) defines.
import { Template } from 'aws-cdk-lib/assertions';
import { allStates, type AslDefinition, type AslState, definitionOf } from './fixtures';
import { APP_MODES, type AppMode, sharedAppFor } from './shop-lab-fixtures';
import {
  javaV2ExceptionName,
  javaV2Name,
  type ModelStructure,
  operationErrors,
  operationInput,
  structureOf,
} from './sdk-models';

/** The error names of the Amazon States Language itself. */
const STATES_ERRORS = new Set([
  'States.ALL',
  'States.HeartbeatTimeout',
  'States.Timeout',
  'States.TaskFailed',
  'States.Permissions',
  'States.ResultPathMatchFailure',
  'States.ParameterPathFailure',
  'States.QueryEvaluationError',
  'States.BranchFailed',
  'States.NoChoiceMatched',
  'States.IntrinsicFailure',
  'States.ExceedToleratedFailureThreshold',
  'States.ItemReaderFailed',
  'States.ResultWriterFailed',
  'States.Runtime',
]);

/**
 * The optimized integrations the definitions use, with the model operation behind each and Step Functions'
 * prefix for its errors. `lambda:invoke` adds the Java SDK client errors Step Functions documents for it
 * (a client-side timeout, a client error, the service's base exception), which no service model holds.
 */
const OPTIMIZED: Record<string, { service: string; action: string; prefix: string; clientErrors: readonly string[] }> =
  {
    'lambda:invoke': {
      service: 'lambda',
      action: 'invoke',
      prefix: 'Lambda',
      clientErrors: [
        'Lambda.ClientExecutionTimeoutException',
        'Lambda.SdkClientException',
        'Lambda.AWSLambdaException',
      ],
    },
    'dynamodb:putItem': { service: 'dynamodb', action: 'putItem', prefix: 'DynamoDB', clientErrors: [] },
    'dynamodb:deleteItem': { service: 'dynamodb', action: 'deleteItem', prefix: 'DynamoDB', clientErrors: [] },
    'dynamodb:getItem': { service: 'dynamodb', action: 'getItem', prefix: 'DynamoDB', clientErrors: [] },
  };

/** `arn:...:states:::aws-sdk:rds:describeDBProxyTargets` -> the SDK integration's service and action. */
function sdkIntegrationOf(state: AslState): { service: string; action: string } | undefined {
  const match = /:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(String(state.Resource));
  return match ? { service: match[1], action: match[2] } : undefined;
}

function optimizedIntegrationOf(state: AslState): string | undefined {
  return /:states:::([a-z]+:[A-Za-z]+)$/.exec(String(state.Resource))?.[1];
}

/** The parameters of an SDK Task that are not members of `structure` (nested static objects too), and the required members absent. */
function parameterProblems(
  task: string,
  operation: string,
  structure: ModelStructure,
  parameters: Record<string, unknown>,
  path = '',
): string[] {
  const problems: string[] = [];
  const given = new Map(Object.entries(parameters).map(([key, value]) => [key.replace(/\.\$$/, ''), { key, value }]));
  for (const [name, { key, value }] of given) {
    const member = structure.members.find((candidate) => candidate.sfnName === name);
    if (!member) {
      const spelled = structure.members.find(
        (candidate) => candidate.name === name || candidate.sfnName.toLowerCase() === name.toLowerCase(),
      );
      const hint = spelled
        ? `; Step Functions spells it ${spelled.sfnName}`
        : `; its members are ${structure.members.map((m) => m.sfnName).join(', ')}`;
      problems.push(`${task}: ${path}${name} is not a member of ${operation}'s ${structure.name}${hint}`);
      continue;
    }
    if (key.endsWith('.$')) continue;
    const nested = structureOf(member.schema);
    const items = Array.isArray(value) ? value : [value];
    if (nested)
      for (const item of items)
        if (typeof item === 'object' && item !== null)
          problems.push(
            ...parameterProblems(task, operation, nested, item as Record<string, unknown>, `${path}${name}.`),
          );
  }
  for (const member of structure.members)
    if (member.required && !given.has(member.sfnName))
      problems.push(`${task}: the required member ${path}${member.sfnName} of ${operation} is missing`);
  return problems;
}

function errorNamesOf(state: AslState): string[] {
  const handlers = [
    ...((state.Retry ?? []) as Array<{ ErrorEquals: string[] }>),
    ...((state.Catch ?? []) as Array<{ ErrorEquals: string[] }>),
  ];
  return handlers.flatMap((handler) => handler.ErrorEquals);
}

/** Every problem of one definition's SDK-integration Tasks, and every error name its Tasks handle that no model defines. */
export function definitionProblems(definition: AslDefinition): {
  parameters: string[];
  errors: string[];
  sdkTasks: string[];
  errorNames: string[];
} {
  const parameters: string[] = [];
  const errors: string[] = [];
  const sdkTasks: string[] = [];
  const errorNames: string[] = [];
  for (const [name, state] of Object.entries(allStates(definition))) {
    if (state.Type !== 'Task') continue;
    const sdk = sdkIntegrationOf(state);
    const optimized = sdk ? undefined : optimizedIntegrationOf(state);
    let defined: string[];
    if (sdk) {
      sdkTasks.push(name);
      const operation = `${sdk.service}:${sdk.action}`;
      parameters.push(
        ...parameterProblems(
          name,
          operation,
          operationInput(sdk.service, sdk.action),
          (state.Parameters ?? {}) as Record<string, unknown>,
        ),
      );
      defined = operationErrors(sdk.service, sdk.action);
    } else if (optimized && OPTIMIZED[optimized]) {
      const { service, action, prefix, clientErrors } = OPTIMIZED[optimized];
      defined = [
        ...operationErrors(service, action).map((error) => `${prefix}.${error.slice(error.indexOf('.') + 1)}`),
        ...clientErrors,
      ];
    } else {
      errors.push(`${name}: its integration ${String(state.Resource)} has no model here: add it`);
      continue;
    }
    for (const error of errorNamesOf(state)) {
      errorNames.push(error);
      if (!STATES_ERRORS.has(error) && !defined.includes(error))
        errors.push(
          `${name}: ${error} is not an error its operation's model defines (it defines ${defined.join(', ')})`,
        );
    }
  }
  return { parameters, errors, sdkTasks, errorNames };
}

const definitions = Object.fromEntries(
  APP_MODES.map(({ mode, context }) => [mode, definitionOf(Template.fromStack(sharedAppFor(context).gameDay))]),
) as Record<AppMode, AslDefinition>;

describe('the Java v2 spelling', () => {
  const member = { what: 'spells the model member', spell: javaV2Name };
  const error = { what: 'names the error shape', spell: javaV2ExceptionName };
  test.each([
    { ...member, name: 'DBProxyName', spelled: 'DbProxyName' },
    { ...member, name: 'DBClusterIdentifiers', spelled: 'DbClusterIdentifiers' },
    { ...member, name: 'TargetGroupName', spelled: 'TargetGroupName' },
    { ...member, name: 'QueueUrl', spelled: 'QueueUrl' },
    { ...error, name: 'DBProxyTargetNotFoundFault', spelled: 'DbProxyTargetNotFoundException' },
    { ...error, name: 'InvalidDBProxyStateFault', spelled: 'InvalidDbProxyStateException' },
    { ...error, name: 'ConditionalCheckFailedException', spelled: 'ConditionalCheckFailedException' },
    { ...error, name: 'RequestLimitExceeded', spelled: 'RequestLimitExceededException' },
  ])('$what $name as $spelled', ({ spell, name, spelled }) => {
    // Given a member or an error shape of the SDK's model
    // When it is spelled as Step Functions spells it
    // Then it is the Java v2 member name or exception class the design pins
    expect(spell(name)).toBe(spelled);
  });
});

describe.each(APP_MODES.map(({ mode }) => mode))('the %s definition against the SDK models', (mode) => {
  const definition = definitions[mode];
  const problems = definitionProblems(definition);

  test('has SDK-integration tasks and error names to check', () => {
    // Given the definition
    // When its SDK tasks and handled errors are collected
    // Then there are some, so an empty scan cannot pass
    expect(problems.sdkTasks.length).toBeGreaterThan(0);
    expect(problems.errorNames.length).toBeGreaterThan(0);
  });

  test('names only members of each operation, spelled as Step Functions does, and every required one', () => {
    // Given every aws-sdk Task's parameters and its operation's input schema
    // When they are compared
    // Then each parameter is a member and no required member is missing
    expect(problems.parameters).toEqual([]);
  });

  test('retries and catches only errors the models define', () => {
    // Given every Retry and Catch of every Task
    // When each error name is looked up in its operation's model (or the States errors)
    // Then each is defined, in the same spelling
    expect(problems.errors).toEqual([]);
  });
});

describe('the check itself', () => {
  test('fails a Task that spells a parameter as the v3 SDK does, naming the task and the member', () => {
    // Given the lab definition with Deregister's DbProxyName written as DBProxyName
    const copy = JSON.parse(JSON.stringify(definitions.lab)) as AslDefinition;
    const deregister = allStates(copy).Deregister;
    const parameters = deregister.Parameters as Record<string, unknown>;
    parameters.DBProxyName = parameters.DbProxyName;
    delete parameters.DbProxyName;
    // When it is checked
    const { parameters: found } = definitionProblems(copy);
    // Then the problem names the task and the member, and the missing required member
    expect(found).toEqual([
      "Deregister: DBProxyName is not a member of rds:deregisterDBProxyTargets's DeregisterDBProxyTargetsRequest; Step Functions spells it DbProxyName",
      'Deregister: the required member DbProxyName of rds:deregisterDBProxyTargets is missing',
    ]);
  });

  test("fails a pool brownout's clamp that names a ConnectionPoolConfig member the model does not have", () => {
    // Given the lab definition with ClampPool's borrow timeout under a name of the run's settings
    const copy = JSON.parse(JSON.stringify(definitions.lab)) as AslDefinition;
    const pool = (allStates(copy).ClampPool.Parameters as Record<string, Record<string, unknown>>).ConnectionPoolConfig;
    pool['ConnectionBorrowTimeoutSeconds.$'] = pool['ConnectionBorrowTimeout.$'];
    delete pool['ConnectionBorrowTimeout.$'];
    // When it is checked
    const { parameters: found } = definitionProblems(copy);
    // Then the nested member is named, with the model's members
    expect(found).toEqual([
      expect.stringMatching(
        /^ClampPool: ConnectionPoolConfig\.ConnectionBorrowTimeoutSeconds is not a member of rds:modifyDBProxyTargetGroup's ConnectionPoolConfiguration; its members are .*ConnectionBorrowTimeout/,
      ),
    ]);
  });

  test('fails an error name the model does not define', () => {
    // Given the lab definition whose Deregister also retries an error RDS never throws for it
    const copy = JSON.parse(JSON.stringify(definitions.lab)) as AslDefinition;
    (allStates(copy).Deregister.Retry as Array<{ ErrorEquals: string[] }>)[0].ErrorEquals.push(
      'Rds.DbProxyTargetNotFoundFault',
    );
    // When it is checked
    // Then that name is refused
    expect(definitionProblems(copy).errors).toEqual([
      expect.stringMatching(/^Deregister: Rds\.DbProxyTargetNotFoundFault is not an error/),
    ]);
  });
});
