// Unit tests keep their word: no real timer, no real socket; those belong to the lab tier (*.lab/db/browser.test.ts).
import path from 'node:path';
import { ROOT } from './import-boundaries';
import { tierViolations, unitTestFiles, unitTierViolations } from './test-tiers';

const FILE = path.join(ROOT, 'test', 'steps', 'example.test.ts');

describe('the unit tier', () => {
  it('has no file that waits on a real timer or opens a real socket', () => {
    // Given every unit test file
    // When its imports and calls are read
    // Then none uses a real timer or a socket module
    expect(unitTierViolations()).toEqual([]);
  });

  it('reads the unit test files', () => {
    // Given the test folder
    // Then it holds unit test files to check, and none of the lab tier among them
    const files = unitTestFiles();
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((file) => /\.(db|lab|browser)\.test\.ts$/.test(file))).toEqual([]);
  });
});

describe('the tier checker', () => {
  it('names a real timer and the file', () => {
    // Given a test that sleeps on a real timer
    const source = 'it("waits", async () => { await new Promise((r) => setTimeout(r, 50)); });\n';
    // When it is checked
    // Then the violation names the file and the call
    expect(tierViolations(FILE, source)).toEqual([{ file: 'test/steps/example.test.ts', use: 'calls setTimeout' }]);
  });

  it('names a socket module and a raised jest timeout', () => {
    // Given a test that opens a server and raises its timeout
    const source = "import { createServer } from 'node:http';\njest.setTimeout(30_000);\n";
    // When it is checked
    // Then both are named
    expect(tierViolations(FILE, source).map((v) => v.use)).toEqual(['imports node:http', 'calls jest.setTimeout']);
  });

  it('passes fake timers and mentions in comments', () => {
    // Given a test that advances jest's fake timers and mentions setTimeout only in a comment
    const source = '// no setTimeout(r, 50) here\njest.useFakeTimers();\njest.advanceTimersByTime(1000);\n';
    // When it is checked
    // Then nothing is named
    expect(tierViolations(FILE, source)).toEqual([]);
  });
});
