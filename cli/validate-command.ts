// `gameday validate`: checks an execution input against the GameDay stack synthesized offline with the context `cdk synth` would get.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATES } from '../steps/core/workflow-names';
import { EXIT_USAGE } from './exit-codes';
import { checkRunInput, formatRunConfigSummary, readValidateInputParameters, UnreadableDefinition } from './run-input';

export interface ValidateOptions {
  /** The execution input, as JSON text. @default "{}" */
  readonly input?: string;
  /** `-c key=value` pairs, as given. @default [] */
  readonly context?: readonly string[];
  /** Where cdk.json (and cdk.context.json) are read from. @default process.cwd() */
  readonly projectDir?: string;
}

export interface ValidateIo {
  out(line: string): void;
  err(line: string): void;
}

/**
 * The context the CDK CLI hands the app: cdk.json's `context`, then cdk.context.json, then the `-c`
 * pairs. Like the CLI, a `-c` value stays a string (the app parses its `gameday` JSON itself) and an
 * `aws:` key is refused.
 */
export function cdkContext(pairs: readonly string[], projectDir: string, problems: string[]): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const file of ['cdk.json', 'cdk.context.json']) {
    const path = join(projectDir, file);
    if (!existsSync(path)) continue;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      Object.assign(context, file === 'cdk.json' ? (parsed.context ?? {}) : parsed);
    } catch (error) {
      problems.push(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push(`-c ${pair}: a context value is key=value`);
      continue;
    }
    const key = pair.slice(0, at);
    if (key.startsWith('aws:')) problems.push(`-c ${key}: keys prefixed with 'aws:' are not for users`);
    else context[key] = pair.slice(at + 1);
  }
  return context;
}

/** Synthesizes the GameDay stack (no bundling, no nag, no built-in validation, no stack traces) and returns its state machine's definition. */
async function synthesizedDefinition(context: Record<string, unknown>): Promise<unknown> {
  const { buildApp } = await import('../infra/app');
  const { app, gameDay } = buildApp({
    nag: false,
    appProps: {
      context: { ...context, 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-creation-stack-traces': true },
      builtinCloudFormationValidation: false,
      stackTraces: false,
      treeMetadata: false,
      analyticsReporting: false,
    },
  });
  const template = app.synth().getStackByName(gameDay.stackName).template as {
    Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const machines = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const definition = machines
    .map((m) => definitionText(m.Properties?.DefinitionString))
    .find((text) => text.includes(`"${STATES.validateInput}"`));
  if (definition === undefined)
    throw new UnreadableDefinition(
      `the synthesized GameDay stack has no state machine with a ${STATES.validateInput} state`,
    );
  return JSON.parse(definition);
}

/** A DefinitionString as JSON text; references to other resources (always inside strings) become a placeholder. */
export function definitionText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) return '';
  return join[1].map((part) => (typeof part === 'string' ? part : 'unresolved')).join(join[0]);
}

/** Runs `gameday validate`; returns the exit code (0 valid, 2 refused). */
export async function validateCommand(options: ValidateOptions, io: ValidateIo): Promise<number> {
  const problems: string[] = [];
  let input: unknown = {};
  try {
    input = JSON.parse(options.input ?? '{}');
  } catch (error) {
    problems.push(`--input is not valid JSON: ${(error as Error).message}`);
  }
  const context = cdkContext(options.context ?? [], options.projectDir ?? process.cwd(), problems);
  if (problems.length > 0) return refuse(problems, io);

  let parameters;
  try {
    parameters = readValidateInputParameters(await synthesizedDefinition(context));
  } catch (error) {
    const { InvalidAppContext } = await import('../infra/app');
    if (error instanceof InvalidAppContext)
      return refuse(
        error.problems.map((p) => `context: ${p}`),
        io,
      );
    if (error instanceof UnreadableDefinition) return refuse([error.message], io);
    throw error;
  }
  const check = checkRunInput(input, parameters);
  if (!check.valid) return refuse(check.problems, io);
  io.out('The input is valid for this GameDay stack. The run would use:');
  for (const line of formatRunConfigSummary(check.config, parameters.limits)) io.out(line);
  return 0;
}

function refuse(problems: readonly string[], io: ValidateIo): number {
  io.err(`gameday validate: refused (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  for (const problem of problems) io.err(`  - ${problem}`);
  return EXIT_USAGE;
}

/** Runs `gameday validate --target FILE`: the profile against its schema and rules, offline; returns the exit code (0 valid, 2 refused). */
export async function validateProfileCommand(file: string, io: ValidateIo): Promise<number> {
  const { loadTargetProfile } = await import('../infra/config-profile');
  const { InvalidTargetProfile } = await import('../steps/core/target-profile');
  try {
    const profile = loadTargetProfile(file);
    io.out(
      `The target profile ${profile.name} is valid: ${profile.reads.length} read and ${profile.writes.length} write templates, writes proven by ${profile.proof.method}${profile.local ? ', startable in the lab' : ''}.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof InvalidTargetProfile)) throw error;
    return refuse(
      error.problems.map((p) => `${file}: ${p.pointer || '/'}: ${p.message}`),
      io,
    );
  }
}
