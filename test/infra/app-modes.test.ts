// The app's two modes: the lab with a GameDay wired to it by reference, or a GameDay alone against your own system.
import { DEFAULT_DB_CONNECT_TIMEOUT_MS } from '../../shop/config';
import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InvalidAppContext } from '../../infra/app';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { allStates, asArray, definitionOf, statementsOfRole } from './fixtures';
import { appFor, importOf, sharedAppFor } from './shop-lab-fixtures';
import { refusedWith } from '../support/problems';

type Outputs = Record<string, { Value: unknown; Export?: { Name: string } }>;

const problemsOf = (context: Record<string, unknown>): readonly string[] =>
  refusedWith(InvalidAppContext, () => appFor(context));

function resourcesOf(statements: Array<Record<string, unknown>>, action: string, effect = 'Allow'): unknown[] {
  return statements
    .filter(
      (statement) => statement.Effect === effect && asArray(statement.Action as string | string[]).includes(action),
    )
    .flatMap((statement) => asArray(statement.Resource));
}

describe('lab mode (no target in the context)', () => {
  const built = sharedAppFor({});
  const lab = Template.fromStack(built.lab!);
  const gameDay = Template.fromStack(built.gameDay);
  const outputs = lab.toJSON().Outputs as Outputs;
  const machineStatements = statementsOfRole(gameDay, 'GameDayRole');
  const labId = (type: string): string => Object.keys(lab.findResources(type))[0];

  test('deploys the lab and a GameDay that depends on it', () => {
    // Given the app without context
    // When its stacks are listed
    // Then there are the two, and the GameDay deploys after the lab
    expect(built.mode).toBe('lab');
    expect(built.app.node.children.filter((child) => child instanceof Stack).map((stack) => stack.stackName)).toEqual([
      'ShopLab',
      'GameDay',
    ]);
    expect(built.gameDay.dependencies).toContain(built.lab);
  });

  test("outputs the proxy it targets by the lab's literal name, not as an import of the lab's output", () => {
    // Given the GameDay's outputs (an output of an imported value is a cfn-lint warning, W6001)
    const gameDayOutputs = gameDay.toJSON().Outputs as Outputs;
    // When the proxy's name and the lab's proxy resource are read
    const labProxy = Object.values(lab.findResources('AWS::RDS::DBProxy'))[0] as {
      Properties: { DBProxyName: unknown };
    };
    // Then the GameDay names the same proxy, as a plain string
    expect(gameDayOutputs.ProxyName.Value).toBe(labProxy.Properties.DBProxyName);
    expect(JSON.stringify(gameDayOutputs)).not.toContain('Fn::ImportValue');
  });

  test("lets the GameDay deregister and register exactly the lab's proxy and target group", () => {
    // Given the GameDay's state machine role
    // When the resources of deregister and register are read
    const proxyArn = importOf(outputs, { 'Fn::GetAtt': [labId('AWS::RDS::DBProxy'), 'DBProxyArn'] });
    const targetGroupArn = importOf(outputs, {
      'Fn::GetAtt': [labId('AWS::RDS::DBProxyTargetGroup'), 'TargetGroupArn'],
    });
    // Then both name the lab's proxy and target group, imported from the lab stack
    for (const action of ['rds:DeregisterDBProxyTargets', 'rds:RegisterDBProxyTargets']) {
      expect(resourcesOf(machineStatements, action)).toEqual(expect.arrayContaining([proxyArn, targetGroupArn]));
    }
  });

  test("names the lab's cluster in the grants and in the tag guard", () => {
    // Given the GameDay's state machine role
    // When the tag-guarded deny is read
    const clusterId = JSON.stringify(importOf(outputs, { Ref: labId('AWS::RDS::DBCluster') }));
    const denied = resourcesOf(machineStatements, 'rds:DeregisterDBProxyTargets', 'Deny').map((resource) =>
      JSON.stringify(resource),
    );
    // Then it covers the lab's proxy and a cluster ARN built from the lab's cluster identifier
    expect(denied).toContain(
      JSON.stringify(importOf(outputs, { 'Fn::GetAtt': [labId('AWS::RDS::DBProxy'), 'DBProxyArn'] })),
    );
    expect(denied.some((resource) => resource.includes(clusterId) && resource.includes(':cluster:'))).toBe(true);
  });

  test("reads exactly the lab's order queue and DLQ, by their names", () => {
    // Given the GameDay's state machine role and the lab's two queues
    const names = Object.values(lab.findResources('AWS::SQS::Queue')).map(
      (queue) => queue.Properties.QueueName as string,
    );
    // When the queue grants are read
    const granted = resourcesOf(machineStatements, 'sqs:GetQueueAttributes').map((resource) =>
      JSON.stringify(resource),
    );
    // Then there is one ARN per lab queue, in this account and region, ending in that queue's name
    expect(names).toHaveLength(2);
    expect(granted).toHaveLength(2);
    for (const name of names) {
      expect(
        granted.filter(
          (arn) => arn.endsWith(`:${name}"]]}`) && arn.includes('AWS::AccountId') && arn.includes(':sqs:'),
        ),
      ).toHaveLength(1);
    }
  });

  test('requires the same allow tag the lab carries', () => {
    // Given the app with a custom allow tag in the gameday context
    const custom = appFor({ gameday: { allowTag: { key: 'chaos-ok', value: 'yes' } } });
    // When the lab's proxy tags and the GameDay's guard are read
    // Then both use that tag
    Template.fromStack(custom.lab!).hasResourceProperties('AWS::RDS::DBProxy', {
      Tags: [{ Key: 'chaos-ok', Value: 'yes' }],
    });
    const guard = statementsOfRole(Template.fromStack(custom.gameDay), 'GameDayRole').find(
      (statement) => statement.Sid === 'DeregisterOnlyTaggedTargets',
    );
    expect(guard?.Condition).toEqual({ StringNotEquals: { 'aws:ResourceTag/chaos-ok': 'yes' } });
  });

  test("points the traffic at the lab's shop URL", () => {
    // Given the GameDay definition
    // When the traffic step's shop URL is read
    const text = JSON.stringify(definitionOf(gameDay));
    // Then it is the lab's API, imported
    expect(text).toContain(importOf(outputs, { Ref: labId('AWS::ApiGatewayV2::Api') })['Fn::ImportValue']);
  });

  test('applies the other gameday settings to the GameDay', () => {
    // Given an experiment override in lab mode
    const custom = appFor({ gameday: JSON.stringify({ experiment: { outageSeconds: 120 } }) });
    // When the config is read
    // Then the override is used
    expect(custom.config.experiment.outageSeconds).toBe(120);
  });

  test("counts the lab shop's Lambda environments by its database connect timeout, unless the context says otherwise", () => {
    // Given the lab with no setting, then with 2.5 s per request in the context
    const lab = appFor({});
    const custom = appFor({ gameday: JSON.stringify({ lambdaSecondsPerRequest: 2.5 }) });
    // When their configs are read
    // Then the lab's shop holds an environment up to its connect timeout (1 s), and the context's figure wins
    expect(lab.config.lambdaSecondsPerRequest).toBe(DEFAULT_DB_CONNECT_TIMEOUT_MS / 1000);
    expect(custom.config.lambdaSecondsPerRequest).toBe(2.5);
  });
});

