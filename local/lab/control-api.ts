// The lab's control API: break the shop's database by hand and look at the queues.
import { type Context, Hono } from 'hono';
import { ProxyTargetAlreadyRegistered, ProxyTargetNotFound } from './fault-proxy';
import type { Lab } from './lab';
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
        'POST /proxy/deregister',
        'POST /proxy/register',
        'POST /proxy/failover',
        'GET /queues',
      ],
    }),
  );

  app.get('/proxy', (c) =>
    c.json({ ...lab.proxy.describe(), cluster: lab.proxy.clusterStatus, connections: lab.proxy.stats() }),
  );

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
