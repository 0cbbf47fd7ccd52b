import { validateId, validateOrderRequest, validateQueuedOrder } from '../../../shop/core/validation';

const newOrderId = () => 'generated-id';

describe('validateOrderRequest', () => {
  it('accepts a complete order and keeps the client idempotency key', () => {
    // Given a valid body with orderId and runId
    const body = { productId: 3, quantity: 2, orderId: 'order_1-A', runId: 'run-7' };
    // When it is validated
    const result = validateOrderRequest(body, newOrderId);
    // Then the order is returned as sent
    expect(result).toEqual({ ok: true, value: { productId: 3, quantity: 2, orderId: 'order_1-A', runId: 'run-7' } });
  });

  it('generates an orderId when the client sent none, and leaves runId null', () => {
    // Given a body without orderId and runId
    // When it is validated
    const result = validateOrderRequest({ productId: 1, quantity: 1 }, newOrderId);
    // Then the generated id is used
    expect(result).toEqual({ ok: true, value: { productId: 1, quantity: 1, orderId: 'generated-id', runId: null } });
  });

  it.each([
    ['a missing productId', { quantity: 1 }, /productId is required/],
    ['a missing quantity', { productId: 1 }, /quantity is required/],
    ['a string productId', { productId: '1', quantity: 1 }, /productId must be an integer.*the string "1"/],
    ['a string quantity', { productId: 1, quantity: '2' }, /quantity must be an integer.*the string "2"/],
    ['a float quantity', { productId: 1, quantity: 1.5 }, /quantity must be an integer.*1\.5/],
    ['a float productId', { productId: 2.5, quantity: 1 }, /productId must be an integer.*2\.5/],
    ['a quantity of 0', { productId: 1, quantity: 0 }, /quantity must be an integer from 1 to 100, got 0/],
    ['a quantity of 101', { productId: 1, quantity: 101 }, /quantity must be an integer from 1 to 100, got 101/],
    ['a negative productId', { productId: -1, quantity: 1 }, /productId must be an integer/],
    ['a productId of 0', { productId: 0, quantity: 1 }, /productId must be an integer/],
    ['a productId beyond a 32-bit integer', { productId: 2_147_483_648, quantity: 1 }, /productId must be an integer/],
    ['a boolean quantity', { productId: 1, quantity: true }, /quantity must be an integer.*boolean/],
    ['an orderId with a space', { productId: 1, quantity: 1, orderId: 'a b' }, /orderId must be a string matching/],
    ['an empty orderId', { productId: 1, quantity: 1, orderId: '' }, /orderId must be a string matching/],
    [
      'an orderId of 101 characters',
      { productId: 1, quantity: 1, orderId: 'x'.repeat(101) },
      /orderId must be a string matching/,
    ],
    ['a numeric orderId', { productId: 1, quantity: 1, orderId: 42 }, /orderId must be a string matching/],
    ['a runId with a slash', { productId: 1, quantity: 1, runId: 'a/b' }, /runId must be a string matching/],
    ['an unexpected field', { productId: 1, quantity: 1, qty: 3 }, /unexpected field "qty"/],
  ])('rejects %s', (_case, body, problem) => {
    // Given a body with one problem
    // When it is validated
    const result = validateOrderRequest(body, newOrderId);
    // Then the problem is named
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    ['null', null],
    ['an array', [{ productId: 1, quantity: 1 }]],
    ['a number', 7],
    ['a string', 'order'],
  ])('rejects a body that is %s rather than an object', (_case, body) => {
    // Given a JSON value that is not an object
    // When it is validated
    const result = validateOrderRequest(body, newOrderId);
    // Then the shape is named as the problem
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/body must be a JSON object/)] });
  });

  it('lists every problem at once', () => {
    // Given a body that is wrong in four ways
    const body = { productId: 'x', quantity: 0, orderId: 'bad id', extra: true };
    // When it is validated
    const result = validateOrderRequest(body, newOrderId);
    // Then all four are listed
    expect(result.ok ? [] : result.problems).toHaveLength(4);
  });
});

describe('validateId', () => {
  it('accepts letters, digits, dash and underscore', () => {
    // Given / When an id of allowed characters is validated / Then it is accepted
    expect(validateId('runId', 'Run_2026-11-27')).toEqual({ ok: true, value: 'Run_2026-11-27' });
  });

  it('rejects characters outside the pattern, naming the field', () => {
    // Given / When an id with a dot is validated / Then the field is named
    expect(validateId('orderId', 'a.b')).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^orderId must match/)],
    });
  });
});

describe('validateQueuedOrder', () => {
  it('accepts the body the shop writes to the queue', () => {
    // Given a queue message body as the shop sends it
    const body = JSON.stringify({
      orderId: 'o-1',
      productId: 2,
      quantity: 3,
      runId: null,
      acceptedAt: '2026-11-27T02:00:00.000Z',
    });
    // When it is validated
    const result = validateQueuedOrder(body);
    // Then the order comes back
    expect(result).toEqual({
      ok: true,
      value: { orderId: 'o-1', productId: 2, quantity: 3, runId: null, acceptedAt: '2026-11-27T02:00:00.000Z' },
    });
  });

  it('rejects a body that is not JSON', () => {
    // Given / When garbage is validated / Then it says so
    expect(validateQueuedOrder('{"orderId":')).toEqual({ ok: false, problems: ['body is not valid JSON'] });
  });

  it('requires an orderId, since without one the order cannot be deduplicated', () => {
    // Given a body without orderId
    const body = JSON.stringify({ productId: 2, quantity: 3, runId: null, acceptedAt: '2026-11-27T02:00:00.000Z' });
    // When it is validated
    const result = validateQueuedOrder(body);
    // Then the missing orderId is the problem
    expect(result).toEqual({ ok: false, problems: ['orderId is required'] });
  });

  it('rejects an acceptedAt that is not a timestamp', () => {
    // Given a body with a bad acceptedAt
    const body = JSON.stringify({ orderId: 'o-1', productId: 2, quantity: 3, runId: null, acceptedAt: 'yesterday' });
    // When it is validated
    const result = validateQueuedOrder(body);
    // Then acceptedAt is named
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^acceptedAt must be an ISO timestamp/)] });
  });
});
