// Every test runs without AWS credentials from the machine: SDK clients get fixed fake ones.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The lab's halt lever is a folder of this machine's (`.gameday/lab`): a halt set there by hand must not
// skip the runs the tests start, and a test's halt must not stay behind: each test file gets a folder of its
// own, made when something is first written there and removed after the file (test/remove-lab-dir.ts).
if (!process.env.GAMEDAY_LAB_DIR) {
  process.env.GAMEDAY_LAB_DIR = join(tmpdir(), `gameday-lab-${randomUUID()}`);
  process.env.GAMEDAY_TEST_OWN_LAB_DIR = process.env.GAMEDAY_LAB_DIR;
}
