// Checking the paths a command will write, before it runs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../cli/exit-codes';
import { checkOutputPaths, outputPathProblem } from '../../cli/output-paths';

const dir = mkdtempSync(path.join(tmpdir(), 'gameday-paths-'));
const file = path.join(dir, 'existing.json');
writeFileSync(file, '{}');

describe('checkOutputPaths', () => {
  it('accepts a new file in an existing directory, an existing file and an option not given', () => {
    // Then none of them is a problem
    expect(() => checkOutputPaths([{ option: '--json', path: path.join(dir, 'new.json') }, { option: '--html', path: file }, { option: '--junit', path: undefined }])).not.toThrow();
  });

  it('refuses every bad path in one line', () => {
    // When two paths cannot be written
    const check = () => checkOutputPaths([{ option: '--json', path: path.join(dir, 'no', 'r.json') }, { option: '--html', path: dir }]);
    // Then one usage error names both
    expect(check).toThrow(UsageError);
    expect(check).toThrow(/--json .*no.r\.json: the directory .* does not exist; --html .*: is a directory/);
    try {
      check();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('refuses a file under something that is not a directory', () => {
    // Then the file in its way is named
    expect(outputPathProblem({ option: '--json', path: path.join(file, 'r.json') })).toMatch(/existing\.json is not a directory/);
  });

  it('refuses an empty path', () => {
    expect(outputPathProblem({ option: '--json', path: '' })).toMatch(/the path is empty/);
  });

  it('accepts a directory to be created under an existing one, and refuses a file given as a directory', () => {
    // Given an output directory that does not exist yet, and one that is a file
    mkdirSync(path.join(dir, 'runs'), { recursive: true });
    // Then the first may be created, the second cannot
    expect(outputPathProblem({ option: '--history-dir', path: path.join(dir, 'runs', 'new', 'deeper'), kind: 'directory' })).toBeNull();
    expect(outputPathProblem({ option: '--history-dir', path: file, kind: 'directory' })).toMatch(/is a file, give a directory/);
    expect(outputPathProblem({ option: '--history-dir', path: path.join(file, 'under'), kind: 'directory' })).toMatch(/existing\.json is not a directory/);
  });
});
