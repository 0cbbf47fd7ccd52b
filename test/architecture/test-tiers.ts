// The unit tier's promise, checked on the source of its files: no real timers, no real sockets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { importSpecifiers, ROOT, typeScriptFiles } from './import-boundaries';

/** A test file of the lab tier (a database, a browser, real processes, servers and seconds), by its name. */
export const LAB_TIER = /\.(db|lab|browser)\.test\.ts$/;

/** Modules that open real sockets or wait on real time. */
const REAL_WORLD_MODULES: readonly string[] = [
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'tls',
  'timers',
  'timers/promises',
].flatMap((name) => [name, `node:${name}`]);

/** Calls that wait on a real clock (a test that needs time passes it with jest's fake timers or an injected clock). */
const REAL_TIMER_CALLS: readonly string[] = ['setTimeout', 'setInterval', 'setImmediate', 'jest.setTimeout'];

/** One unit test file's use of real time or a real socket. */
export interface TierViolation {
  readonly file: string;
  readonly use: string;
}

/** The call expressions of a source, as written (`setTimeout`, `jest.setTimeout`), comments and strings excluded. */
function calledNames(source: string): string[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) names.push(node.expression.getText(file));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/** What in one unit test file breaks the tier's promise. */
export function tierViolations(file: string, source: string): TierViolation[] {
  const relative = path.relative(ROOT, file).split(path.sep).join('/');
  const imports = importSpecifiers(source).filter((specifier) => REAL_WORLD_MODULES.includes(specifier));
  const calls = calledNames(source).filter((name) => REAL_TIMER_CALLS.includes(name));
  return [...new Set([...imports.map((m) => `imports ${m}`), ...calls.map((c) => `calls ${c}`)])].map((use) => ({
    file: relative,
    use,
  }));
}

/** Every unit test file under test/. */
export function unitTestFiles(): string[] {
  return typeScriptFiles('test').filter((file) => file.endsWith('.test.ts') && !LAB_TIER.test(file));
}

/** Every violation in the unit tier. */
export function unitTierViolations(): TierViolation[] {
  return unitTestFiles().flatMap((file) => tierViolations(file, readFileSync(file, 'utf8')));
}
