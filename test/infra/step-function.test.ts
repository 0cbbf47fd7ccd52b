// StepFunction: the house Lambda for one step handler.
import * as fs from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { InvalidStepFunctionProps, StepFunction, stepEntry } from '../../infra/constructs/step-function';

function stackWith(build: (stack: Stack) => void): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test');
  build(stack);
  return Template.fromStack(stack);
}

describe('StepFunction', () => {
  test('points each step at its handler module under steps/handlers', () => {
    // Given the six step keys
    for (const step of [
      'validate-input',
      'traffic',
      'verify-orders',
      'report',
      'safety-net',
      'schedule-start',
    ] as const) {
      // When the entry is resolved
      const entry = stepEntry(step);

      // Then it is that module, and it exists
      expect(entry).toMatch(new RegExp(`steps/handlers/${step}\\.ts$`));
      expect(fs.existsSync(entry)).toBe(true);
    }
  });

  test('defaults to 256 MB, 30 seconds and one month of logs', () => {
    // Given a step function with no options
    const template = stackWith((stack) => new StepFunction(stack, 'Report', { step: 'report' }));

    // When the function and its log group are read
    // Then the documented defaults apply
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 256,
      Timeout: 30,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('sets GAMEDAY_STEP and source maps beside the given environment', () => {
    // Given a step function with its own environment
    const template = stackWith(
      (stack) => new StepFunction(stack, 'SafetyNet', { step: 'safety-net', environment: { PROXY_NAME: 'p' } }),
    );

    // When its environment is read
    // Then all three are set
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { PROXY_NAME: 'p', GAMEDAY_STEP: 'safety-net', NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  test('lets its role write only to its own log group', () => {
    // Given a step function
    const template = stackWith(
      (stack) => new StepFunction(stack, 'Traffic', { step: 'traffic', logRetention: logs.RetentionDays.ONE_WEEK }),
    );

    // When its role's policy is read
    // Then it may create streams and put events in its log group, nothing more
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrafficLogs'), 'Arn'] },
          },
        ],
      },
    });
  });

  test('refuses every out-of-range setting at once', () => {
    // Given a step function with three bad settings
    const build = () =>
      stackWith(
        (stack) =>
          new StepFunction(stack, 'Bad', {
            step: 'traffic',
            memorySize: 64,
            timeout: Duration.minutes(20),
            environment: { GAMEDAY_STEP: 'other' },
          }),
      );

    // When it is built
    // Then one error names all three
    expect(build).toThrow(InvalidStepFunctionProps);
    expect(build).toThrow(/memorySize must be .*; timeout must be .*; environment must not set GAMEDAY_STEP/);
  });
});
