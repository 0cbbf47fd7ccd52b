// Checking the paths a command will write, before it runs.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../cli/exit-codes';
import { checkOutputPaths, outputPathProblem, writeOutputFile } from '../../cli/output-paths';

const dir = mkdtempSync(path.join(tmpdir(), 'gameday-paths-'));
const file = path.join(dir, 'existing.json');
writeFileSync(file, '{}');

describe('checkOutputPaths', () => {
  it('accepts a new file in an existing directory, an existing file and an option not given', () => {
    // Then none of them is a problem
    expect(() =>
      checkOutputPaths([
        { option: '--json', path: path.join(dir, 'new.json') },
        { option: '--html', path: file },
        { option: '--junit', path: undefined },
      ]),
    ).not.toThrow();
  });

  it('refuses every bad path in one line', () => {
    // When two paths cannot be written
    const check = () =>
      checkOutputPaths([
        { option: '--json', path: path.join(dir, 'no', 'r.json') },
        { option: '--html', path: dir },
      ]);
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
    expect(outputPathProblem({ option: '--json', path: path.join(file, 'r.json') })).toMatch(
      /existing\.json is not a directory/,
    );
  });

  it('refuses an empty path', () => {
    expect(outputPathProblem({ option: '--json', path: '' })).toMatch(/the path is empty/);
  });

  it('accepts a directory to be created under an existing one, and refuses a file given as a directory', () => {
    // Given an output directory that does not exist yet, and one that is a file
    mkdirSync(path.join(dir, 'runs'), { recursive: true });
    // Then the first may be created, the second cannot
    expect(
      outputPathProblem({ option: '--history-dir', path: path.join(dir, 'runs', 'new', 'deeper'), kind: 'directory' }),
    ).toBeNull();
    expect(outputPathProblem({ option: '--history-dir', path: file, kind: 'directory' })).toMatch(
      /is a file, give a directory/,
    );
    expect(outputPathProblem({ option: '--history-dir', path: path.join(file, 'under'), kind: 'directory' })).toMatch(
      /existing\.json is not a directory/,
    );
  });
});

describe('the probe of a path', () => {
  it('refuses a file in /proc and /sys, where no file can be made, whoever runs it', () => {
    // When the report would go where the kernel lets no file be created (root passes access() there)
    // Then both are refused as unwritable directories
    expect(outputPathProblem({ option: '--json', path: '/proc/x.json' })).toMatch(
      /--json \/proc\/x\.json: the directory \/proc is not writable/,
    );
    expect(outputPathProblem({ option: '--html', path: '/sys/x.html' })).toMatch(
      /--html \/sys\/x\.html: the directory \/sys is not writable/,
    );
  });

  it('refuses a history directory to be created under /proc', () => {
    // Then the directory the probe could not create an entry in is named
    expect(outputPathProblem({ option: '--history-dir', path: '/proc/runs/deeper', kind: 'directory' })).toMatch(
      /the directory \/proc is not writable/,
    );
  });

  it('leaves nothing behind in the directory it probed, and an existing file as it was', () => {
    // Given a directory holding one file
    const probed = mkdtempSync(path.join(tmpdir(), 'gameday-probed-'));
    writeFileSync(path.join(probed, 'kept.json'), 'as it was');
    // When a new file, the existing file and the directory as a history directory are checked
    expect(outputPathProblem({ option: '--json', path: path.join(probed, 'new.json') })).toBeNull();
    expect(outputPathProblem({ option: '--html', path: path.join(probed, 'kept.json') })).toBeNull();
    expect(
      outputPathProblem({ option: '--history-dir', path: path.join(probed, 'runs'), kind: 'directory' }),
    ).toBeNull();
    // Then the directory holds the one file, unchanged
    expect(readdirSync(probed)).toEqual(['kept.json']);
    expect(readFileSync(path.join(probed, 'kept.json'), 'utf8')).toBe('as it was');
  });
});

describe('writeOutputFile', () => {
  it('writes to the path asked for when it can', () => {
    // When the path is writable
    const target = path.join(dir, 'written.json');
    const written = writeOutputFile(target, '{"a":1}', path.join(dir, 'fallback'));
    // Then the file is there, and nothing failed
    expect(written).toEqual({ path: target });
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}');
  });

  it('writes to the fallback directory when the path fails at the end anyway, saying why', () => {
    // Given a path that cannot be written (its directory is a file)
    const target = path.join(file, 'r.json');
    const fallbackDir = path.join(dir, 'history', 'run-1');
    // When the report is written
    const written = writeOutputFile(target, '{"a":2}', fallbackDir);
    // Then it is in the fallback directory, and the failed path and its error are named
    expect(written.failed).toEqual({ path: target, reason: expect.stringMatching(/ENOTDIR/) });
    expect(path.dirname(written.path)).toBe(fallbackDir);
    expect(readFileSync(written.path, 'utf8')).toBe('{"a":2}');
  });
});
