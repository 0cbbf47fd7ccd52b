// The lab project's global setup: PGlite's data directory cache is written once, before the test files start.
// On a fresh clone every file's database would otherwise run initdb at the same time, and on a busy machine
// one of them took longer than its file allows for a start.
import { warmDatabaseCache } from '../local/lab/database';

export default async function warmCache(): Promise<void> {
  // Even with DATABASE_URL set: the PGlite-only test files unset it and start PGlites of their own.
  await warmDatabaseCache();
}
