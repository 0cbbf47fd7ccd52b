// The RDS Proxy target adapter against a mocked RDS API: health, idempotent register, retries.
import {
  DBProxyNotFoundFault,
  DBProxyTargetAlreadyRegisteredFault,
  DBProxyTargetNotFoundFault,
  DescribeDBProxyTargetGroupsCommand,
  DescribeDBProxyTargetsCommand,
  InvalidDBProxyStateFault,
  ModifyDBProxyTargetGroupCommand,
  RDSClient,
  RegisterDBProxyTargetsCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createRdsProxyTarget,
  createRdsProxyTargetGroup,
  PoolConfigUnreadable,
  proxyTargetConfigFromEnv,
  targetState,
} from '../../../steps/adapters/rds-proxy-target';
import { MissingConfiguration } from '../../../steps/adapters/config';
import { FakeClock } from '../support/fake-clock';

const rds = mockClient(RDSClient);
const config = { proxyName: 'gameday-proxy', targetGroupName: 'default', dbClusterIdentifier: 'gameday-db' };
const meta = { $metadata: {} };

const cluster = { Type: 'TRACKED_CLUSTER' as const, TrackedClusterId: 'gameday-db' };
const writer = (State: 'AVAILABLE' | 'REGISTERING' | 'UNAVAILABLE') => ({
  Type: 'RDS_INSTANCE' as const,
  Role: 'READ_WRITE' as const,
  TargetHealth: { State },
});
const reader = (State: 'AVAILABLE' | 'REGISTERING' | 'UNAVAILABLE') => ({
  Type: 'RDS_INSTANCE' as const,
  Role: 'READ_ONLY' as const,
  TargetHealth: { State },
});

beforeEach(() => rds.reset());

describe('createRdsProxyTarget describe', () => {
  it('asks for the configured proxy and target group', async () => {
    // Given a proxy whose writer is AVAILABLE
    rds.on(DescribeDBProxyTargetsCommand).resolves({ Targets: [cluster, writer('AVAILABLE')] });
    // When described
    const state = await createRdsProxyTarget(config).describe();
    // Then the state is AVAILABLE and the request named the proxy and group
    expect(state).toBe('AVAILABLE');
    expect(rds).toHaveReceivedCommandWith(DescribeDBProxyTargetsCommand, {
      DBProxyName: 'gameday-proxy',
      TargetGroupName: 'default',
    });
  });

  it('reports a target group without targets as DEREGISTERED', async () => {
    // Given no targets at all
    rds.on(DescribeDBProxyTargetsCommand).resolves({ Targets: [] });
    // When described
    // Then it is deregistered
    await expect(createRdsProxyTarget(config).describe()).resolves.toBe('DEREGISTERED');
  });

  it('reports DBProxyTargetNotFoundFault as DEREGISTERED', async () => {
    // Given the API says there is no target
    rds.on(DescribeDBProxyTargetsCommand).rejects(new DBProxyTargetNotFoundFault({ ...meta, message: 'no target' }));
    // When described
    // Then it is deregistered
    await expect(createRdsProxyTarget(config).describe()).resolves.toBe('DEREGISTERED');
  });

  it('reads every page of targets', async () => {
    // Given the writer on the second page
    rds
      .on(DescribeDBProxyTargetsCommand, { Marker: undefined })
      .resolves({ Targets: [cluster], Marker: 'page-2' })
      .on(DescribeDBProxyTargetsCommand, { Marker: 'page-2' })
      .resolves({ Targets: [writer('REGISTERING')] });
    // When described
    // Then the second page's writer decides
    await expect(createRdsProxyTarget(config).describe()).resolves.toBe('REGISTERING');
  });

  it('lets other errors through', async () => {
    // Given the proxy does not exist
    rds.on(DescribeDBProxyTargetsCommand).rejects(new DBProxyNotFoundFault({ ...meta, message: 'no proxy' }));
    // When described
    // Then the error surfaces
    await expect(createRdsProxyTarget(config).describe()).rejects.toThrow(DBProxyNotFoundFault);
  });

  it('retries throttling', async () => {
    // Given one throttled answer, then a healthy one
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    rds
      .on(DescribeDBProxyTargetsCommand)
      .rejectsOnce(throttled)
      .resolves({ Targets: [cluster, writer('AVAILABLE')] });
    // When described
    const state = await createRdsProxyTarget(config, { clock: new FakeClock() }).describe();
    // Then the second attempt answered
    expect(state).toBe('AVAILABLE');
    expect(rds).toHaveReceivedCommandTimes(DescribeDBProxyTargetsCommand, 2);
  });
});

