// Every test runs without AWS credentials from the machine: SDK clients get fixed fake ones.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The lab's halt lever is a folder of this machine's (`.gameday/lab`): a halt set there by hand must not
// skip the runs the tests start, and a test's halt must not stay behind: the tests get a folder of their own.
process.env.GAMEDAY_LAB_DIR ||= mkdtempSync(join(tmpdir(), 'gameday-lab-'));
