// A child process's TypeScript entry bundled for plain Node, rebuilt only when its sources change.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundledEntry } from '../../../local/runner/process-bundle';

// esbuild runs as a child process, and the bundle runs in one.
jest.setTimeout(30_000);

describe('bundledEntry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-entry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on plain Node, with its own modules inside and its packages from the project', () => {
    // Given an entry that imports a module of its own and a package
    writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting: string = 'hello';\n");
    writeFileSync(
      path.join(dir, 'entry.ts'),
      "import { Client } from 'pg';\nimport { greeting } from './greeting';\nconsole.log(`${greeting} ${typeof Client}`);\n",
    );
    // When it is bundled and run without any TypeScript loader
    const bundle = bundledEntry(path.join(dir, 'entry.ts'));
    // Then it prints what its sources say
    expect(execFileSync(process.execPath, [bundle], { encoding: 'utf8' }).trim()).toBe('hello function');
  });

  it('keeps one bundle while the sources stay the same, and makes a new one when any of them changes', () => {
    // Given a bundled entry
    writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting = 'one';\n");
    writeFileSync(path.join(dir, 'entry.ts'), "import { greeting } from './greeting';\nconsole.log(greeting);\n");
    const first = bundledEntry(path.join(dir, 'entry.ts'));
    // When it is asked for again, and then after the imported module changed
    const again = bundledEntry(path.join(dir, 'entry.ts'));
    writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting = 'two';\n");
    const changed = bundledEntry(path.join(dir, 'entry.ts'));
    // Then the same bundle serves until the change, and the new one runs the new source
    expect(again).toBe(first);
    expect(changed).not.toBe(first);
    expect(execFileSync(process.execPath, [changed], { encoding: 'utf8' }).trim()).toBe('two');
  });
});
