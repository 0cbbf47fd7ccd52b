// Shared fixtures of the lab tests: the app in each mode, built fast (no bundling, no built-in validation, no stack traces, no nag plugin).
import type { AppProps } from 'aws-cdk-lib';
import { buildApp, type GameDayApp } from '../../infra/app';
import { memoised } from '../support/memo';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { FAST_APP_PROPS } from './fixtures';

/** The app for `context`, as `cdk synth` would build it, minus bundling, the built-in validation and stack traces. */
export function appFor(context: Record<string, unknown> = {}, appProps: Omit<AppProps, 'context'> = {}): GameDayApp {
  return buildApp({
    appProps: { ...FAST_APP_PROPS, context: { ...FAST_APP_PROPS.context, ...context }, ...appProps },
    nag: false,
  });
}

/**
 * {@link appFor} built once per distinct context in a test file, for the tests that only read the
 * app (synthesizing it is such a read: the app keeps its assembly).
 */
export const sharedAppFor: (context: Record<string, unknown>) => GameDayApp = memoised((context) => appFor(context));

/** The `{Fn::ImportValue: name}` that the consumer holds for the producer's output whose value is `value`. */
export function importOf(
  producerOutputs: Record<string, { Value: unknown; Export?: { Name: string } }>,
  value: unknown,
): { 'Fn::ImportValue': string } {
  const match = Object.values(producerOutputs).find(
    (output) => output.Export && JSON.stringify(output.Value) === JSON.stringify(value),
  );
  if (!match?.Export) throw new Error(`no export of ${JSON.stringify(value)}`);
  return { 'Fn::ImportValue': match.Export.Name };
}

/** The app's three modes (infra/app.ts): the lab, the fragile lab, and a GameDay against an own target with stop conditions and a keyed shop. */
export type AppMode = 'lab' | 'fragile lab' | 'own target';
export const EXAMPLE_SHOP_KEY_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:example-shop-key-AbCdEf';
export const EXAMPLE_STOP_CONDITION = 'example-shop-5xx';
/** The own target's SSM Change Calendar: the preflight skips the run while it is CLOSED. */
export const EXAMPLE_CHANGE_CALENDAR = 'example-release-freeze';
export const APP_MODES: ReadonlyArray<{ readonly mode: AppMode; readonly context: Record<string, unknown> }> = [
  { mode: 'lab', context: {} },
  { mode: 'fragile lab', context: { enableDegradation: false } },
  {
    mode: 'own target',
    context: {
      gameday: {
        ...EXAMPLE_GAMEDAY_CONTEXT,
        stopConditionAlarmNames: [EXAMPLE_STOP_CONDITION],
        changeCalendars: [EXAMPLE_CHANGE_CALENDAR],
        shopAuth: { type: 'header', headerName: 'x-api-key', secretArn: EXAMPLE_SHOP_KEY_SECRET },
      },
    },
  },
];
