// `gameday watch` outside a terminal (a CI log): a line per change of phase or target state, and an ending that agrees with the verdict.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsClients } from '../../../cli/aws/clients';
import { runGameday } from '../../../cli/program';
import { terminalIo } from '../../../cli/terminal-io';
import type { ReportOutput } from '../../../steps/core/contracts';
import { executionArn, History, passedResult, T0 } from './support';

const sfn = mockClient(SFNClient);
const RUN = executionArn('manual-20261127T020100Z-abcd');

beforeEach(() => sfn.reset());

/** Step Functions answers each poll with one more event of `history`, as a run that is being followed. */
function deliverOneEventPerPoll(history: History): void {
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: RUN, status: 'RUNNING' });
  let mock = sfn.on(GetExecutionHistoryCommand);
  for (let id = 1; id <= history.events.length; id += 1)
    mock = mock.resolvesOnce({ events: history.newestFirst().filter((e) => (e.id ?? 0) <= id) });
}

/** Watches RUN with the terminal's io writing to a log (not a TTY); returns what the log got. */
async function watchIntoLog(): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  const stdout = {
    isTTY: false,
    columns: undefined,
    write: (text: string) => log.push(...text.split('\n').filter((line) => line !== '')),
  };
  const io = {
    ...terminalIo(stdout, (line) => log.push(line)),
    sleep: async () => undefined,
    now: () => new Date(T0 + 60_000),
  };
  const code = await runGameday(['node', 'gameday', 'watch', RUN], {
    io,
    err: (line) => log.push(line),
    createClients: (options) => createAwsClients({ ...options, region: 'us-east-1' }),
  });
  return { code, log };
}

const traffic = (phase: string, database: number, cache: number) => ({
  tally: {
    traffic: { phase, reads: { database, cache, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } },
  },
});

describe('gameday watch in a log', () => {
  it('writes the outage with the target DEREGISTERED, and a line for every change of the target', async () => {
    // Given a recorded run: baseline, deregister, hold, register, REGISTERING, AVAILABLE, recovery
    const result = passedResult();
    const history = new History()
      .started()
      .entered('ValidateInput')
      .exited('ValidateInput', { config: { ...result.report.config, runId: result.report.runId } })
      .entered('BaselineWindow')
      .exited('TallyBaselineWindow', traffic('baseline', 30, 0))
      .entered('Experiment')
      .entered('Deregister')
      .exited('RecordDeregistered', { fault: { deregisteredAt: '2026-11-27T02:00:31.000Z' } })
      .entered('OutageWindow')
      .exited('TallyOutageWindow', traffic('experiment', 0, 30))
      .entered('Register')
      .exited('RecordRegistered', { fault: { registeredAt: '2026-11-27T02:00:51.000Z' } })
      .entered('DescribeTargetAfterRegister')
      .exited('RecordAvailable', { fault: { availableAt: '2026-11-27T02:00:53.000Z' } })
      .entered('RecoveryWindow')
      .exited('TallyRecoveryWindow', traffic('experiment', 12, 60))
      .entered('BuildReport')
      .exited('BuildReport', { result })
      .entered('Passed')
      .succeeded();
    deliverOneEventPerPoll(history);
    // When it is watched into a log
    const { code, log } = await watchIntoLog();
    // Then the outage's lines show the target as it was, each change of the target on a line of its own
    expect(code).toBe(0);
    const live = log.filter((line) => line.startsWith('['));
    expect(
      live.find(
        (line) =>
          line.startsWith('[outage]') &&
          line.includes('target DEREGISTERED: database gone since 2026-11-27T02:00:31.000Z'),
      ),
    ).toBeDefined();
    expect(live.find((line) => line.startsWith('[restoring]') && line.includes('target REGISTERING'))).toBeDefined();
    expect(
      live.find(
        (line) => line.startsWith('[restoring]') && line.includes('target AVAILABLE again at 2026-11-27T02:00:53.000Z'),
      ),
    ).toBeDefined();
    const targets = live.map((line) => /target (\w+)/.exec(line)?.[1]);
    expect(targets.filter((state, i) => state !== targets[i - 1])).toEqual([
      'AVAILABLE',
      'DEREGISTERED',
      'REGISTERING',
      'AVAILABLE',
    ]);
    // And nothing in the log is padded
    for (const line of log) expect(line).toBe(line.trimEnd());
  });

  it('says a dry run ended INCONCLUSIVE, as its verdict, not FAILED', async () => {
    // Given a recorded dry run that ended at the Inconclusive fail state
    const passed = passedResult();
    const report = {
      ...passed.report,
      verdict: 'inconclusive' as const,
      reasons: ['dry run: the fault was not injected'],
      config: { ...passed.report.config, dryRun: true },
    };
    const result: ReportOutput = { ...passed, verdict: 'inconclusive', reasons: report.reasons, report };
    const history = new History()
      .started()
      .exited('ValidateInput', { config: { ...report.config, runId: report.runId } })
      .entered('CheckDryRun')
      .entered('DryRunFault')
      .exited('BuildReport', { result })
      .entered('Inconclusive')
      .failed('Inconclusive', 'verdict inconclusive: ["dry run: the fault was not injected"]');
    deliverOneEventPerPoll(history);
    // When it is watched
    const { code, log } = await watchIntoLog();
    // Then the ending names the verdict, with the Step Functions status beside it
    expect(code).toBe(3);
    const ended = log.find((line) => line.startsWith('Execution '));
    expect(ended).toContain(`${RUN} ended INCONCLUSIVE at its Inconclusive state (Step Functions status FAILED)`);
    expect(ended).not.toMatch(/ended FAILED/);
    expect(log.join('\n')).toContain('\n  Verdict: INCONCLUSIVE');
  });
});
