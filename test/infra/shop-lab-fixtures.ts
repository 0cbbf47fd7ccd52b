// Shared fixtures of the lab tests: the app in each mode, built fast (no bundling, no built-in validation, no nag plugin).
import type { AppProps } from 'aws-cdk-lib';
import { buildApp, type GameDayApp } from '../../infra/app';

/** The app for `context`, as `cdk synth` would build it, minus bundling and the built-in validation. */
export function appFor(context: Record<string, unknown> = {}, appProps: Omit<AppProps, 'context'> = {}): GameDayApp {
  return buildApp({
    appProps: { context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false, stackTraces: false, ...appProps },
    nag: false,
  });
}

/** The `{Fn::ImportValue: name}` that the consumer holds for the producer's output whose value is `value`. */
export function importOf(producerOutputs: Record<string, { Value: unknown; Export?: { Name: string } }>, value: unknown): { 'Fn::ImportValue': string } {
  const match = Object.values(producerOutputs).find((output) => output.Export && JSON.stringify(output.Value) === JSON.stringify(value));
  if (!match?.Export) throw new Error(`no export of ${JSON.stringify(value)}`);
  return { 'Fn::ImportValue': match.Export.Name };
}
