// The documentation's relative links all lead somewhere, and the README stays short.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { anchorsOf, deadLinksOf, documentationPages, linksOf } from './markdown-links';

const ROOT = path.resolve(__dirname, '..', '..');

const scratchRoots: string[] = [];
afterAll(() => {
  for (const root of scratchRoots) rmSync(root, { recursive: true, force: true });
});

/** A scratch project holding `files` (path -> content), removed after the file's tests. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gameday-links-'));
  scratchRoots.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('the documentation of this project', () => {
  test('has no dead relative link in README.md, CONTRIBUTING.md or any docs/ page', () => {
    // Given every documentation page
    const pages = documentationPages(ROOT);

    // When each relative link is followed
    const dead = pages.flatMap((page) => deadLinksOf(ROOT, page)).map((d) => `${d.file}: (${d.link}) ${d.why}`);

    // Then every one leads to a file, and to a heading when it names one
    expect(dead).toEqual([]);
  });

  test('links a docs/ page from the README for each page the README names, and each exists', () => {
    // Given the README's links into docs/
    const docsLinks = linksOf(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).filter((link) =>
      link.startsWith('docs/'),
    );

    // When each is looked for on disk
    const missing = docsLinks
      .map((link) => link.split('#')[0])
      .filter((page) => !documentationPages(ROOT).includes(page));

    // Then the README links docs pages, and none is missing
    expect(docsLinks.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  test('keeps the README at 200 lines or fewer', () => {
    // Given the README
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');

    // When its lines are counted (a final newline ends the last line, as wc -l counts)
    const count = lines.at(-1) === '' ? lines.length - 1 : lines.length;

    // Then it stays short: the details live under docs/
    expect(count).toBeLessThanOrEqual(200);
  });
});

describe('deadLinksOf', () => {
  test('names the page and the link of a missing file', () => {
    // Given a page linking a page that does not exist
    const root = project({ 'docs/a.md': '# A\n\nSee [b](b.md) and [c](./c.md).\n', 'docs/c.md': '# C\n' });

    // When its links are checked
    const dead = deadLinksOf(root, 'docs/a.md');

    // Then the missing one is named with its page, the existing one is not
    expect(dead).toEqual([{ file: 'docs/a.md', link: 'b.md', why: 'docs/b.md does not exist' }]);
  });

  test('names an anchor the target page has no heading for', () => {
    // Given links to a heading that exists and to one that does not
    const root = project({
      'README.md': '[ok](docs/x.md#the-fault-matrix-every-case) [gone](docs/x.md#old-name) [here](#intro)\n\n# Intro\n',
      'docs/x.md': '## The fault matrix: every case\n',
    });

    // When the links are checked
    const dead = deadLinksOf(root, 'README.md');

    // Then only the missing anchor is dead
    expect(dead).toEqual([
      { file: 'README.md', link: 'docs/x.md#old-name', why: 'docs/x.md has no heading #old-name' },
    ]);
  });

  test('ignores links inside code and links to other sites', () => {
    // Given a link in a fenced block, one in inline code, and an external one
    const root = project({
      'README.md': '```md\n[a](missing.md)\n```\n`[b](missing.md)` [c](https://example.com/missing.md)\n',
    });

    // When the links are checked
    const dead = deadLinksOf(root, 'README.md');

    // Then none of them counts
    expect(dead).toEqual([]);
  });
});

describe('anchorsOf', () => {
  test('gives the anchors GitHub gives: code marks and punctuation dropped, repeats numbered', () => {
    // Given headings with inline code, punctuation and a repeat
    const markdown =
      "# The `gameday` command\n## Exit codes\n## Exit codes\n### The hypothesis' tolerances\n```\n# not a heading\n```\n";

    // When their anchors are computed
    const anchors = [...anchorsOf(markdown)];

    // Then they match the ones GitHub renders
    expect(anchors).toEqual(['the-gameday-command', 'exit-codes', 'exit-codes-1', 'the-hypothesis-tolerances']);
  });
});
