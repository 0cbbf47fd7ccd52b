// A lab reached from another process: its emulators by their endpoints, its fault proxy through its control API.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startBlockingHttp } from './blocking-http';
import type { FaultProxy } from './fault-proxy';
import type { Lab } from './lab';
import { MetricsSink } from './metrics-sink';
import { remoteFaultProxy } from './remote-proxy';
import { queueDepth } from './sqs-emulator';
import { TrafficCounter } from './traffic-counter';

/** What another process needs to reach a lab: plain data, sent as JSON. */
export interface LabEndpoints {
  readonly controlUrl: string;
  readonly shopUrl: string;
  readonly degradation: boolean;
  readonly database: Pick<Lab['database'], 'url' | 'host' | 'port' | 'kind'>;
  readonly proxiedDatabaseUrl: string;
  readonly queues: Pick<Lab['queues'], 'endpoint' | 'queueUrl' | 'queueArn' | 'dlqUrl' | 'dlqArn'>;
  readonly tables: Pick<Lab['tables'], 'endpoint' | 'cacheTable' | 'lockTable'>;
  readonly usesQueue: boolean;
  /** The change calendar's state and the account's concurrency when the endpoints were taken. */
  readonly changeCalendar: { readonly name: string; readonly state: 'OPEN' | 'CLOSED' };
  readonly lambdaAccount: { readonly unreservedConcurrentExecutions: number };
}

/** The endpoints of a Chaos Shop lab whose control API is served at `controlUrl`. */
export function labEndpoints(lab: Lab, controlUrl: string): LabEndpoints {
  // Your own service is a process of the lab's with its log and its exit: another process could not watch it.
  if (lab.service) throw new Error('a lab of your own service cannot be reached from another process');
  const { url, host, port, kind } = lab.database;
  const { endpoint, queueUrl, queueArn, dlqUrl, dlqArn } = lab.queues;
  return {
    controlUrl,
    shopUrl: lab.shopUrl,
    degradation: lab.degradation,
    database: { url, host, port, kind },
    proxiedDatabaseUrl: lab.proxiedDatabaseUrl,
    queues: { endpoint, queueUrl, queueArn, dlqUrl, dlqArn },
    tables: { endpoint: lab.tables.endpoint, cacheTable: lab.tables.cacheTable, lockTable: lab.tables.lockTable },
    usesQueue: lab.usesQueue,
    changeCalendar: { ...lab.changeCalendar },
    lambdaAccount: { ...lab.lambdaAccount },
  };
}

/**
 * The lab at `endpoints` as this process's runs see it: the same database, queues, tables and
 * proxy, whose every read and change is the lab's. The shop and its worker stay in the lab's
 * process (no breaker changes are seen here), and CloudWatch is this process's own: a stop-condition
 * alarm set in the lab is not seen. `stop` closes this process's clients; the lab goes on.
 */
export function connectLab(endpoints: LabEndpoints): Lab {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const http = startBlockingHttp();
  const sqs = new SQSClient({ endpoint: endpoints.queues.endpoint, region });
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.tables.endpoint, region });
  const closeClients = async () => {
    sqs.destroy();
    dynamodb.destroy();
  };
  return {
    shopUrl: endpoints.shopUrl,
    degradation: endpoints.degradation,
    database: { ...endpoints.database, stop: async () => undefined },
    // Every member a run's tasks and its safety net use, answered by the lab's proxy.
    proxy: remoteFaultProxy(endpoints.controlUrl, http.request) as unknown as FaultProxy,
    queues: { ...endpoints.queues, client: sqs, depth: (url) => queueDepth(sqs, url), stop: closeClients },
    tables: { ...endpoints.tables, client: dynamodb, stop: closeClients },
    shop: undefined,
    service: undefined,
    usesQueue: endpoints.usesQueue,
    poller: undefined,
    metrics: new MetricsSink(),
    traffic: new TrafficCounter(),
    changeCalendar: { ...endpoints.changeCalendar },
    lambdaAccount: { ...endpoints.lambdaAccount },
    proxiedDatabaseUrl: endpoints.proxiedDatabaseUrl,
    breakerTransitions: [],
    async stop() {
      await closeClients();
      await http.close();
    },
  };
}
