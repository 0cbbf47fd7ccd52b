// Test helper: a fresh lab database (PGlite, or a fresh database on DATABASE_URL's server).
import { type LabDatabase, startDatabase } from '../../local/lab/database';

export { startDatabase, type LabDatabase };

/** The database of one test file, as `databaseForFile` hands it out: known once its `beforeAll` ran. */
export type FileDatabase = Omit<LabDatabase, 'stop'>;

/**
 * One lab database for every test of the calling file: started before the first (a PGlite cold
 * start takes seconds, more on a busy machine, so the file's timeout is raised to 30 s), stopped after
 * the last. Its fields are read when a test runs, not when the file loads.
 */
export function databaseForFile(): FileDatabase {
  jest.setTimeout(30_000);
  let started: LabDatabase | undefined;
  beforeAll(async () => {
    started = await startDatabase();
  });
  afterAll(async () => {
    await started?.stop();
  });
  // Every field is read from the started database at the moment a test reads it.
  return new Proxy({} as FileDatabase, {
    get: (_view, field) => {
      if (!started) throw new Error('the test database is read before its beforeAll started it');
      return started[field as keyof FileDatabase];
    },
  });
}
