// Every synthesized GameDay definition is valid Amazon States Language, as asl-validator reads it.
import aslValidator from 'asl-validator';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { type CfnTemplate, resolveGameDayDefinition } from '../../local/runner/definition';
import { sharedAppFor } from './shop-lab-fixtures';

/**
 * The template with every import replaced by a stand-in value, so the local resolver (Ref,
 * Fn::GetAtt, Fn::Join, pseudo parameters) can turn the DefinitionString into plain JSON. Values
 * the lab passes by import (proxy and cluster names, the shop URL) are strings in the definition:
 * any string stands in for them.
 */
function withImportsResolved(template: Template): CfnTemplate {
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length === 1 && entries[0][0] === 'Fn::ImportValue')
        return `imported-${String(entries[0][1]).replace(/[^A-Za-z0-9-]/g, '-')}`;
      return Object.fromEntries(entries.map(([key, value]) => [key, replace(value)]));
    }
    return node;
  };
  return replace(template.toJSON()) as CfnTemplate;
}

const modes: Array<[string, Record<string, unknown>]> = [
  ['the lab', {}],
  ['the fragile lab', { enableDegradation: 'false' }],
  [
    'an own target with stop conditions and a schedule',
    {
      gameday: {
        ...EXAMPLE_GAMEDAY_CONTEXT,
        stopConditionAlarmNames: ['shop-5xx-rate', 'shop-latency-p99'],
        schedule: { enabled: true, expression: 'cron(0 2 ? * TUE *)', timezone: 'Europe/Berlin' },
      },
    },
  ],
];

describe('the synthesized GameDay definition', () => {
  test.each(modes)('is valid ASL in %s', (_mode, context) => {
    // Given the GameDay stack of that mode, its definition resolved to plain JSON
    const { gameDay } = sharedAppFor(context);
    const { definition } = resolveGameDayDefinition(withImportsResolved(Template.fromStack(gameDay)));

    // When asl-validator checks it (paths and Task ARNs included)
    const result = aslValidator(definition, { checkPaths: true, checkArn: true });

    // Then it finds nothing wrong
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('routes both traffic functions to the traffic step locally, each under an ARN of its own that the input validation is given', () => {
    // Given the lab's GameDay stack, resolved as the local runner resolves it
    const { gameDay } = sharedAppFor({});
    const { definition, stepsByFunctionArn } = resolveGameDayDefinition(
      withImportsResolved(Template.fromStack(gameDay)),
    );
    // When the traffic functions' ARNs are read, and those the input validation passes on
    const traffic = [...stepsByFunctionArn].filter(([, step]) => step === 'traffic').map(([arn]) => arn);
    const validate = (
      definition as unknown as {
        States: Record<string, { Parameters: { Payload: { trafficFunctions: Record<string, string> } } }>;
      }
    ).States.ValidateInput;
    // Then there are two, both the traffic step, and they are the small and the large function the run may pick
    expect(traffic).toHaveLength(2);
    expect(Object.values(validate.Parameters.Payload.trafficFunctions).sort()).toEqual([...traffic].sort());
  });
});
