// Test fixture: the rows of the seed's BEFORE/AFTER table, in its words and its order, as every front end must show them.

/** The seed's six rows; the report's compare table starts with them. */
export const SEED_TABLE_ROWS: readonly string[] = Object.freeze([
  'Read failures during outage',
  'Reads served from cache',
  'Write failures during outage',
  'Orders buffered to SQS',
  'Orders lost',
  'Customer experience',
]);
