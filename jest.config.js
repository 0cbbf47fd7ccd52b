/**
 * Jest runs the TypeScript sources directly through ts-jest. It checks no types: with tsconfig's
 * `isolatedModules` ts-jest transpiles each file on its own, so neither `isolatedModules` nor
 * `diagnostics` needs setting here (type-checking is the separate CI step `npm run typecheck`).
 *
 * Two projects, chosen by file name:
 * - `unit`: no lab, no database, no browser, nothing that waits in real time or takes seconds (the
 *   CLI's flag tests start the CLI, which refuses before any lab starts); jest's 5 s timeout.
 *   `test/architecture/test-tiers.test.ts` fails on a unit test file that calls a real timer
 *   (setTimeout, setInterval, setImmediate), raises the timeout, or imports a socket module.
 *   CPU-bound: most of it is synthesizing the CDK app, so a file synthesizes each distinct app once
 *   and shares it among the tests that read it (test/infra/shop-lab-fixtures.ts, test/support/memo.ts),
 *   in apps that skip bundling, the built-in validation and stack traces (test/infra/fixtures.ts).
 * - `lab`: `*.db.test.ts` (a database: PGlite, or PostgreSQL through DATABASE_URL), `*.browser.test.ts`
 *   (headless Chromium) and `*.lab.test.ts` (child processes such as the SQS emulator or esbuild,
 *   real servers and real seconds).
 *   Each file sets the timeout it needs.
 * Lab tests spend most of their time waiting on lab clocks, not on the CPU: more workers than cores
 * let those waits overlap.
 */
const LAB_TESTS = ['**/*.db.test.ts', '**/*.browser.test.ts', '**/*.lab.test.ts'];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest', '<rootDir>/test/remove-lab-dir.ts'],
};

module.exports = {
  maxWorkers: 4,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.(db|browser|lab)\\.test\\.ts$'],
    },
    // PGlite's data directory cache is written once before the lab files start (test/warm-database-cache.ts).
    { ...shared, displayName: 'lab', testMatch: LAB_TESTS, globalSetup: '<rootDir>/test/warm-database-cache.ts' },
  ],
};
