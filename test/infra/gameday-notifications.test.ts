// The notifications of the GameDay stack: an encrypted, TLS-only topic, the context's subscriptions, the rules, and the alarms' actions.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { FAST_APP_PROPS, TLS_ONLY_POLICY } from './fixtures';

/** The app as `cdk synth -c gameday='{"notify":{"emails":["team@example.com"]}}'` builds it. */
function synth(gameday: Record<string, unknown>): Template {
  const { gameDay } = buildApp({
    appProps: { ...FAST_APP_PROPS, context: { ...FAST_APP_PROPS.context, gameday: JSON.stringify(gameday) } },
    nag: false,
  });
  return Template.fromStack(gameDay);
}

const template = synth({ notify: { emails: ['team@example.com'] } });
const topicRef = { Ref: Match.stringLikeRegexp('^NotificationsTopic') };

describe('GameDay notifications', () => {
  test('the topic is encrypted with its own rotating key', () => {
    // Given the synthesized stack
    // Then the topic names a customer key, and the key rotates
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the topic policy refuses every request without TLS', () => {
    // Given the topic policy
    // Then it denies any principal any action when aws:SecureTransport is false
    template.hasResourceProperties('AWS::SNS::TopicPolicy', TLS_ONLY_POLICY);
  });

  test('subscribes each email address of the context', () => {
    // Given one address in the context
    // Then the topic has that email subscription
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'team@example.com',
      TopicArn: topicRef,
    });
  });

  test("a rule on this state machine's succeeded executions invokes the notifier; every other ending reaches it through the safety net", () => {
    // Given the rules
    // Then one matches SUCCEEDED executions of this state machine only, and targets the notifier
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['SUCCEEDED'], stateMachineArn: [{ Ref: Match.stringLikeRegexp('^GameDay') }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyFunction'), 'Arn'] } })],
    });
    // And the safety net, on ABORTED / TIMED_OUT / FAILED, hands its outcome (or its failure) to the notifier
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^SafetyNetFunction') },
      DestinationConfig: {
        OnSuccess: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyFunction'), 'Arn'] } },
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyFunction'), 'Arn'] } },
      },
    });
  });

  test('every GameDay alarm names the topic as its action', () => {
    // Given the alarms
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // Then there are some, and each alarm action is the topic
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms)
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^NotificationsTopic/) }]);
  });

  test('a Slack channel in the context gets a Chatbot channel configuration on the topic, read-only', () => {
    // Given a Slack channel
    const withSlack = synth({ notify: { emails: [], slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } } });
    // Then Chatbot delivers the topic there, with a read-only guardrail
    withSlack.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [topicRef],
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] }],
    });
    // And without one there is none
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  test('a stack without notify settings still has its topic, with no subscription', () => {
    // Given no notify context
    const quiet = synth({});
    // Then the topic exists for the alarms, and nobody is subscribed
    quiet.resourceCountIs('AWS::SNS::Topic', 1);
    quiet.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