describe("the lab database's capacity from the context", () => {
  test('sizes the lab cluster up to the ACUs the context names, from its minimum', () => {
    // Given the lab with labDatabaseMaxCapacity=8, as `-c` passes it (text)
    const built = appFor({ labDatabaseMaxCapacity: '8' });
    // When the lab's cluster is read
    // Then it scales from its default minimum up to 8 ACUs
    Template.fromStack(built.lab!).hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
    });
  });

  test('refuses a capacity that is not a number, one out of range, and one beside an own target', () => {
    // Given three contexts: a word, 3.3 ACUs (not a step of 0.5), and a capacity beside an own target
    // When the app is built from each
    const word = problemsOf({ labDatabaseMaxCapacity: 'big' });
    const offStep = problemsOf({ labDatabaseMaxCapacity: 3.3 });
    const ownTarget = problemsOf({ gameday: EXAMPLE_GAMEDAY_CONTEXT, labDatabaseMaxCapacity: 8 });
    // Then each names the key and what is wrong
    expect(word).toEqual([expect.stringMatching(/^"labDatabaseMaxCapacity" must be a number of ACUs \(got "big"\)/)]);
    expect(offStep).toEqual([
      expect.stringMatching(/^databaseMaxCapacity must be from 0.5 to 256 ACUs in steps of 0.5/),
    ]);
    expect(ownTarget).toEqual([
      expect.stringMatching(
        /^"labDatabaseMaxCapacity" sizes the lab's database, but the "gameday" context names your own target/,
      ),
    ]);
  });
});

describe('lab mode with degradation off', () => {
  const built = appFor({ enableDegradation: 'false' });
  const gameDay = Template.fromStack(built.gameDay);
  const states = allStates(definitionOf(gameDay));

  test('gives the GameDay no queue to read', () => {
    // Given the fragile lab's GameDay
    // When its state machine role is read
    // Then it holds no queue grant at all
    expect(built.config.orderQueueUrl).toBeUndefined();
    expect(resourcesOf(statementsOfRole(gameDay, 'GameDayRole'), 'sqs:GetQueueAttributes')).toEqual([]);
  });

  test('checks preflight queues as empty and skips the drain loop', () => {
    // Given the fragile lab's GameDay definition
    // When the queue states are read
    // Then preflight reads zero without a call, and the experiment leads past the drain loop to the order check
    expect(states.QueueDepth).toMatchObject({ Type: 'Pass', Result: { visible: 0, inFlight: 0, delayed: 0 } });
    expect(states.Experiment.Next).toBe('NoQueueToDrain');
    expect(states.NoQueueToDrain).toMatchObject({ Type: 'Pass', Next: 'VerifyOrders', ResultPath: '$.drain' });
    expect(states).not.toHaveProperty('DrainQueueDepth');
  });
});

