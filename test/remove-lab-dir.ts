// After each test file: the lab control folder test/setup-env.ts gave it goes, with any halt or run marker in it.
import { rmSync } from 'node:fs';

afterAll(() => {
  // Only the folder the setup made: a GAMEDAY_LAB_DIR given from outside the tests is left alone.
  const own = process.env.GAMEDAY_TEST_OWN_LAB_DIR;
  if (own && own === process.env.GAMEDAY_LAB_DIR) rmSync(own, { recursive: true, force: true });
});
