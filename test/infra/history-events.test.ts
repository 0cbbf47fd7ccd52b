// The history-event counts the run validator uses, counted again on the synthesized definition.
import { MAX_TOTAL_RATE } from '../../steps/core/run-settings';
import {
  HISTORY_EVENTS,
  MAX_HISTORY_EVENTS,
  resolveTrafficWorkers,
  worstCaseHistoryEvents,
} from '../../steps/core/run-limits';
import { DEFAULT_RUN_SETTINGS } from '../../steps/core/run-settings';
import { allStates, type AslState, definitionOf, templateOf, testConfig } from './fixtures';

/** Events Step Functions writes for one pass through a state of this type (Task: entered, scheduled, started, succeeded, exited). */
function eventsOf(state: AslState): number {
  switch (state.Type) {
    case 'Task':
      return 5;
    case 'Map':
      return 4;
    default:
      return 2;
  }
}

const states = allStates(definitionOf(templateOf(testConfig({ stopConditionAlarmNames: ['shop-5xx'] }))));
const events = (...names: string[]): number => names.reduce((sum, name) => sum + eventsOf(states[name]), 0);

describe('history events per loop iteration', () => {
  test('counts a window as its Map, the tally and the check, plus an iteration and a Lambda per worker', () => {
    // Given the outage window loop of the synthesized definition
    // When its states are counted
    // Then the validator's figures are theirs
    expect(HISTORY_EVENTS.windowBase).toBe(events('OutageWindow', 'TallyOutageWindow', 'CheckOutageWindow'));
    expect(HISTORY_EVENTS.windowPerWorker).toBe(2 + events('OutageWorker'));
    expect(HISTORY_EVENTS.windowBase).toBe(events('RecoveryWindow', 'TallyRecoveryWindow', 'CheckRecoveryWindow'));
  });

  test('counts the checks between windows and a drain poll as the definition has them', () => {
    // Given the probes after outage and restoring windows, the drain loop, and a failover's rollback wait
    // When counted
    // Then they match
    expect(HISTORY_EVENTS.outageCheck).toBe(events('HoldCheckAlarms'));
    expect(HISTORY_EVENTS.restoringCheck).toBe(
      events('CheckRestoringFault', 'DescribeClusterAfterFailover', 'DescribeTargetAfterRegister'),
    );
    expect(HISTORY_EVENTS.rollbackClusterPoll).toBe(
      events('RollbackDescribeCluster', 'RollbackCountClusterPoll', 'RollbackCheckCluster', 'RollbackClusterWait'),
    );
    expect(HISTORY_EVENTS.drainPoll).toBe(
      events('DrainWait', 'DrainQueueDepth', 'DrainDlqDepth', 'CheckDrainReading', 'CountZeroReading', 'CheckDrained'),
    );
  });

  test('allows for every state outside the loops at least once', () => {
    // Given every state that is not part of a loop
    const loopStates =
      /Window$|Worker$|^HoldCheckAlarms$|^CheckRestoringFault$|^Describe(Target|Cluster)After(Register|Failover)$|^CheckAvailableAfterRegister$|^Rollback(DescribeCluster|CountClusterPoll|CheckCluster|ClusterWait)$|^Drain(Wait|QueueDepth|DlqDepth)$|^Check(DrainReading|Drained)$|^Count(Zero|NonZero)Reading$/;
    const outside = Object.keys(states).filter((name) => !loopStates.test(name));
    // When their events are added
    // Then the fixed allowance covers them all
    expect(HISTORY_EVENTS.fixed).toBeGreaterThanOrEqual(events(...outside));
  });

  test('grows the worst case with every worker of every window', () => {
    // Given the seed's run with one and with eight workers
    // When their worst cases are computed
    const one = worstCaseHistoryEvents({ ...DEFAULT_RUN_SETTINGS, trafficWorkers: 1 });
    const eight = worstCaseHistoryEvents({ ...DEFAULT_RUN_SETTINGS, trafficWorkers: 8 });
    // Then seven workers more cost seven iterations a window, in every window (warm-up, baseline, outage, restoring, recovery)
    const windows = 1 + 1 + 3 + 20 + 1;
    expect(eight - one).toBe(7 * HISTORY_EVENTS.windowPerWorker * windows);
  });

  test("keeps an hour's outage at the highest rates under the limit on the workers the rates pick", () => {
    // Given a 3,600 s outage at 7,500 reads + 2,500 writes a second, the stack's other defaults
    const run = {
      ...DEFAULT_RUN_SETTINGS,
      outageSeconds: 3600,
      readsPerSecond: MAX_TOTAL_RATE.reads,
      writesPerSecond: MAX_TOTAL_RATE.writes,
    };
    // When its worst case is computed, and that of the same run on 40 workers
    const picked = worstCaseHistoryEvents(run);
    const forty = worstCaseHistoryEvents({ ...run, trafficWorkers: 40 });
    // Then the workers the rates pick (the large function's 8) fit, where 40 small ones would not
    expect(resolveTrafficWorkers(run)).toBe(8);
    expect(picked).toBeLessThanOrEqual(MAX_HISTORY_EVENTS);
    expect(forty).toBeGreaterThan(MAX_HISTORY_EVENTS);
  });
});