describe('own-target mode (a target in the gameday context)', () => {
  const built = appFor({ gameday: JSON.stringify(EXAMPLE_GAMEDAY_CONTEXT) });

  test('deploys the GameDay stack alone', () => {
    // Given a context naming a whole target
    // When the app is built
    // Then there is no lab
    expect(built.mode).toBe('own-target');
    expect(built.lab).toBeUndefined();
    expect(built.app.node.children.filter((child) => child instanceof Stack)).toEqual([built.gameDay]);
  });

  test("names the user's exact proxy ARN", () => {
    // Given the GameDay's state machine role
    // When the deregister grant is read
    // Then it names the ARN from the context
    const resources = resourcesOf(
      statementsOfRole(Template.fromStack(built.gameDay), 'GameDayRole'),
      'rds:DeregisterDBProxyTargets',
    );
    expect(resources).toContain(EXAMPLE_GAMEDAY_CONTEXT.proxyArn);
  });
});

describe('synthesis stays offline', () => {
  test.each([
    ['lab', {}],
    ['fragile lab', { enableDegradation: false }],
    ['own target', { gameday: EXAMPLE_GAMEDAY_CONTEXT }],
  ])('the %s mode sets no account on any stack', (_mode, context) => {
    // Given the app in that mode
    const built = sharedAppFor(context);
    // When the stacks' environments are read
    const stacks = built.app.node.children.filter((child): child is Stack => child instanceof Stack);
    // Then no account is fixed (a fixed account would make the VPC look up zones)
    for (const stack of stacks) expect(Token.isUnresolved(stack.account)).toBe(true);
  });

  test('the region context pins both stacks to that region', () => {
    // Given a region in the context
    const built = appFor({ region: 'eu-west-1' });
    // When the stacks' regions are read
    // Then both are in it
    expect([built.lab!.region, built.gameDay.region]).toEqual(['eu-west-1', 'eu-west-1']);
  });
});

describe('context errors', () => {
  test('a partial target lists every missing key', () => {
    // Given a context naming a proxy and a shop only
    // When the app is built
    const problems = problemsOf({ gameday: { proxyName: 'shop-proxy', shopUrl: 'https://shop.example.com' } });
    // Then each missing part is named
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^proxyArn is required/),
        expect.stringMatching(/^targetGroupArn is required/),
        expect.stringMatching(/^dbClusterIdentifier is required/),
        expect.stringMatching(/^dbClusterArn is required/),
      ]),
    );
  });

  test('the degradation switch beside an own target is a contradiction', () => {
    // Given a whole target and enableDegradation
    // When the app is built
    const problems = problemsOf({ gameday: EXAMPLE_GAMEDAY_CONTEXT, enableDegradation: 'false' });
    // Then the contradiction is named
    expect(problems).toEqual([
      expect.stringMatching(
        /"enableDegradation" switches the lab's shop, but the "gameday" context names your own target/,
      ),
    ]);
  });

  test("a region other than the target's is a contradiction", () => {
    // Given a target in us-east-1 and a region context of eu-west-1
    // When the app is built
    const problems = problemsOf({ gameday: EXAMPLE_GAMEDAY_CONTEXT, region: 'eu-west-1' });
    // Then both regions are named
    expect(problems).toEqual([expect.stringMatching(/"region" is eu-west-1 but the target's proxy is in us-east-1/)]);
  });

  test('every malformed value is listed at once', () => {
    // Given a bad switch, a bad region and a bad experiment value
    // When the app is built
    const problems = problemsOf({
      enableDegradation: 'maybe',
      region: 'mars',
      gameday: { experiment: { outageSeconds: 0 } },
    });
    // Then all three are named
    expect(problems).toEqual([
      expect.stringMatching(/^"enableDegradation" must be true or false/),
      expect.stringMatching(/^"region" must be an AWS region/),
      expect.stringMatching(/^experiment.outageSeconds must be an integer/),
    ]);
  });

  test('a gameday context that is not JSON is named', () => {
    // Given a broken JSON string
    // When the app is built
    const problems = problemsOf({ gameday: '{"proxyName": ' });
    // Then the parse failure is named
    expect(problems).toEqual([expect.stringMatching(/^the "gameday" context is not valid JSON/)]);
  });
});
