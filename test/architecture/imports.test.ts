// Runtime code (steps, shop, the report rendering) imports no CDK and nothing of the CDK app, the lab, the CLI or the benchmark.
import path from 'node:path';
import { importViolations, ROOT, RUNTIME_FOLDERS, runtimeImportViolations, typeScriptFiles } from './import-boundaries';

const HANDLER = path.join(ROOT, 'steps', 'handlers', 'example.ts');

describe('import boundaries of the runtime code', () => {
  it('holds in every file of steps/, shop/ and dashboards/render/', () => {
    // Given every TypeScript file of the runtime folders
    // When their imports are read
    const violations = runtimeImportViolations();
    // Then none names CDK or reaches into infra/, local/, cli/, bench/ or dashboards/monitoring/
    expect(violations).toEqual([]);
  });

  it('reads files in each runtime folder', () => {
    // Given the runtime folders
    // When their files are listed
    // Then each folder holds files to check, so a moved folder cannot pass unread
    for (const folder of RUNTIME_FOLDERS) expect(typeScriptFiles(folder).length).toBeGreaterThan(0);
  });
});

describe('the import checker', () => {
  it('names the file and the import of a CDK package', () => {
    // Given a handler that imports aws-cdk-lib
    const source = "import { Duration } from 'aws-cdk-lib';\n";
    // When it is checked
    // Then the violation names the file and the import
    expect(importViolations(HANDLER, source)).toEqual([{ file: 'steps/handlers/example.ts', specifier: 'aws-cdk-lib', rule: 'runtime code imports no aws-cdk-lib' }]);
  });

  it('sees a type-only import', () => {
    // Given a handler that imports a type of constructs, erased at compile time
    const source = "import type { Construct } from 'constructs';\n";
    // When it is checked
    // Then the import is still refused
    expect(importViolations(HANDLER, source).map((v) => v.specifier)).toEqual(['constructs']);
  });

  it('sees dynamic imports and require calls', () => {
    // Given a handler that loads the lab lazily and requires a CDK submodule
    const source = "export async function f() { return import('../../local/runner'); }\nconst s3 = require('aws-cdk-lib/aws-s3');\n";
    // When it is checked
    // Then both are refused
    expect(importViolations(HANDLER, source).map((v) => v.specifier)).toEqual(['../../local/runner', 'aws-cdk-lib/aws-s3']);
  });

  it('refuses a relative import by the folder it resolves to, not by its spelling', () => {
    // Given a handler importing a sibling named like a forbidden folder, and a path that climbs into infra/
    const source = "import { a } from '../local';\nimport { b } from '../core/../../infra/config';\n";
    // When it is checked
    // Then only the import that lands in infra/ is refused
    expect(importViolations(HANDLER, source)).toEqual([{ file: 'steps/handlers/example.ts', specifier: '../core/../../infra/config', rule: 'runtime code imports nothing from infra/' }]);
  });

  it('ignores imports in comments and strings', () => {
    // Given a source that only mentions aws-cdk-lib in a comment and a string
    const source = "// import { Stack } from 'aws-cdk-lib';\nexport const hint = \"import('aws-cdk-lib')\";\n";
    // When it is checked
    // Then nothing is refused
    expect(importViolations(HANDLER, source)).toEqual([]);
  });
});
