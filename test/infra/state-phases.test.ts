// The phase mapping walked over every state of the synthesized workflow: every state is named, and the preflight is all preflight.
import { PHASE_OF_STATE, phaseOfState } from '../../steps/core/state-phases';
import { STATES } from '../../steps/core/workflow-names';
import { allStates, type AslState, definitionOf, templateOf, testConfig } from './fixtures';

/** The target-only config (no queue), the config with a queue, one with stop-condition alarms, one with a change calendar and an allowed window: every state appears in one. */
const definitions = [
  definitionOf(templateOf()),
  definitionOf(
    templateOf(
      testConfig({ orderQueueUrl: undefined, orderQueueArn: undefined, dlqUrl: undefined, dlqArn: undefined }),
    ),
  ),
  definitionOf(templateOf(testConfig({ stopConditionAlarmNames: ['shop-5xx'] }))),
  definitionOf(
    templateOf(
      testConfig({
        changeCalendars: ['release-freeze'],
        schedule: {
          enabled: false,
          expression: 'cron(0 2 ? * TUE *)',
          timezone: 'UTC',
          allowedWindow: { days: ['TUE'], startHour: 1, endHour: 5 },
        },
      }),
    ),
  ),
];
const states: Record<string, AslState> = Object.assign({}, ...definitions.map((definition) => allStates(definition)));

function successors(state: AslState): string[] {
  const choices = ((state.Choices ?? []) as Array<{ Next: string }>).map((choice) => choice.Next);
  const catches = ((state.Catch ?? []) as Array<{ Next: string }>).map((handler) => handler.Next);
  return [state.Next as string | undefined, state.Default as string | undefined, ...choices, ...catches].filter(
    (next): next is string => next !== undefined,
  );
}

describe('phaseOfState over the synthesized workflow', () => {
  test('knows every state of every synthesized definition', () => {
    // Given every state of the definitions in each mode
    // When each is looked up in the phase mapping
    const unknown = Object.keys(states).filter((name) => !Object.prototype.hasOwnProperty.call(PHASE_OF_STATE, name));

    // Then none is missing from it
    expect(unknown).toEqual([]);
  });

  test('names no state the workflow does not have', () => {
    // Given the state names the readers rely on
    // When they are looked for in the synthesized definitions
    const stale = Object.values(STATES).filter((name) => !(name in states));

    // Then each of them exists
    expect(stale).toEqual([]);
  });

  test('maps every state before the warm-up to the preflight or to an ending', () => {
    // Given the states reachable from the start without passing the warm-up traffic
    const seen = new Set<string>();
    const queue = [definitions[2].StartAt];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name) || name === STATES.checkWarmUp) continue;
      seen.add(name);
      queue.push(...successors(states[name]));
    }

    // When each is mapped
    const notPreflight = [...seen].filter((name) => phaseOfState(name) !== 'preflight' && phaseOfState(name) !== null);

    // Then none of them belongs to a later phase (a refusal before any harm is preflight)
    expect(seen.has(STATES.describeStopCondition)).toBe(true);
    expect(notPreflight).toEqual([]);
  });

  test('maps every state from the warm-up to the baseline to the warm-up', () => {
    // Given the states reachable from the warm-up's check without passing the baseline or an abort
    const seen = new Set<string>();
    const queue: string[] = [STATES.checkWarmUp];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name) || name === STATES.startBaseline || name === STATES.abortReleaseLock) continue;
      seen.add(name);
      queue.push(...successors(states[name]));
    }

    // When each is mapped
    const phases = [...seen].map((name) => phaseOfState(name));

    // Then each is the warm-up, the loop's window and its failure among them
    expect(seen.has(STATES.warmUpWindow) && seen.has(STATES.warmUpFailed) && seen.has(STATES.noWarmUp)).toBe(true);
    expect(phases).toEqual(phases.map(() => 'warmup'));
  });

  test('maps the states between deregister and register to the outage', () => {
    // Given the hold loop's states
    const hold = [
      STATES.deregister,
      STATES.recordDeregistered,
      STATES.startHold,
      STATES.outageWindow,
      STATES.outageWorker,
      STATES.tallyOutageWindow,
      STATES.holdCheckAlarms,
      STATES.checkOutageWindow,
    ];

    // When they are mapped
    // Then each is in the outage
    expect(hold.map((name) => phaseOfState(name))).toEqual(hold.map(() => 'outage'));
  });

  test('maps a name the workflow does not have to no phase', () => {
    // Given a state name outside the workflow, and one from the object prototype
    // When they are mapped
    // Then neither has a phase
    expect([phaseOfState('SomethingElse'), phaseOfState('toString')]).toEqual([null, null]);
  });
});
