// The lab's control API: break the shop's database by hand and look at the queues.
import { type Context, Hono } from 'hono';
import { ProxyTargetAlreadyRegistered, ProxyTargetNotFound } from './fault-proxy';
import type { Lab } from './lab';

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
      endpoints: ['GET /proxy', 'POST /proxy/deregister', 'POST /proxy/register', 'GET /queues'],
    }),
  );

  app.get('/proxy', (c) => c.json({ ...lab.proxy.describe(), connections: lab.proxy.stats() }));

  app.post('/proxy/deregister', (c) => moveTarget(c, () => lab.proxy.deregister(), ProxyTargetNotFound));
  app.post('/proxy/register', (c) => moveTarget(c, () => lab.proxy.register(), ProxyTargetAlreadyRegistered));

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
