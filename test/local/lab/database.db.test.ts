// The lab database answers real SQL over TCP, embedded or on a server.
import { Client } from 'pg';
import { startDatabase } from '../../../local/lab/database';

// A PGlite cold start takes seconds, more on a busy machine.
jest.setTimeout(30_000);

describe('startDatabase', () => {
  it('serves real SQL to a pg client over TCP', async () => {
    // Given a started lab database
    const db = await startDatabase();
    const client = new Client({ connectionString: db.url });
    try {
      // When a client creates a table and reads it back
      await client.connect();
      await client.query('CREATE TABLE t (id int primary key, v text)');
      await client.query("INSERT INTO t VALUES (1, 'one')");
      const result = await client.query('SELECT v FROM t WHERE id = 1');
      // Then the row comes back
      expect(result.rows).toEqual([{ v: 'one' }]);
    } finally {
      await client.end();
      await db.stop();
    }
  });
});
