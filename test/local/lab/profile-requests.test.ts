// The lab reads a request's kind and write id off the profile's own templates: a header, a body field or a path segment.
import chaosShop from '../../../targets/chaos-shop/profile.json';
import reservations from '../../../examples/reservations/profile.json';
import { profileRequests, type SeenRequest } from '../../../local/lab/profile-requests';
import { parseTargetProfile } from '../../../steps/core/target-profile';

const seen = (method: string, url: string, headers: SeenRequest['headers'] = {}, body = ''): SeenRequest => ({
  method,
  url,
  headers,
  body,
});

describe('the requests of a profile, as the lab sees them', () => {
  it("finds the Chaos Shop's order id and run id in the body, and tells reads from lookups", () => {
    // Given the Chaos Shop's profile
    const requests = profileRequests(parseTargetProfile(chaosShop));
    // Then a product list is a read, an order a write, and the count per run neither
    expect(requests.kindOf('GET', '/products')).toBe('read');
    expect(requests.kindOf('POST', '/orders')).toBe('write');
    expect(requests.kindOf('GET', '/runs/run-1/orders')).toBeNull();
    // And an order's id and run are read where its template puts {{writeId}} and {{runId}}
    const body = JSON.stringify({ productId: 3, quantity: 1, orderId: 'run-1-baseline-0-0-4', runId: 'run-1' });
    expect(requests.writeOf(seen('POST', '/orders', {}, body))).toEqual({ id: 'run-1-baseline-0-0-4', runId: 'run-1' });
    expect(requests.writeOf(seen('POST', '/orders', {}, 'not json'))).toBeNull();
    expect(requests.writeOf(seen('GET', '/products'))).toBeNull();
  });

  it("finds the example service's id in its Idempotency-Key header, and takes a lookup for no write", () => {
    // Given the example service's profile
    const requests = profileRequests(parseTargetProfile(reservations));
    // Then rooms are a read, a reservation a write, a lookup by key neither
    expect(requests.kindOf('GET', '/rooms')).toBe('read');
    expect(requests.kindOf('POST', '/reservations')).toBe('write');
    expect(requests.kindOf('GET', '/reservations/run-1-outage-0-0-1')).toBeNull();
    // And the id comes from the header; the template carries no run id
    const headers = { 'idempotency-key': 'run-1-outage-0-0-1', 'content-type': 'application/json' };
    expect(requests.writeOf(seen('POST', '/reservations', headers, '{"room":"oak","nights":2}'))).toEqual({
      id: 'run-1-outage-0-0-1',
      runId: null,
    });
    expect(requests.writeOf(seen('POST', '/reservations', {}, '{}'))).toBeNull();
  });

  it('reads an id carried in the path, decoded, and matches a path with a query', () => {
    // Given a profile whose write puts its id in the path
    const profile = parseTargetProfile({
      ...reservations,
      writes: [{ name: 'put', request: { method: 'PUT', path: '/runs/{{runId}}/items/{{writeId}}' } }],
      proof: { method: 'none' },
    });
    const requests = profileRequests(profile);
    // Then both values come from their segments
    expect(requests.writeOf(seen('PUT', '/runs/r%201/items/r-1-recovery-0-0-9?x=1'))).toEqual({
      id: 'r-1-recovery-0-0-9',
      runId: 'r 1',
    });
    expect(requests.kindOf('PUT', '/runs/r/items')).toBeNull();
  });
});
