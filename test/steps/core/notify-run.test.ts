// Announcing a finished run from what its ending left: the event, the stored report, the last verdict.
import type { Verdict } from '../../../steps/core/contracts';
import type { ChatbotNotification } from '../../../steps/core/notification';
import { notifyFinishedRun, type NotifyPorts } from '../../../steps/core/notify-run';
import { runReport } from '../../support/run-history';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:scheduled-20261208T020000Z';

function fakePorts(reports: Record<string, ReturnType<typeof runReport>>, last: Verdict | null) {
  const published: ChatbotNotification[] = [];
  const counted: string[] = [];
  const state = { last };
  const ports: NotifyPorts = {
    reportOf: async (runId) => reports[runId] ?? null,
    lastVerdict: async () => state.last,
    recordVerdict: async (verdict) => {
      state.last = verdict;
    },
    publish: async (message) => {
      published.push(message);
    },
    countOutcome: async (outcome) => {
      counted.push(outcome);
    },
  };
  return { ports, published, counted, state };
}

const settings = { everyRun: false, links: () => ({ execution: 'https://console/execution', report: null }) };

describe('notifyFinishedRun', () => {
  test('a run that timed out reaches it through the safety net, and the message says what the safety net did', async () => {
    // Given the safety net's success record for a TIMED_OUT execution with no report
    const { ports, published, state } = fakePorts({}, 'passed');
    const record = {
      requestContext: { condition: 'Success' },
      requestPayload: {
        detail: {
          executionArn: ARN,
          name: 'scheduled-20261208T020000Z',
          status: 'TIMED_OUT',
          error: 'States.Timeout',
          cause: 'the execution timed out',
        },
      },
      responsePayload: { action: 'registered', lockReleased: true },
    };
    // When it is announced
    const result = await notifyFinishedRun(record, ports, settings);
    // Then one message names the death and the safety net's registration, and the next pass will be a recovery
    expect(result).toEqual({ outcome: 'died', notified: true });
    expect(published[0].content.description).toContain(
      'registered the database target again and released the run lock',
    );
    expect(state.last).toBe('aborted');
  });

  test('a skipped run is counted apart and announced with its reason, and leaves the last verdict alone', async () => {
    // Given a SUCCEEDED execution whose output holds the gate's reason
    const { ports, published, counted, state } = fakePorts({}, 'failed');
    const event = {
      detail: {
        executionArn: ARN,
        status: 'SUCCEEDED',
        output: JSON.stringify({
          skipped: { reason: 'change freeze: the SSM Change Calendar release-freeze is CLOSED' },
        }),
      },
    };
    // When it is announced
    const result = await notifyFinishedRun(event, ports, settings);
    // Then it is counted as skipped, the message gives the reason, and the failed verdict stays the last one
    expect(result).toEqual({ outcome: 'skipped', notified: true });
    expect(counted).toEqual(['skipped']);
    expect(published[0].content.description).toContain('release-freeze is CLOSED');
    expect(state.last).toBe('failed');
  });

  test('a pass after a pass stays quiet, and is recorded', async () => {
    // Given a stored passing report and a passing last verdict
    const { ports, published, state } = fakePorts(
      { 'scheduled-20261208T020000Z': runReport('scheduled-20261208T020000Z', '2026-12-08T02:00:00.000Z') },
      'passed',
    );
    // When the SUCCEEDED execution is announced
    const result = await notifyFinishedRun(
      { detail: { executionArn: ARN, status: 'SUCCEEDED', output: '{}' } },
      ports,
      settings,
    );
    // Then nothing is published, and the pass is the last verdict
    expect(result).toEqual({ outcome: 'passed', notified: false });
    expect(published).toEqual([]);
    expect(state.last).toBe('passed');
  });

  test("a reconciler tick's destination record is about no run", async () => {
    // Given the safety net's record for a reconciler tick
    const { ports, published } = fakePorts({}, null);
    // Then nothing is announced
    await expect(
      notifyFinishedRun(
        {
          requestContext: { condition: 'Success' },
          requestPayload: { source: 'reconciler' },
          responsePayload: { action: 'none', lockReleased: false },
        },
        ports,
        settings,
      ),
    ).resolves.toEqual({ outcome: null, notified: false });
    expect(published).toEqual([]);
  });
});
