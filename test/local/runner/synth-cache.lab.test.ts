// The synthesized GameDay cached on disk: keyed on every input, one entry for every lab, never a stale one.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GameDayConfig } from '../../../infra/config';
import { synthesizeGameDay } from '../../../infra/synth';
import type { CfnTemplate } from '../../../local/runner/definition';
import { localGameDayConfig } from '../../../local/runner/local-config';
import { localGameDayTemplate, runnerView, synthCacheKey, synthInputFiles } from '../../../local/runner/synth-cache';
import { importSpecifiers } from '../../architecture/import-boundaries';
import { memoised } from '../../support/memo';

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');

function labConfig(port: number) {
  const endpoint = `http://127.0.0.1:${port}`;
  return localGameDayConfig({
    shopUrl: `http://127.0.0.1:${port + 1}`,
    queues: {
      endpoint,
      queueUrl: `${endpoint}/000000000000/chaos-shop-orders`,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:chaos-shop-orders',
      dlqUrl: `${endpoint}/000000000000/chaos-shop-orders-dlq`,
      dlqArn: 'arn:aws:sqs:us-east-1:000000000000:chaos-shop-orders-dlq',
    } as never,
  });
}

/**
 * The in-process synthesis, once per distinct config in this file: the misses after the first test's
 * (which takes the cache's own default synthesis) and the direct syntheses they are compared with.
 */
const synthesizeOnce = memoised((config: GameDayConfig) => synthesizeGameDay(config).template as CfnTemplate);

/** What a direct synthesis for a lab on `port` gives the runner. */
const directView = (port: number): CfnTemplate => runnerView(synthesizeOnce(labConfig(port)));

/** The closure of `entry` as the TypeScript compiler reads its imports (the reference the cache's own scan must match). */
function compilerClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), specifier);
      pending.push(
        [`${base}.ts`, path.join(base, 'index.ts'), base].find(
          (candidate) => candidate.endsWith('.ts') && existsSync(candidate),
        ) ?? base,
      );
    }
  }
  return [...seen].sort();
}

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'synth-cache-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('synthInputFiles', () => {
  it('finds every project file the synthesis imports, as the TypeScript compiler reads the imports', () => {
    // Given the synthesis entry point
    const entry = path.join(ROOT, 'infra', 'synth.ts');
    // When / Then the cache keys on exactly the files the compiler's import closure holds
    expect(synthInputFiles(entry)).toEqual(compilerClosure(entry));
  });
});

describe('synthCacheKey', () => {
  it('changes when any input file changes', () => {
    // Given a two-file closure
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synth-inputs-'));
    try {
      writeFileSync(path.join(dir, 'entry.ts'), "import { x } from './dep';\nexport const y = x;\n");
      writeFileSync(path.join(dir, 'dep.ts'), 'export const x = 1;\n');
      const files = synthInputFiles(path.join(dir, 'entry.ts'));
      const before = synthCacheKey(labConfig(4000), files);
      // When the imported file (not the entry) changes
      writeFileSync(path.join(dir, 'dep.ts'), 'export const x = 2;\n');
      // Then the key changes
      expect(files).toHaveLength(2);
      expect(synthCacheKey(labConfig(4000), files)).not.toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the same for two labs on different ports and differs for a different experiment', () => {
    const files = synthInputFiles();
    const base = labConfig(4000);
    expect(synthCacheKey(labConfig(5000), files)).toBe(synthCacheKey(base, files));
    expect(synthCacheKey({ ...base, experiment: { ...base.experiment, drainZeroReadings: 5 } }, files)).not.toBe(
      synthCacheKey(base, files),
    );
  });
});

describe('localGameDayTemplate', () => {
  it('synthesizes on a miss and serves the same template from the cache once stored', async () => {
    // Given an empty cache
    const config = labConfig(4000);
    // When the template is asked for twice, stored after the first
    const first = await localGameDayTemplate(config, { cacheDir });
    first.store();
    const second = await localGameDayTemplate(config, { cacheDir });
    // Then the first was synthesized, the second read, and both are what a direct synthesis gives the runner
    expect([first.cached, second.cached]).toEqual([false, true]);
    const direct = directView(4000);
    expect(first.template).toEqual(direct);
    expect(second.template).toEqual(direct);
  });

  it("serves another lab from the same entry with that lab's own URLs", async () => {
    // Given an entry stored for a lab on port 4000
    (await localGameDayTemplate(labConfig(4000), { cacheDir, synthesize: synthesizeOnce })).store();
    // When a lab on port 5000 asks
    const other = await localGameDayTemplate(labConfig(5000), { cacheDir });
    // Then it is a hit, equal to a direct synthesis for port 5000
    expect(other.cached).toBe(true);
    expect(other.template).toEqual(directView(5000));
  });

  it('does not store a template until asked, so a definition that failed validation is synthesized again', async () => {
    const synthesize = jest.fn(synthesizeOnce);
    await localGameDayTemplate(labConfig(4000), { cacheDir, synthesize });
    expect((await localGameDayTemplate(labConfig(4000), { cacheDir, synthesize })).cached).toBe(false);
    expect(synthesize).toHaveBeenCalledTimes(2);
  });
});

describe('localGameDayTemplate where the cache cannot be written', () => {
  it('still returns the synthesized template, and the next call synthesizes again', async () => {
    // Given a cache directory whose path is taken by a file
    const blocked = path.join(cacheDir, 'not-a-directory');
    writeFileSync(blocked, 'x');
    // When a template is stored there
    const first = await localGameDayTemplate(labConfig(4000), { cacheDir: blocked, synthesize: synthesizeOnce });
    first.store();
    // Then storing did not throw, the template is the synthesized one, and nothing was cached
    expect(first.template).toEqual(directView(4000));
    expect(
      (await localGameDayTemplate(labConfig(4000), { cacheDir: blocked, synthesize: synthesizeOnce })).cached,
    ).toBe(false);
  });
});

describe('localGameDayTemplate in a process whose inputs changed on disk since it loaded them', () => {
  it("does not store what it synthesized after an edit: the process's code is not the files'", async () => {
    // Given a fresh process (a fresh module) keyed on one input file, its first template stored
    const input = path.join(cacheDir, 'input.ts');
    writeFileSync(input, 'export const version = 1;\n');
    await jest.isolateModulesAsync(async () => {
      const { localGameDayTemplate: fresh } = await import('../../../local/runner/synth-cache');
      const ask = () => fresh(labConfig(4000), { cacheDir, inputFiles: [input] });
      const first = await ask();
      first.store();
      // When the file is edited and the same process synthesizes again, and stores
      writeFileSync(input, 'export const version = 2;\n');
      const afterEdit = await ask();
      afterEdit.store();
      // Then nothing was stored under the edited file's key: the next ask synthesizes again
      expect([first.cached, afterEdit.cached, (await ask()).cached]).toEqual([false, false, false]);
      // And the entry of the code the process did load is still served
      writeFileSync(input, 'export const version = 1;\n');
      expect((await ask()).cached).toBe(true);
    });
  });
});
