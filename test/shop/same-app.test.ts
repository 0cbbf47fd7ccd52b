// The shop on Lambda and the shop in the local lab are one app: both build it with the same createShop.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

/** The file each named import of `module` comes from, resolved to an absolute path. */
function importsOf(module: string): Map<string, string> {
  const file = path.join(ROOT, module);
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const from = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
    for (const element of bindings.elements) found.set((element.propertyName ?? element.name).text, from);
  }
  return found;
}

/** The names a module exports as variables, functions or classes. */
function exportsOf(module: string): string[] {
  const file = path.join(ROOT, module);
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported =
      ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) names.push(d.name.getText(source));
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
      names.push(statement.name.text);
  }
  return names;
}

describe('the Lambda entry and the local lab', () => {
  test('build the shop with the same createShop from shop/shop', () => {
    // Given the imports of the Lambda entry and of the lab
    const lambda = importsOf('shop/lambda.ts');
    const lab = importsOf('local/lab/lab.ts');

    // When the module each takes createShop and loadShopConfig from is compared
    // Then it is the one shop module and the one config module
    expect(lambda.get('createShop')).toBe(path.join(ROOT, 'shop', 'shop'));
    expect(lab.get('createShop')).toBe(lambda.get('createShop'));
    expect(lab.get('loadShopConfig')).toBe(lambda.get('loadShopConfig'));
  });

  test('export the two handlers the CDK functions name', () => {
    // Given the Lambda entry
    // When its exports are read
    // Then the HTTP handler and the worker handler are there
    expect(exportsOf('shop/lambda.ts')).toEqual(expect.arrayContaining(['handler', 'workerHandler']));
  });
});
