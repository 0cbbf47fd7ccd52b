// The lab's control API: break the shop's database by hand, look at the queues, and reach the proxy from another process.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { ProxyTargetAlreadyRegistered, ProxyTargetNotFound } from './fault-proxy';
import type { Lab } from './lab';
import { InvalidPoolConfig, type LabPoolConfig } from './pool-brownout';
import { ClusterFailoverInProgress } from './writer-failover';

export function createControlApp(lab: Pick<Lab, 'proxy' | 'queues' | 'shopUrl'>): Hono {
  const app = new Hono();

  /** Moves the target; a move the proxy refuses because the target is already there answers 409, with the proxy's state. */
  const moveTarget = (c: Context, move: () => void, alreadyThere: new (...args: never[]) => Error): Response => {
    try {
      move();
    } catch (error) {
      if (error instanceof alreadyThere) return c.json({ error: error.message, ...lab.proxy.describe() }, 409);
      throw error;
    }
    return c.json(lab.proxy.describe());
  };

  app.get('/', (c) =>
    c.json({
      shop: lab.shopUrl,
      endpoints: [
        'GET /proxy',
        'GET /proxy/target-group',
        'POST /proxy/target-group',
        'POST /proxy/deregister',
        'POST /proxy/register',
        'POST /proxy/failover',
        'GET /queues',
      ],
    }),
  );

  app.get('/proxy', (c) =>
    c.json({
      ...lab.proxy.describe(),
      health: lab.proxy.targetHealth,
      cluster: lab.proxy.clusterStatus,
      view: lab.proxy.view,
      connections: lab.proxy.stats(),
    }),
  );

  // The target group's pool config, as ModifyDBProxyTargetGroup changes it; a config RDS would refuse answers 400.
  app.get('/proxy/target-group', (c) => c.json(lab.proxy.targetGroup.config));
  app.post('/proxy/target-group', async (c) => {
    const change = (await c.req.json().catch(() => null)) as Partial<LabPoolConfig> | null;
    if (typeof change !== 'object' || change === null || Array.isArray(change))
      return c.json({ error: 'the body is a JSON object of pool config members' }, 400);
    try {
      return c.json(lab.proxy.targetGroup.modify(change));
    } catch (error) {
      if (error instanceof InvalidPoolConfig) return c.json({ error: error.message, name: error.name }, 400);
      throw error;
    }
  });

  app.post('/proxy/deregister', (c) => moveTarget(c, () => lab.proxy.deregister(), ProxyTargetNotFound));
  app.post('/proxy/register', (c) => moveTarget(c, () => lab.proxy.register(), ProxyTargetAlreadyRegistered));
  // The writer fails over for the lab's failover time; a failover in progress is a conflict, as RDS refuses it.
  app.post('/proxy/failover', (c) => {
    const answer = () => ({ ...lab.proxy.describe(), cluster: lab.proxy.clusterStatus });
    try {
      lab.proxy.failover();
    } catch (error) {
      if (error instanceof ClusterFailoverInProgress) return c.json({ error: error.message, ...answer() }, 409);
      throw error;
    }
    return c.json(answer());
  });

  app.get('/queues', async (c) => {
    const [queue, dlq] = await Promise.all([
      lab.queues.depth(lab.queues.queueUrl),
      lab.queues.depth(lab.queues.dlqUrl),
    ]);
    return c.json({ queue, dlq });
  });

  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => c.json({ error: error.message }, 500));
  return app;
}

/** The control API served on `port` of 127.0.0.1 (0: any free port) until `close`. */
export async function serveControlApi(
  lab: Pick<Lab, 'proxy' | 'queues' | 'shopUrl'>,
  port = 0,
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = serve({ fetch: createControlApp(lab).fetch, port, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A client's keep-alive connections would hold close() open.
        server.closeAllConnections();
      }),
  };
}
