// What the shop's HTTP answers carry beyond their bodies, shared with the clients that read them.

/**
 * `GET /products` names where its list came from (`database` or `cache`) in this header as well as in
 * its body's `source`: a client that needs only the source need not parse the list.
 */
export const SOURCE_HEADER = 'x-shop-source';
