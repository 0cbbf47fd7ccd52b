// The lab's control API: moving the target by hand, and a move the proxy refuses.
import { createControlApp } from '../../../local/lab/control-api';
import { FaultProxy } from '../../../local/lab/fault-proxy';
import type { Lab } from '../../../local/lab/lab';

/**
 * The control API over a proxy that is never started: moving its target needs no connection. `post` sends a POST,
 * with `body` as JSON when there is one.
 */
function controlApp() {
  const proxy = new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 1, registrationDelayMs: 60_000 });
  const app = createControlApp({ proxy, queues: {} as Lab['queues'], shopUrl: 'http://127.0.0.1:1' });
  const post = (path: string, body?: object) =>
    app.request(
      path,
      body === undefined
        ? { method: 'POST' }
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  return { app, proxy, post };
}

describe('the control API', () => {
  let control: ReturnType<typeof controlApp>;
  beforeEach(() => {
    control = controlApp();
  });
  afterEach(async () => {
    await control.proxy.stop().catch(() => undefined);
  });

  it('deregisters the target and answers the proxy state', async () => {
    // Given an available target
    // When it is deregistered through the API
    const response = await control.post('/proxy/deregister');
    // Then the answer is the new state
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ state: 'DEREGISTERED' });
  });

  it('answers 409 with the state when the target is already registered', async () => {
    // Given an available target
    // When it is registered again
    const response = await control.post('/proxy/register');
    // Then the proxy's refusal is a conflict that says where the target stands
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ state: 'AVAILABLE', error: expect.any(String) });
  });

  it('fails the writer over, and answers 409 while a failover is in progress', async () => {
    // Given an available cluster, on a fake clock
    jest.useFakeTimers();
    try {
      // When the writer is failed over through the API, twice
      const first = await control.post('/proxy/failover');
      const second = await control.post('/proxy/failover');
      // Then the first starts it and the second is refused, each saying where the cluster stands
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ state: 'AVAILABLE', cluster: 'failing-over' });
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ cluster: 'failing-over', error: expect.any(String) });
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 409 when the target is already deregistered', async () => {
    // Given a deregistered target
    control.proxy.deregister();
    // When it is deregistered again
    const response = await control.post('/proxy/deregister');
    // Then the proxy's refusal is a conflict that says where the target stands
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ state: 'DEREGISTERED' });
  });

  it('changes the target group as ModifyDBProxyTargetGroup does, and answers the new pool config', async () => {
    // Given a proxy whose target group has RDS Proxy's default pool config
    // When its max share is clamped through the API
    const response = await control.post('/proxy/target-group', {
      MaxConnectionsPercent: 5,
      MaxIdleConnectionsPercent: 5,
    });
    // Then the proxy's target group has the clamp, and both the answer and a read say so
    expect(response.status).toBe(200);
    expect(control.proxy.targetGroup.config.MaxConnectionsPercent).toBe(5);
    const read = await control.app.request('/proxy/target-group');
    expect(await read.json()).toEqual(control.proxy.targetGroup.config);
  });

  it('answers 400 with the refusal when the target group refuses a pool config', async () => {
    // Given a proxy's target group
    const before = control.proxy.targetGroup.config;
    // When an idle share above the max share is asked for
    const response = await control.post('/proxy/target-group', {
      MaxConnectionsPercent: 10,
      MaxIdleConnectionsPercent: 20,
    });
    // Then it is refused as RDS refuses it, and nothing changed
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ name: 'InvalidPoolConfig', error: expect.any(String) });
    expect(control.proxy.targetGroup.config).toEqual(before);
  });

  it('answers the target health beside the state', async () => {
    // Given a cluster failing over, on a fake clock
    jest.useFakeTimers();
    try {
      control.proxy.failover();
      // When the proxy is read
      const response = await control.app.request('/proxy');
      // Then the target is registered but its health is UNAVAILABLE, as DescribeDBProxyTargets says
      expect(await response.json()).toMatchObject({
        state: 'AVAILABLE',
        health: 'UNAVAILABLE',
        cluster: 'failing-over',
        view: 'UNAVAILABLE (cluster failing-over)',
      });
    } finally {
      jest.useRealTimers();
    }
  });
});
