// The Chaos Shop over HTTP (the project's own keep-alive HTTP/1.1 pool), with a timeout on every request and, when the shop asks for it, signed requests.
import { SOURCE_HEADER } from '../../targets/chaos-shop/http-contract';
import type { OrderRequest, RunOrderRows, ShopClient, ShopRequestSigner } from '../ports';
import { createHttpExchange, type HttpAnswer, type HttpExchangeRequest } from './http-exchange';

/** The header of an order: frozen, so the pool renders it once. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });

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
  const exchange = createHttpExchange(base.origin, options.timeoutMs ?? 5_000);
  const url = (path: string): URL => new URL(path, base);
  const products = url('products');
  const orders = url('orders');

  // Without a signer the request is exactly what it was before signing existed.
  const signer = options.signer;
  const pathOf = (target: URL): string => `${target.pathname}${target.search}`;
  const send = <T>(target: URL, request: HttpExchangeRequest, read: (answer: HttpAnswer) => T, signal?: AbortSignal): Promise<T> => {
    if (!signer) return exchange(request, read, signal);
    return signer.sign({ method: request.method, url: target, headers: request.headers ?? {}, body: request.body }).then((headers) => exchange({ ...request, headers }, read, signal));
  };
  const getJson = (target: URL, signal?: AbortSignal): Promise<{ status: number; body: unknown }> =>
    // Only a success's body is read, as the shop's error bodies carry nothing the callers use.
    send(target, { method: 'GET', path: pathOf(target), keepBody: true }, (answer) => ({ status: answer.status, body: answer.status >= 200 && answer.status < 300 ? (JSON.parse(answer.body) as unknown) : undefined }), signal);
  // The traffic's two requests, sent thousands of times a second: what never changes is made once.
  const listRequest: HttpExchangeRequest = Object.freeze({ method: 'GET', path: pathOf(products), keepBody: true, keepHeader: SOURCE_HEADER });
  const ordersPath = pathOf(orders);

  return {
    async health() {
      try {
        const { status, body } = await getJson(url('health'));
        if (status < 200 || status >= 300) return { degradation: null };
        const degradation = isRecord(body) && typeof body.degradation === 'boolean' ? body.degradation : null;
        return { degradation };
      } catch {
        return { degradation: null };
      }
    },

    listProducts(signal) {
      // The answer counts only once its body arrived whole: a cut-off body is a failed read.
      return send(products, listRequest, readProducts, signal);
    },

    placeOrder(order: OrderRequest, signal) {
      // The body is drained, so the latency covers the whole answer.
      return send(orders, { method: 'POST', path: ordersPath, headers: JSON_HEADERS, body: JSON.stringify(order), keepBody: false }, statusOf, signal);
    },

    async runOrders(runId) {
      const { status, body } = await getJson(url(`runs/${encodeURIComponent(runId)}/orders`));
      if (status < 200 || status >= 300) throw new ShopResponseError(`GET /runs/${runId}/orders answered ${status}`);
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

/**
 * Where the shop's `GET /products` says its answer came from (`database` or `cache`): read from the
 * header, so the product list need not be parsed for it; from the body when a shop does not send it.
 */
function readProducts({ status, body, header }: HttpAnswer): { status: number; source?: string } {
  if (status !== 200) return { status };
  if (header !== undefined) return { status, source: header };
  const parsed: unknown = JSON.parse(body);
  const source = isRecord(parsed) && typeof parsed.source === 'string' ? parsed.source : undefined;
  return { status, source };
}

function statusOf({ status }: HttpAnswer): { status: number } {
  return { status };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
