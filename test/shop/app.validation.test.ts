import { startTestShop, type TestShop } from './harness';

let t: TestShop;
beforeEach(async () => {
  t = await startTestShop();
});
afterEach(async () => {
  await t.shop.close();
});

describe('POST /orders rejects malformed input with a 400', () => {
  it.each([
    ['a body that is not JSON', '{"productId": 1, "quantity": ', /body is not valid JSON/],
    ['JSON followed by garbage', '{"productId": 1, "quantity": 1} trailing', /body is not valid JSON/],
    ['an empty body', '', /body is empty/],
    ['a JSON array', '[1, 2]', /body must be a JSON object, got an array/],
    ['JSON null', 'null', /body must be a JSON object, got null/],
    ['a missing productId', { quantity: 1 }, /productId is required/],
    ['a missing quantity', { productId: 1 }, /quantity is required/],
    ['a string for a number', { productId: '1', quantity: 1 }, /productId must be an integer/],
    ['a float quantity', { productId: 1, quantity: 2.5 }, /quantity must be an integer/],
    ['a quantity of 0', { productId: 1, quantity: 0 }, /quantity must be an integer from 1 to 100/],
    ['a quantity of 101', { productId: 1, quantity: 101 }, /quantity must be an integer from 1 to 100/],
    ['a negative productId', { productId: -3, quantity: 1 }, /productId must be an integer/],
    ['a bad orderId', { productId: 1, quantity: 1, orderId: 'no spaces' }, /orderId must be a string matching/],
    ['a bad runId', { productId: 1, quantity: 1, runId: '../etc' }, /runId must be a string matching/],
    ['an extra field', { productId: 1, quantity: 1, coupon: 'FREE' }, /unexpected field "coupon"/],
  ])('for %s', async (_case, body, problem) => {
    // Given a malformed order request
    // When it is posted
    const response = await t.postOrder(body);
    // Then it is a 400 naming the problem, and the database was not asked
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid order request',
      problems: [expect.stringMatching(problem)],
      servedBy: 'test-shop',
    });
    expect(t.database.orders.size).toBe(0);
  });

  it('for a content type other than JSON', async () => {
    // Given a form-encoded body
    // When it is posted
    const response = await t.postOrder('productId=1&quantity=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    // Then it is a 400 naming the content type
    expect(response.status).toBe(400);
    expect((await response.json()).problems).toEqual([expect.stringMatching(/content-type must be application\/json/)]);
  });

  it('for a body larger than any order', async () => {
    // Given a 20 KB body
    const body = JSON.stringify({ productId: 1, quantity: 1, orderId: 'x'.repeat(20_000) });
    // When it is posted
    const response = await t.postOrder(body);
    // Then it is a 400 naming the size
    expect(response.status).toBe(400);
    expect((await response.json()).problems).toEqual([expect.stringMatching(/at most 16384 bytes/)]);
  });

  it('listing every problem at once', async () => {
    // Given a body wrong in three ways
    // When it is posted
    const response = await t.postOrder({ productId: 1.5, quantity: '2', extra: 1 });
    // Then all three are listed
    expect((await response.json()).problems).toHaveLength(3);
  });

  it('while the database is down too, rather than queueing garbage', async () => {
    // Given a database that is away
    t.database.down = true;
    // When an invalid order is posted
    const response = await t.postOrder({ productId: 1, quantity: 0 });
    // Then it is a 400 and nothing was queued
    expect(response.status).toBe(400);
    expect(t.queue.sent).toHaveLength(0);
  });
});

describe('POST /orders accepts', () => {
  it('a JSON content type with a charset', async () => {
    // Given a JSON body with a charset parameter
    // When it is posted
    const response = await t.postOrder(
      { productId: 1, quantity: 1 },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    // Then it is committed
    expect(response.status).toBe(201);
  });

  it('a JSON body sent as text/plain, as fetch labels a string body', async () => {
    // Given a JSON string posted without headers
    const response = await t.request('/orders', {
      method: 'POST',
      body: JSON.stringify({ productId: 1, quantity: 1 }),
    });
    // Then it is committed
    expect(response.status).toBe(201);
  });

  it('a JSON body without a content type', async () => {
    // Given a body sent with no content type
    const response = await t.request('/orders', {
      method: 'POST',
      body: new TextEncoder().encode(JSON.stringify({ productId: 1, quantity: 1 })),
    });
    // Then it is committed
    expect(response.status).toBe(201);
  });
});

describe('lookups reject malformed ids with a 400', () => {
  it.each([
    ['an order id with a dot', '/orders/a.b', 'invalid order id', /orderId must match/],
    ['an order id that is too long', `/orders/${'x'.repeat(101)}`, 'invalid order id', /orderId must match/],
    ['an order id with an encoded space', '/orders/a%20b', 'invalid order id', /orderId must match/],
    ['a run id with a dot', '/runs/run.1/orders', 'invalid run id', /runId must match/],
    ['a run id with an encoded slash', '/runs/a%2Fb/orders', 'invalid run id', /runId must match/],
  ])('for %s', async (_case, path, error, problem) => {
    // Given a malformed id in the path
    // When it is requested
    const response = await t.get(path);
    // Then it is a 400 naming the problem
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error, problems: [expect.stringMatching(problem)], servedBy: 'test-shop' });
  });
});
