// The Chaos Shop's HTTP routes: parse, call the services, map outcomes to status codes.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { BreakerState } from './core/circuit-breaker';
import { DatabaseUnavailable, OrderNotAccepted, ProductsUnavailable } from './core/errors';
import { SOURCE_HEADER } from '../targets/chaos-shop/http-contract';
import type { PlacedOrder } from './core/orders';
import { validateId, validateOrderRequest } from './core/validation';
import type { ShopLogger } from './ports';
import type { OrderDesk } from './services/order-desk';
import type { ProductCatalog } from './services/product-catalog';

export interface HealthReport {
  status: 'ok';
  degradation: boolean;
  /** `unavailable`: the breaker is OPEN, so no request reaches the database until it probes again. */
  database: 'ready' | 'initializing' | 'unavailable';
  breaker: BreakerState | null;
  servedBy: string;
}

export interface ShopAppProps {
  readonly catalog: ProductCatalog;
  readonly orders: OrderDesk;
  readonly health: () => Omit<HealthReport, 'servedBy'>;
  readonly newOrderId: () => string;
  readonly instanceId: string;
  readonly enableDegradation: boolean;
  readonly logger: ShopLogger;
}

/** Orders are a few fields; anything larger is not an order. */
const MAX_BODY_BYTES = 16 * 1024;
const JSON_CONTENT_TYPE = /^(application\/([\w.+-]+\+)?json|text\/plain)\s*(;|$)/i;

export function createShopApp(props: ShopAppProps): Hono {
  const app = new Hono();
  const servedBy = props.instanceId;

  app.get('/health', (c) => c.json({ ...props.health(), servedBy } satisfies HealthReport));

  app.get('/products', async (c) => {
    const { products, source } = await props.catalog.list();
    c.header(SOURCE_HEADER, source);
    return c.json({ products, count: products.length, source, servedBy });
  });

  // The limit holds while the body streams in: reading stops past it (a 100 MB chunked body was
  // read whole before its 400, and the process kept 260 MB of it).
  const orderBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => invalid(c, servedBy, 'invalid order request', [`body must be at most ${MAX_BODY_BYTES} bytes`]),
  });

  app.post('/orders', orderBodyLimit, async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return invalid(c, servedBy, 'invalid order request', body.problems);
    const request = validateOrderRequest(body.value, props.newOrderId);
    if (!request.ok) return invalid(c, servedBy, 'invalid order request', request.problems);
    const { orderId, productId, quantity, runId } = request.value;
    const outcome = await props.orders.place(request.value);
    if (outcome.kind === 'queued') {
      return c.json(
        { status: 'accepted', message: 'order queued for processing', orderId, productId, quantity, runId, servedBy },
        202,
      );
    }
    const { status, body: placed } = placedResponse(outcome.placed);
    return c.json({ ...placed, servedBy }, status);
  });

  app.get('/orders/:orderId', async (c) => {
    const orderId = validateId('orderId', c.req.param('orderId'));
    if (!orderId.ok) return invalid(c, servedBy, 'invalid order id', orderId.problems);
    const order = await props.orders.find(orderId.value);
    // 200 "unknown" rather than 404: an order accepted into the queue is not in the database yet.
    return c.json(order ? { ...order, servedBy } : { orderId: orderId.value, status: 'unknown', servedBy });
  });

  app.get('/runs/:runId/orders', async (c) => {
    const runId = validateId('runId', c.req.param('runId'));
    if (!runId.ok) return invalid(c, servedBy, 'invalid run id', runId.problems);
    return c.json({ ...(await props.orders.countRunOrders(runId.value)), servedBy });
  });

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}`, servedBy }, 404));

  app.onError((error, c) => {
    if (error instanceof ProductsUnavailable || error instanceof OrderNotAccepted) {
      return c.json(
        { error: error.message, ...(error instanceof OrderNotAccepted ? { orderId: error.orderId } : {}), servedBy },
        503,
      );
    }
    // The fragile build answers an outage the way the seed's did: a 500 for every request that
    // needed the database. The degraded build says what is wrong and that it will pass.
    if (error instanceof DatabaseUnavailable && props.enableDegradation) {
      return c.json({ error: `${error.message}; try again later`, servedBy }, 503);
    }
    if (!(error instanceof DatabaseUnavailable)) {
      props.logger.error('request failed unexpectedly', {
        method: c.req.method,
        path: c.req.path,
        error: error.stack ?? error.message,
      });
    }
    return c.json({ error: error instanceof DatabaseUnavailable ? error.message : 'internal error', servedBy }, 500);
  });

  return app;
}

function placedResponse({ order, duplicate }: PlacedOrder): {
  status: ContentfulStatusCode;
  body: Record<string, unknown>;
} {
  const fields = {
    orderId: order.orderId,
    productId: order.productId,
    quantity: order.quantity,
    runId: order.runId,
    via: order.via,
    duplicate,
  };
  if (order.status === 'committed') return { status: 201, body: { status: 'committed', ...fields } };
  if (order.reason === 'unknown_product') {
    return {
      status: 404,
      body: {
        status: 'rejected',
        reason: 'unknown_product',
        error: `product ${order.productId} does not exist`,
        ...fields,
      },
    };
  }
  return { status: 409, body: { status: 'rejected', reason: 'insufficient_stock', ...fields } };
}

type JsonBody = { ok: true; value: unknown } | { ok: false; problems: string[] };

async function readJsonBody(c: Context): Promise<JsonBody> {
  const contentType = c.req.header('content-type');
  // No content type, or text/plain (what fetch sends for a string body), is parsed as JSON all the
  // same; anything else (a form, multipart, XML) means the client sent something other than an order.
  if (contentType !== undefined && !JSON_CONTENT_TYPE.test(contentType.trim())) {
    return { ok: false, problems: [`content-type must be application/json, got ${JSON.stringify(contentType)}`] };
  }
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    return { ok: false, problems: ['the request body could not be read'] };
  }
  if (text.trim() === '') return { ok: false, problems: ['body is empty; expected a JSON object'] };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problems: [`body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

function invalid(c: Context, servedBy: string, error: string, problems: string[]) {
  return c.json({ error, problems, servedBy }, 400);
}
