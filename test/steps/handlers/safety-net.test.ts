// The safety-net Lambda wired to its AWS adapters (mocked at the SDK boundary).
import { DescribeDBProxyTargetsCommand, RDSClient, RegisterDBProxyTargetsCommand } from '@aws-sdk/client-rds';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../steps/handlers/safety-net';

const rds = mockClient(RDSClient);
const dynamodb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const FAILED_RUN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:run-1';

beforeAll(() => {
  process.env.PROXY_NAME = 'gameday-proxy';
  process.env.TARGET_GROUP_NAME = 'default';
  process.env.DB_CLUSTER_IDENTIFIER = 'gameday-db';
  process.env.LOCK_TABLE = 'gameday-lock';
});

beforeEach(() => {
  rds.reset();
  dynamodb.reset();
  sfn.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('safety-net handler', () => {
  it('re-registers the missing target with the configured names and frees the failed run’s lock', async () => {
    // Given a failed run that left the target out and the lock held
    rds.on(DescribeDBProxyTargetsCommand).resolves({ Targets: [] });
    rds.on(RegisterDBProxyTargetsCommand).resolves({});
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: 'gameday' }, executionArn: { S: FAILED_RUN } } });
    dynamodb.on(DeleteItemCommand).resolves({});
    // When its status-change event arrives
    const outcome = await handler({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { status: 'TIMED_OUT', executionArn: FAILED_RUN },
    });
    // Then the target is back and the lock free
    expect(outcome).toEqual({ action: 'registered', lockReleased: true });
    expect(rds).toHaveReceivedCommandWith(RegisterDBProxyTargetsCommand, {
      DBProxyName: 'gameday-proxy',
      TargetGroupName: 'default',
      DBClusterIdentifiers: ['gameday-db'],
    });
    expect(dynamodb).toHaveReceivedCommandWith(DeleteItemCommand, { TableName: 'gameday-lock' });
  });

  it('leaves a running GameDay alone on a reconciler tick', async () => {
    // Given a running execution holding the lock during its outage
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: 'gameday' }, executionArn: { S: FAILED_RUN } } });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    // When the reconciler ticks
    const outcome = await handler({ source: 'reconciler' });
    // Then nothing is touched
    expect(outcome).toEqual({ action: 'none', lockReleased: false });
    expect(rds).not.toHaveReceivedCommand(RegisterDBProxyTargetsCommand);
    expect(rds).not.toHaveReceivedCommand(DescribeDBProxyTargetsCommand);
  });
});