describe('targetState', () => {
  it.each([
    ['only the tracked cluster', [cluster], 'REGISTERING'],
    ['an AVAILABLE writer', [cluster, writer('AVAILABLE'), reader('UNAVAILABLE')], 'AVAILABLE'],
    [
      'an UNAVAILABLE writer beside an AVAILABLE reader',
      [cluster, writer('UNAVAILABLE'), reader('AVAILABLE')],
      'UNAVAILABLE',
    ],
    ['a REGISTERING writer', [cluster, writer('REGISTERING')], 'REGISTERING'],
    [
      'instances without roles, one not yet AVAILABLE',
      [
        { Type: 'RDS_INSTANCE' as const, TargetHealth: { State: 'AVAILABLE' as const } },
        { Type: 'RDS_INSTANCE' as const, TargetHealth: { State: 'UNAVAILABLE' as const } },
      ],
      'UNAVAILABLE',
    ],
  ])('reads %s as the right state', (_what, targets, expected) => {
    // Given the targets the API lists
    // When their state is derived
    // Then the writer's health decides
    expect(targetState(targets)).toBe(expected);
  });
});

describe('createRdsProxyTarget register', () => {
  it('registers the cluster with the proxy’s target group', async () => {
    // Given the API accepts the registration
    rds.on(RegisterDBProxyTargetsCommand).resolves({});
    // When registering
    await createRdsProxyTarget(config).register();
    // Then the cluster was named
    expect(rds).toHaveReceivedCommandWith(RegisterDBProxyTargetsCommand, {
      DBProxyName: 'gameday-proxy',
      TargetGroupName: 'default',
      DBClusterIdentifiers: ['gameday-db'],
    });
  });

  it('treats DBProxyTargetAlreadyRegisteredFault as success', async () => {
    // Given the target is registered already
    rds
      .on(RegisterDBProxyTargetsCommand)
      .rejects(new DBProxyTargetAlreadyRegisteredFault({ ...meta, message: 'already' }));
    // When registering
    // Then it succeeds
    await expect(createRdsProxyTarget(config).register()).resolves.toBeUndefined();
  });

  it('retries InvalidDBProxyStateFault with growing backoff until the proxy accepts', async () => {
    // Given the proxy refuses twice while it settles
    const busy = new InvalidDBProxyStateFault({ ...meta, message: 'proxy is modifying' });
    rds.on(RegisterDBProxyTargetsCommand).rejectsOnce(busy).rejectsOnce(busy).resolves({});
    const clock = new FakeClock();
    // When registering
    await createRdsProxyTarget(config, { clock, baseDelayMs: 200 }).register();
    // Then it tried three times, waiting 200 then 400 ms
    expect(rds).toHaveReceivedCommandTimes(RegisterDBProxyTargetsCommand, 3);
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it('gives up after the last attempt', async () => {
    // Given a proxy that stays busy
    rds
      .on(RegisterDBProxyTargetsCommand)
      .rejects(new InvalidDBProxyStateFault({ ...meta, message: 'proxy is modifying' }));
    // When registering with 3 attempts
    const registering = createRdsProxyTarget(config, { clock: new FakeClock(), attempts: 3 }).register();
    // Then the fault surfaces after 3 tries
    await expect(registering).rejects.toThrow(InvalidDBProxyStateFault);
    expect(rds).toHaveReceivedCommandTimes(RegisterDBProxyTargetsCommand, 3);
  });

  it('does not retry an error that will not go away', async () => {
    // Given the proxy does not exist
    rds.on(RegisterDBProxyTargetsCommand).rejects(new DBProxyNotFoundFault({ ...meta, message: 'no proxy' }));
    // When registering
    // Then it fails at once
    await expect(createRdsProxyTarget(config, { clock: new FakeClock() }).register()).rejects.toThrow(
      DBProxyNotFoundFault,
    );
    expect(rds).toHaveReceivedCommandTimes(RegisterDBProxyTargetsCommand, 1);
  });
});

describe('proxyTargetConfigFromEnv', () => {
  it('reads the proxy, target group and cluster', () => {
    // Given the three variables
    const env = { PROXY_NAME: 'p', TARGET_GROUP_NAME: 'tg', DB_CLUSTER_IDENTIFIER: 'c' };
    // When read
    // Then they map to the config
    expect(proxyTargetConfigFromEnv(env)).toEqual({ proxyName: 'p', targetGroupName: 'tg', dbClusterIdentifier: 'c' });
  });

  it('defaults the target group to RDS Proxy’s only one, default', () => {
    // Given no TARGET_GROUP_NAME
    // When read
    // Then it is `default`
    expect(proxyTargetConfigFromEnv({ PROXY_NAME: 'p', DB_CLUSTER_IDENTIFIER: 'c' }).targetGroupName).toBe('default');
  });

  it('names a missing variable', () => {
    // Given no PROXY_NAME
    // When read
    // Then the variable is named
    expect(() => proxyTargetConfigFromEnv({ DB_CLUSTER_IDENTIFIER: 'c' })).toThrow(
      new MissingConfiguration('environment variable PROXY_NAME is not set'),
    );
  });
});

describe('createRdsProxyTargetGroup', () => {
  const pool = { MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 };

  it("reads the configured target group's pool config", async () => {
    // Given a target group with a pool config (and members the brownout does not change)
    rds.on(DescribeDBProxyTargetGroupsCommand).resolves({
      TargetGroups: [{ TargetGroupName: 'default', ConnectionPoolConfig: { ...pool, InitQuery: '' } }],
    });
    // When read
    const read = await createRdsProxyTargetGroup(config).poolConfig();
    // Then the three members come back, asked of the configured proxy and group
    expect(read).toEqual(pool);
    expect(rds).toHaveReceivedCommandWith(DescribeDBProxyTargetGroupsCommand, {
      DBProxyName: 'gameday-proxy',
      TargetGroupName: 'default',
    });
  });

  it('refuses a target group that reports no complete pool config', async () => {
    // Given a target group without its borrow timeout
    rds.on(DescribeDBProxyTargetGroupsCommand).resolves({
      TargetGroups: [{ ConnectionPoolConfig: { MaxConnectionsPercent: 100, MaxIdleConnectionsPercent: 50 } }],
    });
    // When read
    // Then it fails rather than save a partial config
    await expect(createRdsProxyTargetGroup(config).poolConfig()).rejects.toThrow(PoolConfigUnreadable);
  });

  it('writes every member back, retrying while the proxy is busy', async () => {
    // Given a proxy that refuses once while it settles
    rds
      .on(ModifyDBProxyTargetGroupCommand)
      .rejectsOnce(new InvalidDBProxyStateFault({ message: 'busy', $metadata: {} }))
      .resolves({ ...meta });
    // When the pool config is set
    await createRdsProxyTargetGroup(config, { clock: new FakeClock(), baseDelayMs: 1 }).setPoolConfig(pool);
    // Then the exact values reach the configured target group
    expect(rds).toHaveReceivedCommandTimes(ModifyDBProxyTargetGroupCommand, 2);
    expect(rds).toHaveReceivedCommandWith(ModifyDBProxyTargetGroupCommand, {
      DBProxyName: 'gameday-proxy',
      TargetGroupName: 'default',
      ConnectionPoolConfig: pool,
    });
  });
});
