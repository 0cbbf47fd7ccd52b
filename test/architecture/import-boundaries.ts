// The import rules of the runtime code: no CDK, and nothing from the CDK app, the lab, the CLI or the benchmark.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The runtime folders: what runs in a Lambda (or the shop) must stay free of build-time code. */
export const RUNTIME_FOLDERS: readonly string[] = ['steps', 'shop', 'dashboards/render'];

/** Packages of the CDK world, with their subpaths. */
const FORBIDDEN_PACKAGES: readonly string[] = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** Folders of the repository the runtime folders may not reach into. */
const FORBIDDEN_FOLDERS: readonly string[] = ['infra', 'local', 'cli', 'bench', 'dashboards/monitoring'];

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

/** The folder of the repository a path lies in, as written in the rules, or null outside them. */
function forbiddenFolderOf(absolutePath: string, root: string): string | null {
  const relative = path.relative(root, absolutePath).split(path.sep).join('/');
  return FORBIDDEN_FOLDERS.find((folder) => relative === folder || relative.startsWith(`${folder}/`)) ?? null;
}

/** The imports of one runtime file (`file` is absolute) that break the rules. */
export function importViolations(file: string, source: string, root: string = ROOT): ImportViolation[] {
  const violations: ImportViolation[] = [];
  const relativeFile = path.relative(root, file).split(path.sep).join('/');
  for (const specifier of importSpecifiers(source)) {
    const cdkPackage = FORBIDDEN_PACKAGES.find((name) => specifier === name || specifier.startsWith(`${name}/`));
    if (cdkPackage) {
      violations.push({ file: relativeFile, specifier, rule: `runtime code imports no ${cdkPackage}` });
      continue;
    }
    if (!specifier.startsWith('.')) continue;
    const folder = forbiddenFolderOf(path.resolve(path.dirname(file), specifier), root);
    if (folder) violations.push({ file: relativeFile, specifier, rule: `runtime code imports nothing from ${folder}/` });
  }
  return violations;
}

/** The `.ts` files under a folder of the repository, absolute. */
export function typeScriptFiles(folder: string, root: string = ROOT): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Every violation in the runtime folders. */
export function runtimeImportViolations(root: string = ROOT): ImportViolation[] {
  return RUNTIME_FOLDERS.flatMap((folder) => typeScriptFiles(folder, root)).flatMap((file) => importViolations(file, readFileSync(file, 'utf8'), root));
}
