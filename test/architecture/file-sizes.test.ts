// No source file outside test/ is over 400 lines: a file that grows past it is split along a seam.
import { lineCount, MAX_SOURCE_LINES, oversizedFiles, projectOversizedFiles, sourceFiles } from './file-sizes';

describe('the size of the source files', () => {
  it('keeps every file outside test/ at 400 lines or fewer', () => {
    // Given every TypeScript and JavaScript file outside test/
    // When its lines are counted
    // Then none is over the limit (a failure names each file and its count)
    expect(projectOversizedFiles()).toEqual([]);
  });

  it('reads the runtime, the CDK app, the lab, the CLI, the benchmark and the root config modules', () => {
    // Given the repository
    // When its source files are listed
    const files = sourceFiles();
    // Then they span every source folder and the configuration at the root, and nothing under test/ or node_modules/
    for (const file of ['steps/core/contracts.ts', 'shop/app.ts', 'infra/config.ts', 'local/runner/runner.ts'])
      expect(files).toContain(file);
    for (const file of ['cli/program.ts', 'bench/bench.ts', 'eslint.config.mjs', 'jest.config.js'])
      expect(files).toContain(file);
    expect(files.filter((file) => file.startsWith('test/') || file.includes('node_modules/'))).toEqual([]);
  });
});

describe('the size check', () => {
  it('names a file one line over the limit with its count, and passes one at the limit', () => {
    // Given a file of 401 lines and one of 400
    const lines = (n: number) => 'const x = 1;\n'.repeat(n);
    const sources = new Map([
      ['steps/core/long.ts', lines(MAX_SOURCE_LINES + 1)],
      ['steps/core/short.ts', lines(MAX_SOURCE_LINES)],
    ]);
    // When they are checked
    // Then only the longer one is named, with its line count
    expect(oversizedFiles(sources)).toEqual([{ file: 'steps/core/long.ts', lines: 401 }]);
  });

  it('counts lines as wc -l does', () => {
    // Given texts with and without a final newline
    // Then the newlines are counted
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(1);
    expect(lineCount('')).toBe(0);
  });
});
