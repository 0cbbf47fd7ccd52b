// Runtime code imports no CDK and nothing of the CDK app, the lab, the CLI or the benchmark; steps/ and shop/ stay
// apart; pure cores import no adapter; no import cycle anywhere.
import path from 'node:path';
import {
  importCycles,
  importViolations,
  projectImportCycles,
  ROOT,
  RUNTIME_FOLDERS,
  runtimeImportViolations,
  shippedTestOnlyImports,
  SOURCE_FOLDERS,
  testOnlyImportViolations,
  typeScriptFiles,
} from './import-boundaries';

const HANDLER = path.join(ROOT, 'steps', 'handlers', 'example.ts');

describe('import boundaries of the runtime code', () => {
  it('holds in every file of steps/, shop/, report/, common/ and targets/', () => {
    // Given every TypeScript file of the runtime folders
    // When their imports are read
    const violations = runtimeImportViolations();
    // Then none names CDK, reaches into infra/, local/, cli/ or bench/, or crosses between steps/ and shop/
    expect(violations).toEqual([]);
  });

  it('reads files in each runtime folder', () => {
    // Given the runtime folders
    // When their files are listed
    // Then each folder holds files to check, so a moved folder cannot pass unread
    for (const folder of RUNTIME_FOLDERS) expect(typeScriptFiles(folder).length).toBeGreaterThan(0);
  });
});

describe('test-only packages', () => {
  it('are imported by no file outside test/', () => {
    // Given every TypeScript file of the runtime, the CDK app, the lab, the CLI and the benchmark
    // When their imports are read
    // Then none names the AGPL IAM simulator or its data
    expect(shippedTestOnlyImports()).toEqual([]);
  });

  it('are refused in an infra file, naming the file and the import', () => {
    // Given a construct that imports the simulator
    const source = "import { runSimulation } from '@cloud-copilot/iam-simulate';\n";
    // When it is checked
    // Then the violation names the file, the import and the rule
    expect(testOnlyImportViolations(path.join(ROOT, 'infra', 'constructs', 'x.ts'), source)).toEqual([
      {
        file: 'infra/constructs/x.ts',
        specifier: '@cloud-copilot/iam-simulate',
        rule: 'only test/ imports a test-only (copyleft) package',
      },
    ]);
  });
});

describe('import cycles', () => {
  it('there are none among the project source files', () => {
    // Given the import graph of every source folder
    // When its strongly connected components are found
    // Then none holds more than one file
    expect(projectImportCycles()).toEqual([]);
  });

  it('reads every source folder', () => {
    // Given the source folders
    // Then each holds files, so a renamed folder cannot leave the check with nothing to read
    for (const folder of SOURCE_FOLDERS) expect(typeScriptFiles(folder).length).toBeGreaterThan(0);
  });

  it('finds a three-file cycle and names each file in it', () => {
    // Given a graph in which a -> b -> c -> a, and d -> a outside the cycle
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    // When its cycles are found
    // Then the one cycle names its three files and not d
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('finds a file that imports itself', () => {
    // Given a file that imports itself
    // Then that is a cycle
    expect(importCycles(new Map([['a.ts', ['a.ts']]]))).toEqual([['a.ts']]);
  });
});

describe('the import checker', () => {
  it.each([
    {
      test: 'refuses an import from steps/ into shop/, naming the file and the import',
      // Given a step adapter that imports the shop's breaker
      file: 'steps/adapters/x.ts',
      specifier: '../../shop/core/circuit-breaker',
      rule: 'steps/ imports nothing from shop/: the experiment engine imports nothing from the demo shop',
    },
    {
      test: 'refuses an import from shop/ into steps/',
      // Given a shop adapter that imports a step adapter
      file: 'shop/adapters/x.ts',
      specifier: '../../steps/adapters/retry',
      rule: 'shop/ imports nothing from steps/: the system under test imports nothing from the harness',
    },
    {
      test: 'refuses an import from a core into an adapter',
      // Given a step core that imports an adapter
      file: 'steps/core/x.ts',
      specifier: '../adapters/retry',
      rule: 'steps/core/ imports nothing from steps/adapters/: a pure core imports no adapter or handler',
    },
  ])('$test', ({ file, specifier, rule }) => {
    const source = `import { retry } from '${specifier}';\n`;
    // When it is checked
    // Then the violation names the file, the import and the rule
    expect(importViolations(path.join(ROOT, ...file.split('/')), source)).toEqual([{ file, specifier, rule }]);
  });

  it('names the file and the import of a CDK package', () => {
    // Given a handler that imports aws-cdk-lib
    const source = "import { Duration } from 'aws-cdk-lib';\n";
    // When it is checked
    // Then the violation names the file and the import
    expect(importViolations(HANDLER, source)).toEqual([
      { file: 'steps/handlers/example.ts', specifier: 'aws-cdk-lib', rule: 'runtime code imports no aws-cdk-lib' },
    ]);
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
    const source =
      "export async function f() { return import('../../local/runner'); }\nconst s3 = require('aws-cdk-lib/aws-s3');\n";
    // When it is checked
    // Then both are refused
    expect(importViolations(HANDLER, source).map((v) => v.specifier)).toEqual([
      '../../local/runner',
      'aws-cdk-lib/aws-s3',
    ]);
  });

  it('refuses a relative import by the folder it resolves to, not by its spelling', () => {
    // Given a handler importing a sibling named like a forbidden folder, and a path that climbs into infra/
    const source = "import { a } from '../local';\nimport { b } from '../core/../../infra/config';\n";
    // When it is checked
    // Then only the import that lands in infra/ is refused
    expect(importViolations(HANDLER, source)).toEqual([
      {
        file: 'steps/handlers/example.ts',
        specifier: '../core/../../infra/config',
        rule: 'runtime code imports nothing from infra/',
      },
    ]);
  });

  it('ignores imports in comments and strings', () => {
    // Given a source that only mentions aws-cdk-lib in a comment and a string
    const source = "// import { Stack } from 'aws-cdk-lib';\nexport const hint = \"import('aws-cdk-lib')\";\n";
    // When it is checked
    // Then nothing is refused
    expect(importViolations(HANDLER, source)).toEqual([]);
  });
});
