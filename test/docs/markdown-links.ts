// The relative links of the project's Markdown pages, and whether each one leads somewhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface DeadLink {
  /** The page holding the link, relative to the project root. */
  readonly file: string;
  readonly link: string;
  readonly why: string;
}

/** The text outside fenced code blocks and inline code: links and headings shown as code are not links. */
function proseOf(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a page offers, a repeated heading numbered as GitHub numbers it. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = anchorOf(match[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of the inline links and images of a page, in order. */
export function linksOf(markdown: string): string[] {
  return [...proseOf(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (match) => match[1],
  );
}

const isExternal = (link: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//');

/** The dead relative links of `file` (a path relative to `root`): a missing file, or an anchor its target does not have. */
export function deadLinksOf(root: string, file: string): DeadLink[] {
  const source = path.join(root, file);
  const dead: DeadLink[] = [];
  for (const link of linksOf(readFileSync(source, 'utf8'))) {
    if (isExternal(link)) continue;
    const [target, anchor] = link.split('#', 2) as [string, string | undefined];
    const resolved = target === '' ? source : path.resolve(path.dirname(source), decodeURIComponent(target));
    if (!existsSync(resolved)) {
      dead.push({ file, link, why: `${path.relative(root, resolved)} does not exist` });
      continue;
    }
    if (
      anchor &&
      resolved.endsWith('.md') &&
      statSync(resolved).isFile() &&
      !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor.toLowerCase())
    ) {
      dead.push({ file, link, why: `${path.relative(root, resolved)} has no heading #${anchor}` });
    }
  }
  return dead;
}

/** The project's documentation pages: README.md, CONTRIBUTING.md and every page under docs/, relative to `root`. */
export function documentationPages(root: string): string[] {
  const underDocs = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return underDocs(relative);
      return entry.name.endsWith('.md') ? [relative] : [];
    });
  return ['README.md', 'CONTRIBUTING.md']
    .filter((page) => existsSync(path.join(root, page)))
    .concat(underDocs('docs'))
    .sort();
}
