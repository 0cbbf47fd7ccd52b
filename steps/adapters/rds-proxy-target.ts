// The RDS Proxy's database target through the AWS SDK: describe its health, register it (idempotently), and its pool config.
import {
  DescribeDBProxyTargetGroupsCommand,
  DescribeDBProxyTargetsCommand,
  ModifyDBProxyTargetGroupCommand,
  type DBProxyTarget,
  RDSClient,
  RegisterDBProxyTargetsCommand,
} from '@aws-sdk/client-rds';
import type { Clock, PoolConfig, ProxyTargetGroupPort, ProxyTargetPort, ProxyTargetState } from '../ports';
import { requireEnv } from './config';
import { errorName, isThrottling, withRetry } from './retry';
import { STEP_ENV } from '../core/step-environment';

const rds = new RDSClient({});

export interface ProxyTargetConfig {
  proxyName: string;
  /** RDS Proxy has a single target group per proxy, named `default`. */
  targetGroupName: string;
  dbClusterIdentifier: string;
}

/** From PROXY_NAME, TARGET_GROUP_NAME (default `default`) and DB_CLUSTER_IDENTIFIER. */
export function proxyTargetConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProxyTargetConfig {
  return {
    proxyName: requireEnv(STEP_ENV.proxyName, env),
    targetGroupName: env[STEP_ENV.targetGroupName]?.trim() || 'default',
    dbClusterIdentifier: requireEnv(STEP_ENV.dbClusterIdentifier, env),
  };
}

/** The proxy refused a change in its current state: worth retrying once it settles. */
const isTransient = (error: unknown): boolean => errorName(error) === 'InvalidDBProxyStateFault' || isThrottling(error);

export interface RdsAdapterOptions {
  client?: RDSClient;
  clock?: Clock;
  attempts?: number;
  baseDelayMs?: number;
}

/** The target group's pool config is not there to save or compare: no exact restore could follow. */
export class PoolConfigUnreadable extends Error {
  override readonly name = 'PoolConfigUnreadable';
}

/** The proxy's target group: read and write the pool config a pool brownout clamps. */
export function createRdsProxyTargetGroup(
  config: ProxyTargetConfig,
  options: RdsAdapterOptions = {},
): ProxyTargetGroupPort {
  const client = options.client ?? rds;
  const retry = { clock: options.clock, attempts: options.attempts, baseDelayMs: options.baseDelayMs };
  return {
    async poolConfig() {
      const { TargetGroups } = await withRetry(
        () =>
          client.send(
            new DescribeDBProxyTargetGroupsCommand({
              DBProxyName: config.proxyName,
              TargetGroupName: config.targetGroupName,
            }),
          ),
        isThrottling,
        retry,
      );
      const pool = TargetGroups?.[0]?.ConnectionPoolConfig;
      const { MaxConnectionsPercent, MaxIdleConnectionsPercent, ConnectionBorrowTimeout } = pool ?? {};
      if (
        MaxConnectionsPercent === undefined ||
        MaxIdleConnectionsPercent === undefined ||
        ConnectionBorrowTimeout === undefined
      )
        throw new PoolConfigUnreadable(
          `target group ${config.targetGroupName} of ${config.proxyName} reports no complete ConnectionPoolConfig: ${JSON.stringify(pool ?? null)}`,
        );
      return { MaxConnectionsPercent, MaxIdleConnectionsPercent, ConnectionBorrowTimeout };
    },

    async setPoolConfig(pool: PoolConfig) {
      await withRetry(
        () =>
          client.send(
            new ModifyDBProxyTargetGroupCommand({
              DBProxyName: config.proxyName,
              TargetGroupName: config.targetGroupName,
              ConnectionPoolConfig: { ...pool },
            }),
          ),
        isTransient,
        retry,
      );
    },
  };
}

export function createRdsProxyTarget(config: ProxyTargetConfig, options: RdsAdapterOptions = {}): ProxyTargetPort {
  const client = options.client ?? rds;
  const retry = { clock: options.clock, attempts: options.attempts, baseDelayMs: options.baseDelayMs };

  return {
    async describe() {
      const targets: DBProxyTarget[] = [];
      let marker: string | undefined;
      try {
        do {
          const page = await withRetry(
            () =>
              client.send(
                new DescribeDBProxyTargetsCommand({
                  DBProxyName: config.proxyName,
                  TargetGroupName: config.targetGroupName,
                  Marker: marker,
                }),
              ),
            isThrottling,
            retry,
          );
          targets.push(...(page.Targets ?? []));
          marker = page.Marker;
        } while (marker);
      } catch (error) {
        if (errorName(error) === 'DBProxyTargetNotFoundFault') return 'DEREGISTERED';
        throw error;
      }
      return targetState(targets);
    },

    async register() {
      try {
        await withRetry(
          () =>
            client.send(
              new RegisterDBProxyTargetsCommand({
                DBProxyName: config.proxyName,
                TargetGroupName: config.targetGroupName,
                DBClusterIdentifiers: [config.dbClusterIdentifier],
              }),
            ),
          isTransient,
          retry,
        );
      } catch (error) {
        // Registered already: exactly the state register() promises.
        if (errorName(error) === 'DBProxyTargetAlreadyRegisteredFault') return;
        throw error;
      }
    },
  };
}

/**
 * A cluster target shows as a TRACKED_CLUSTER entry (no health) plus one entry per instance. The
 * proxy serves through the writer, so its health decides; no instance entry yet means registering.
 */
export function targetState(targets: readonly DBProxyTarget[]): ProxyTargetState {
  if (targets.length === 0) return 'DEREGISTERED';
  const instances = targets.filter((t) => t.Type !== 'TRACKED_CLUSTER');
  if (instances.length === 0) return 'REGISTERING';
  const writers = instances.filter((t) => t.Role === 'READ_WRITE');
  const deciding = (writers.length > 0 ? writers : instances).map((t) => t.TargetHealth?.State);
  if (deciding.every((s) => s === 'AVAILABLE')) return 'AVAILABLE';
  if (deciding.includes('REGISTERING')) return 'REGISTERING';
  if (deciding.includes('UNAVAILABLE')) return 'UNAVAILABLE';
  return 'UNUSED';
}
