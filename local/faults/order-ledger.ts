// Records every write the target answered, in front of it, and checks the Chaos Shop's against its database rows.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { SeenRequest, SeenWrite } from '../lab/profile-requests';

/** One write (a Chaos Shop order) as it crossed the ledger: its id, its run, and the status the target answered (0: no answer). */
export interface LedgerEntry {
  orderId: string;
  runId: string | null;
  status: number;
}

/** The database truth about a set of orders. */
export interface OrderTruth {
  /** Orders the shop answered 201 or 202. */
  accepted: number;
  /** Accepted orders with a committed or rejected row. */
  recorded: number;
  /** Accepted orders without a row, and 201 answers whose row is not committed. */
  lost: number;
  /** Order rows nobody sent, plus stock taken beyond the committed quantities (an order applied twice). */
  duplicated: number;
  lostOrderIds: string[];
}

/** Which request is a write, and its id: the profile's templates say (see `profileRequests`). */
export type WriteRecognizer = (request: SeenRequest) => SeenWrite | null;

/** Headers a pass-through must not copy: they describe the hop, not the request. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * An HTTP pass-through in front of the target. The run's traffic goes through it, so the matrix knows
 * every write id the target accepted, independently of what the run's report claims.
 */
export class OrderLedger {
  private readonly log: LedgerEntry[] = [];
  private readonly server: http.Server;

  private constructor(
    shopUrl: string,
    private readonly writeOf: WriteRecognizer,
  ) {
    this.server = http.createServer((request, response) => void this.forward(shopUrl, request, response));
  }

  static async start(shopUrl: string, writeOf: WriteRecognizer): Promise<OrderLedger> {
    const ledger = new OrderLedger(shopUrl, writeOf);
    await new Promise<void>((resolve) => ledger.server.listen(0, '127.0.0.1', resolve));
    return ledger;
  }

  /** The shop's URL through the ledger. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Entries recorded from `from` on (an index from {@link size}). */
  entries(from = 0): LedgerEntry[] {
    return this.log.slice(from);
  }

  get size(): number {
    return this.log.length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async forward(shopUrl: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const write = this.writeOf({ method, url, headers: request.headers, body: body.toString('utf8') });
    const order = write ? { orderId: write.id, runId: write.runId } : null;
    const headers = Object.entries(request.headers).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !HOP_HEADERS.has(entry[0]),
    );
    let status = 0;
    try {
      const answer = await fetch(`${shopUrl}${url}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      });
      status = answer.status;
      const payload = Buffer.from(await answer.arrayBuffer());
      // The answer's own headers go back too: the profile's rules may read them (the Chaos Shop's x-shop-source).
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!HOP_HEADERS.has(name) && name !== 'content-encoding') answerHeaders[name] = value;
      });
      response.writeHead(answer.status, answerHeaders);
      response.end(payload);
    } catch {
      response.writeHead(502).end();
    } finally {
      if (order) this.log.push({ ...order, status });
    }
  }
}

/** Stock taken from the products beyond what the committed orders account for (0 when every order moved stock once). */
export async function stockDrift(databaseUrl: string, initialStock: number): Promise<number> {
  return withClient(databaseUrl, async (db) => {
    const taken = await db.query<{ n: string }>('SELECT coalesce(sum($1::int - stock), 0)::text AS n FROM products', [
      initialStock,
    ]);
    const committed = await db.query<{ n: string }>(
      "SELECT coalesce(sum(quantity), 0)::text AS n FROM orders WHERE status = 'committed'",
    );
    return Number(taken.rows[0].n) - Number(committed.rows[0].n);
  });
}

/**
 * Checks the ledger's orders against the order rows: every accepted order recorded exactly once.
 * `driftBefore` is {@link stockDrift} before the orders were sent, so only this batch's excess counts.
 */
export async function orderTruth(
  databaseUrl: string,
  entries: readonly LedgerEntry[],
  options: { initialStock: number; driftBefore: number },
): Promise<OrderTruth> {
  const sent = new Set(entries.map((e) => e.orderId));
  const accepted = new Map<string, number>();
  for (const entry of entries)
    if (entry.status === 201 || entry.status === 202) accepted.set(entry.orderId, entry.status);
  const runIds = [...new Set(entries.map((e) => e.runId).filter((id): id is string => id !== null))];
  const { rows, ghosts } = await withClient(databaseUrl, async (db) => {
    const found = await db.query<{ order_id: string; status: string }>(
      'SELECT order_id, status FROM orders WHERE order_id = ANY($1::text[])',
      [[...sent]],
    );
    const ofRuns = await db.query<{ order_id: string }>('SELECT order_id FROM orders WHERE run_id = ANY($1::text[])', [
      runIds,
    ]);
    return {
      rows: new Map(found.rows.map((r) => [r.order_id, r.status])),
      ghosts: ofRuns.rows.filter((r) => !sent.has(r.order_id)).length,
    };
  });
  const lostOrderIds = [...accepted]
    .filter(([id, status]) => !rows.has(id) || (status === 201 && rows.get(id) !== 'committed'))
    .map(([id]) => id);
  const drift = (await stockDrift(databaseUrl, options.initialStock)) - options.driftBefore;
  return {
    accepted: accepted.size,
    recorded: accepted.size - lostOrderIds.length,
    lost: lostOrderIds.length,
    duplicated: ghosts + Math.max(0, drift),
    lostOrderIds,
  };
}

export async function withClient<T>(databaseUrl: string, use: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await use(db);
  } finally {
    await db.end();
  }
}
