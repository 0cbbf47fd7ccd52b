// A small reservation service to run a GameDay against: not the Chaos Shop, and sharing no code with it.
//   GET  /health                  200 once its table exists
//   GET  /rooms                   the rooms; {"freshness":"stale"} when served from memory while the database is gone
//   POST /reservations            {"room","nights"} with an Idempotency-Key header:
//                                 201 confirmed, 202 pending (kept in memory, written when the database is back),
//                                 422 a stay longer than 7 nights, 503 the database is gone (fragile)
//   GET  /reservations/:key       200 {"state":"confirmed"|"pending"} or 404
// MODE: resilient (default), fragile (no stale rooms, no pending writes), lying (answers 202, then forgets).
import http from 'node:http';
import pg from 'pg';

const MODE = process.env.MODE ?? 'resilient';
const PORT = Number(process.env.PORT ?? 8080);
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 5,
  connectionTimeoutMillis: 800,
  query_timeout: 1500,
  idleTimeoutMillis: 1000,
});
pool.on('error', () => undefined);

let ready = false;
let rooms = [];
/** Reservations accepted while the database was gone, by idempotency key, written once it is back. */
const pending = new Map();
/** After a failure the database is not tried again for a moment, so an outage does not make every answer slow. */
let downUntil = 0;

async function query(text, values) {
  if (Date.now() < downUntil) throw new Error('database unavailable');
  try {
    return await pool.query(text, values);
  } catch (error) {
    downUntil = Date.now() + 1000;
    throw error;
  }
}

async function setUp() {
  for (;;) {
    try {
      await pool.query(
        'CREATE TABLE IF NOT EXISTS reservations (idempotency_key text PRIMARY KEY, room text NOT NULL, nights int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
      );
      await pool.query('CREATE TABLE IF NOT EXISTS rooms (name text PRIMARY KEY, beds int NOT NULL)');
      await pool.query(
        "INSERT INTO rooms VALUES ('oak', 2), ('elm', 1), ('ash', 3), ('fir', 2) ON CONFLICT DO NOTHING",
      );
      ready = true;
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function insert(key, room, nights) {
  await query(
    'INSERT INTO reservations (idempotency_key, room, nights) VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING',
    [key, room, nights],
  );
}

/** Writes the reservations kept in memory, oldest first, once the database answers again. */
async function flush() {
  for (const [key, { room, nights }] of pending) {
    try {
      await insert(key, room, nights);
      pending.delete(key);
    } catch {
      return;
    }
  }
}
setInterval(() => void flush(), 500).unref();

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

async function route(req, res) {
  const url = new URL(req.url, 'http://service');
  if (req.method === 'GET' && url.pathname === '/health')
    return send(res, ready ? 200 : 503, { ready, mode: MODE, resilient: MODE !== 'fragile' });
  if (!ready) return send(res, 503, { error: 'starting' });
  if (req.method === 'GET' && url.pathname === '/rooms') {
    try {
      rooms = (await query('SELECT name, beds FROM rooms ORDER BY name')).rows;
      return send(res, 200, { rooms, freshness: 'live' });
    } catch {
      if (MODE === 'fragile' || rooms.length === 0) return send(res, 503, { error: 'database unavailable' });
      return send(res, 200, { rooms, freshness: 'stale' });
    }
  }
  if (req.method === 'POST' && url.pathname === '/reservations') {
    const key = req.headers['idempotency-key'];
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'body must be JSON' });
    }
    if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(key))
      return send(res, 400, { error: 'Idempotency-Key header required' });
    if (typeof body.room !== 'string' || !Number.isInteger(body.nights) || body.nights < 1)
      return send(res, 400, { error: 'room and nights required' });
    if (body.nights > 7) return send(res, 422, { error: 'stays are at most 7 nights' });
    try {
      await insert(key, body.room, body.nights);
      return send(res, 201, { state: 'confirmed' });
    } catch {
      if (MODE === 'fragile') return send(res, 503, { error: 'database unavailable' });
      // The lying build promises the reservation and keeps nothing.
      if (MODE === 'resilient') pending.set(key, { room: body.room, nights: body.nights });
      return send(res, 202, { state: 'pending' });
    }
  }
  const lookup = /^\/reservations\/([A-Za-z0-9_-]{1,128})$/.exec(url.pathname);
  if (req.method === 'GET' && lookup) {
    const key = lookup[1];
    if (pending.has(key)) return send(res, 200, { state: 'pending' });
    try {
      const found = await query('SELECT count(*)::int AS copies FROM reservations WHERE idempotency_key = $1', [key]);
      const copies = found.rows[0].copies;
      return copies === 0
        ? send(res, 404, { error: 'no such reservation' })
        : send(res, 200, { state: 'confirmed', copies });
    } catch {
      return send(res, 503, { error: 'database unavailable' });
    }
  }
  return send(res, 404, { error: 'not found' });
}

const server = http.createServer((req, res) => {
  route(req, res).catch(() => send(res, 500, { error: 'internal error' }));
});
server.listen(PORT, '127.0.0.1', () => console.log(`reservations (${MODE}) listening on ${PORT}`));
void setUp();
const stop = () => server.close(() => pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
