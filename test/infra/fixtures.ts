// Shared test fixtures: a valid target, a fast synth (no bundling, no built-in validation, no stack traces), the parsed definition.
import { App, type AppProps } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { type GameDayConfig, validateGameDayConfig } from '../../infra/config';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { GameDayStack } from '../../infra/stacks/gameday-stack';

export const PROXY_ARN = EXAMPLE_GAMEDAY_CONTEXT.proxyArn;
export const TARGET_GROUP_ARN = EXAMPLE_GAMEDAY_CONTEXT.targetGroupArn;
export const CLUSTER_ARN = EXAMPLE_GAMEDAY_CONTEXT.dbClusterArn;

/** A valid configuration, with `overrides` applied over the example target. */
export function testConfig(overrides: Record<string, unknown> = {}): GameDayConfig {
  return validateGameDayConfig({ ...EXAMPLE_GAMEDAY_CONTEXT, ...overrides });
}

/**
 * Props of an app that synthesizes fast: no bundling, no built-in validation, and no stack traces in
 * the metadata, neither for annotations nor at each construct's creation (under jest, capturing one
 * source-maps every frame). None of these is in the template.
 */
export const FAST_APP_PROPS = {
  context: { [BUNDLING_STACKS]: [], [DISABLE_CREATION_STACK_TRACES]: true },
  builtinCloudFormationValidation: false,
  stackTraces: false,
} as const satisfies AppProps;

/** An app with {@link FAST_APP_PROPS}. */
export function fastApp(): App {
  return new App(FAST_APP_PROPS);
}

/** The GameDay stack for `config`, in a {@link fastApp}. */
export function buildStack(config: GameDayConfig = testConfig()): { app: App; stack: GameDayStack } {
  const app = fastApp();
  const stack = new GameDayStack(app, 'GameDay', { config });
  return { app, stack };
}

export function templateOf(config?: GameDayConfig): Template {
  return Template.fromStack(buildStack(config).stack);
}

export interface AslState {
  Type: string;
  [key: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

/** The state machine's definition, with every intrinsic in it replaced by a `${...}` placeholder. */
export function definitionOf(template: Template): AslDefinition {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines) as Array<{ Properties: { DefinitionString: unknown } }>;
  const raw = machine.Properties.DefinitionString;
  const text =
    typeof raw === 'string'
      ? raw
      : (raw as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : `\${${JSON.stringify(part).replace(/"/g, "'")}}`))
          .join('');
  return JSON.parse(text) as AslDefinition;
}

/** Every state of the definition by name, those inside Parallel branches and Map item processors included. */
export function allStates(definition: AslDefinition): Record<string, AslState> {
  const found: Record<string, AslState> = {};
  const walk = (states: Record<string, AslState>): void => {
    for (const [name, state] of Object.entries(states)) {
      found[name] = state;
      for (const branch of (state.Branches ?? []) as AslDefinition[]) walk(branch.States);
      const processor = state.ItemProcessor as AslDefinition | undefined;
      if (processor) walk(processor.States);
    }
  };
  walk(definition.States);
  return found;
}

/** The IAM policy statements attached to the role whose logical id starts with `rolePrefix`. */
export function statementsOfRole(template: Template, rolePrefix: string): Array<Record<string, unknown>> {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      ((policy.Properties.Roles ?? []) as Array<{ Ref?: string }>).some((role) => role.Ref?.startsWith(rolePrefix)),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The properties of a resource policy with a statement that denies every request made without TLS. */
export const TLS_ONLY_POLICY = {
  PolicyDocument: {
    Statement: Match.arrayWith([
      Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]),
  },
};
