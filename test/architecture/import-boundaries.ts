// The import rules of the codebase: runtime code free of build-time code, the harness and the demo
// shop apart, pure cores free of adapters, and no import cycle anywhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The runtime folders: what runs in a Lambda (or the shop) must stay free of build-time code. */
export const RUNTIME_FOLDERS: readonly string[] = ['steps', 'shop', 'report', 'common', 'targets'];

/** Every folder of project source: the import graph the cycle check walks. */
export const SOURCE_FOLDERS: readonly string[] = [...RUNTIME_FOLDERS, 'infra', 'local', 'cli', 'bench', 'test'];

/** Packages of the CDK world, with their subpaths. */
const FORBIDDEN_PACKAGES: readonly string[] = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/**
 * Packages only the tests may import: copyleft licences (the IAM simulator is AGPL-3.0) that must never
 * reach what the project ships or runs (docs/decisions.md).
 */
const TEST_ONLY_PACKAGES: readonly string[] = ['@cloud-copilot/'];

/** Folders of the repository the runtime folders may not reach into. */
const BUILD_TIME_FOLDERS: readonly string[] = ['infra', 'local', 'cli', 'bench'];

/**
 * Folder-to-folder rules beyond the build-time one: files under `from` import nothing under any of `to`.
 * The experiment engine and the demo system under test stay apart (both may use `common/` and `targets/`),
 * and a pure core reaches no adapter, handler or service.
 */
const FOLDER_RULES: readonly { readonly from: string; readonly to: readonly string[]; readonly why: string }[] = [
  { from: 'steps', to: ['shop'], why: 'the experiment engine imports nothing from the demo shop' },
  { from: 'shop', to: ['steps'], why: 'the system under test imports nothing from the harness' },
  { from: 'common', to: ['steps', 'shop'], why: 'code both runtimes share imports neither' },
  { from: 'targets', to: ['steps', 'shop'], why: 'a target description imports neither runtime' },
  { from: 'steps/core', to: ['steps/adapters', 'steps/handlers'], why: 'a pure core imports no adapter or handler' },
  { from: 'shop/core', to: ['shop/adapters', 'shop/services'], why: 'a pure core imports no adapter or service' },
];

/** One import that breaks the rules. */
export interface ImportViolation {
  /** The importing file, relative to the root. */
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/**
 * Every module a source names: static imports and exports (type-only included), `import x = require()`,
 * `require()`, dynamic `import()` and `typeof import()`, as the TypeScript compiler reads them.
 */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

const relativeTo = (root: string, absolutePath: string) => path.relative(root, absolutePath).split(path.sep).join('/');
const isUnder = (relative: string, folder: string) => relative === folder || relative.startsWith(`${folder}/`);

/** The imports of one runtime file (`file` is absolute) that break the rules. */
export function importViolations(file: string, source: string, root: string = ROOT): ImportViolation[] {
  const violations: ImportViolation[] = [];
  const relativeFile = relativeTo(root, file);
  for (const specifier of importSpecifiers(source)) {
    const cdkPackage = FORBIDDEN_PACKAGES.find((name) => specifier === name || specifier.startsWith(`${name}/`));
    if (cdkPackage) {
      violations.push({ file: relativeFile, specifier, rule: `runtime code imports no ${cdkPackage}` });
      continue;
    }
    if (!specifier.startsWith('.')) continue;
    const target = relativeTo(root, path.resolve(path.dirname(file), specifier));
    const buildTime = BUILD_TIME_FOLDERS.find((folder) => isUnder(target, folder));
    if (buildTime) {
      violations.push({ file: relativeFile, specifier, rule: `runtime code imports nothing from ${buildTime}/` });
      continue;
    }
    for (const rule of FOLDER_RULES) {
      const reached = isUnder(relativeFile, rule.from) ? rule.to.find((folder) => isUnder(target, folder)) : undefined;
      if (reached)
        violations.push({
          file: relativeFile,
          specifier,
          rule: `${rule.from}/ imports nothing from ${reached}/: ${rule.why}`,
        });
    }
  }
  return violations;
}

/** The `.ts` files under a folder of the repository, absolute. */
export function typeScriptFiles(folder: string, root: string = ROOT): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The imports of one file outside test/ (`file` is absolute) of a test-only package. */
export function testOnlyImportViolations(file: string, source: string, root: string = ROOT): ImportViolation[] {
  const relativeFile = relativeTo(root, file);
  return importSpecifiers(source)
    .filter((specifier) => TEST_ONLY_PACKAGES.some((prefix) => specifier.startsWith(prefix)))
    .map((specifier) => ({ file: relativeFile, specifier, rule: 'only test/ imports a test-only (copyleft) package' }));
}

/** Every import of a test-only package outside test/: runtime, CDK app, lab, CLI and benchmark. */
export function shippedTestOnlyImports(root: string = ROOT): ImportViolation[] {
  return SOURCE_FOLDERS.filter((folder) => folder !== 'test')
    .flatMap((folder) => typeScriptFiles(folder, root))
    .flatMap((file) => testOnlyImportViolations(file, readFileSync(file, 'utf8'), root));
}

/** Every violation in the runtime folders. */
export function runtimeImportViolations(root: string = ROOT): ImportViolation[] {
  return RUNTIME_FOLDERS.flatMap((folder) => typeScriptFiles(folder, root)).flatMap((file) =>
    importViolations(file, readFileSync(file, 'utf8'), root),
  );
}

/** The project file a relative specifier names, as the compiler resolves it, or null for a package or a non-TypeScript file. */
function resolveRelative(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The import graph of a set of files: each file (relative to the root) to the project files it imports. */
export function importGraph(files: readonly string[], root: string = ROOT): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importSpecifiers(readFileSync(file, 'utf8'))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target): target is string => target !== null)
      .map((target) => relativeTo(root, target));
    graph.set(relativeTo(root, file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * The import cycles of a graph: its strongly connected components of more than one file (or a file
 * that imports itself), each listed from its first file in sorted order, found with Tarjan's algorithm.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Every import cycle among the project's source files. */
export function projectImportCycles(root: string = ROOT): string[][] {
  return importCycles(
    importGraph(
      SOURCE_FOLDERS.flatMap((folder) => typeScriptFiles(folder, root)),
      root,
    ),
  );
}
