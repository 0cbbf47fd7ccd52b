// The Chaos Shop over HTTP (global fetch), with a timeout on every request and, when the shop asks for it, signed requests.
import type { OrderRequest, RunOrderRows, ShopClient, ShopRequestSigner } from '../ports';

export interface HttpShopClientOptions {
  /**
   * Longest any one request may take.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * Signs every request (SigV4, or a header from a secret) for a shop that authenticates its callers.
   * @default - requests go unsigned, as the local lab accepts them
   */
  readonly signer?: ShopRequestSigner;
}

/** The shop answered `GET /runs/:runId/orders` with something other than the two counts. */
export class ShopResponseError extends Error {
  override readonly name = 'ShopResponseError';
}

export function createHttpShopClient(shopUrl: string, options: HttpShopClientOptions = {}): ShopClient {
  const base = new URL(shopUrl.endsWith('/') ? shopUrl : `${shopUrl}/`);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const url = (path: string): URL => new URL(path, base);
  const withTimeout = (signal?: AbortSignal): AbortSignal =>
    signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);

  // Without a signer the request is exactly what it was before signing existed.
  const signer = options.signer;
  const send = async (target: URL, init: { method?: string; headers?: Record<string, string>; body?: string; signal: AbortSignal }): Promise<Response> => {
    if (!signer) return fetch(target, init);
    const headers = await signer.sign({ method: init.method ?? 'GET', url: target, headers: init.headers ?? {}, body: init.body });
    return fetch(target, { ...init, headers });
  };

  return {
    async health() {
      try {
        const response = await send(url('health'), { signal: withTimeout() });
        if (!response.ok) {
          await response.body?.cancel();
          return { degradation: null };
        }
        const body: unknown = await response.json();
        const degradation = isRecord(body) && typeof body.degradation === 'boolean' ? body.degradation : null;
        return { degradation };
      } catch {
        return { degradation: null };
      }
    },

    async listProducts(signal) {
      const response = await send(url('products'), { signal: withTimeout(signal) });
      if (response.status !== 200) {
        await response.body?.cancel();
        return { status: response.status };
      }
      // The answer counts only once its body arrived whole: a cut-off body is a failed read.
      const body: unknown = await response.json();
      const source = isRecord(body) && typeof body.source === 'string' ? body.source : undefined;
      return { status: response.status, source };
    },

    async placeOrder(order: OrderRequest, signal) {
      const response = await send(url('orders'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
        signal: withTimeout(signal),
      });
      // Drain the body so the connection returns to the pool and the latency covers the whole answer.
      await response.arrayBuffer();
      return { status: response.status };
    },

    async runOrders(runId) {
      const response = await send(url(`runs/${encodeURIComponent(runId)}/orders`), { signal: withTimeout() });
      if (!response.ok) {
        await response.body?.cancel();
        throw new ShopResponseError(`GET /runs/${runId}/orders answered ${response.status}`);
      }
      const body: unknown = await response.json();
      if (!isRecord(body) || !isCount(body.committed) || !isCount(body.rejected)) {
        throw new ShopResponseError(`GET /runs/${runId}/orders answered without numeric committed and rejected counts`);
      }
      const rows: RunOrderRows = { committed: body.committed, rejected: body.rejected };
      if (isCount(body.viaQueue)) rows.viaQueue = body.viaQueue;
      if (body.lastViaQueueAt === null || (typeof body.lastViaQueueAt === 'string' && !Number.isNaN(Date.parse(body.lastViaQueueAt)))) {
        rows.lastViaQueueAt = body.lastViaQueueAt;
      }
      return rows;
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
