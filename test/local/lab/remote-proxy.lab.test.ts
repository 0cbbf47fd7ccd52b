// A lab's fault proxy reached from another process: blocking calls to its control API, answered before they return.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BlockingHttpFailed, startBlockingHttp } from '../../../local/lab/blocking-http';
import { serveControlApi } from '../../../local/lab/control-api';
import { FaultProxy } from '../../../local/lab/fault-proxy';
import type { Lab } from '../../../local/lab/lab';
import { remoteFaultProxy } from '../../../local/lab/remote-proxy';

jest.setTimeout(30_000);

/** A proxy that is never started (its target and target group need no connection), behind a control API. */
async function labProxy() {
  const proxy = new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 1, registrationDelayMs: 60_000 });
  const control = await serveControlApi({ proxy, queues: {} as Lab['queues'], shopUrl: 'http://127.0.0.1:1' });
  return { proxy, control };
}

describe("a lab's fault proxy through its control API, from another process", () => {
  it("makes each move the lab proxy's before the call returns, and throws the lab's refusals", async () => {
    // Given a lab's proxy with RDS Proxy's default pool config, behind its control API
    const { proxy, control } = await labProxy();
    try {
      // When another process reads it, clamps its target group, reads it back, then makes two moves it refuses
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        path.join(__dirname, 'support', 'remote-proxy-client.ts'),
        control.url,
      ]);
      const seen = JSON.parse(stdout.trim()) as Record<string, unknown>;
      // Then its reads were the lab's, the clamp was there as soon as the call returned, and each refusal is the proxy's own
      expect(seen).toEqual({
        before: 'AVAILABLE',
        clamped: proxy.targetGroup.config,
        readBack: proxy.targetGroup.config,
        refusedConfig: 'InvalidPoolConfig',
        refusedRegister: 'ProxyTargetAlreadyRegistered',
      });
      expect(proxy.targetGroup.config.MaxConnectionsPercent).toBe(5);
    } finally {
      await control.close();
      await proxy.stop();
    }
  });

  it('fails, not hangs, when no control API answers', async () => {
    // Given a control API that is gone
    const { proxy, control } = await labProxy();
    await control.close();
    await proxy.stop();
    const http = startBlockingHttp();
    try {
      const remote = remoteFaultProxy(control.url, http.request);
      // When the proxy is read
      // Then the call fails
      expect(() => remote.state).toThrow(BlockingHttpFailed);
    } finally {
      await http.close();
    }
  });
});
