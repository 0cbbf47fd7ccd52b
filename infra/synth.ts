// Synthesizes the GameDay stack in-process, for the local runner: no bundling, no built-in validation.
import { App } from 'aws-cdk-lib';
import { BUNDLING_STACKS, DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import type { GameDayConfig } from './config';
import { GameDayStack } from './stacks/gameday-stack';

/** The construct id, and so the stack name, of the GameDay stack. */
export const GAMEDAY_STACK_ID = 'GameDay';

export interface SynthesizeGameDayOptions {
  /** Bundle the step functions with esbuild, as a deployment would. @default false */
  readonly bundling?: boolean;
}

export interface SynthesizedGameDay {
  /** The stack's CloudFormation template. */
  readonly template: object;
  readonly stackName: string;
}

/**
 * Builds the GameDay stack for `config` and returns its CloudFormation template. Bundling is
 * skipped unless asked for, and the built-in CloudFormation validation and the stack traces of the
 * metadata (at each construct's creation too) are off: they only cost time when the template is run
 * locally rather than deployed.
 */
export function synthesizeGameDay(config: GameDayConfig, opts: SynthesizeGameDayOptions = {}): SynthesizedGameDay {
  const app = new App({
    builtinCloudFormationValidation: false,
    stackTraces: false,
    treeMetadata: false,
    analyticsReporting: false,
    context: { [DISABLE_CREATION_STACK_TRACES]: true, ...(opts.bundling ? {} : { [BUNDLING_STACKS]: [] }) },
  });
  const stack = new GameDayStack(app, GAMEDAY_STACK_ID, { config });
  const assembly = app.synth();
  return { template: assembly.getStackByName(stack.stackName).template as object, stackName: stack.stackName };
}
