// Test support for the AWS commands: execution-history events, a recording terminal, the program with mocked clients.
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { createAwsClients } from '../../../cli/aws/clients';
import type { CommandIo } from '../../../cli/aws/commands';
import { runGameday } from '../../../cli/program';
import type { ReportOutput, RunReport } from '../../../steps/core/contracts';
import { buildReport } from '../../../steps/core/report';
import { passingRun } from '../../steps/support/builders';

export const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:GameDay';
export const executionArn = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:GameDay:${name}`;
export const T0 = Date.parse('2026-11-27T02:00:00.000Z');

/** A state machine definition as DescribeStateMachine returns it, as much of it as `gameday start` reads. */
export function gameDayDefinition(
  defaults: Record<string, unknown> = {},
  limits: Record<string, unknown> = { executionTimeoutSeconds: 7200 },
): string {
  return JSON.stringify({
    StartAt: 'ReadInput',
    States: {
      ReadInput: { Type: 'Pass', Next: 'ValidateInput' },
      ValidateInput: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'validate', Payload: { 'input.$': '$.input', defaults, limits } },
        End: true,
      },
    },
  });
}

/** Builds history events with increasing ids, one second apart. */
export class History {
  private id = 0;
  readonly events: HistoryEvent[] = [];

  private add(type: string, details: Partial<HistoryEvent> = {}): this {
    this.id += 1;
    this.events.push({
      id: this.id,
      previousEventId: this.id - 1,
      timestamp: new Date(T0 + this.id * 1000),
      type: type as HistoryEvent['type'],
      ...details,
    });
    return this;
  }

  started(): this {
    return this.add('ExecutionStarted', { executionStartedEventDetails: { input: '{}' } });
  }

  entered(name: string): this {
    return this.add('TaskStateEntered', { stateEnteredEventDetails: { name } });
  }

  exited(name: string, output: unknown): this {
    return this.add('TaskStateExited', { stateExitedEventDetails: { name, output: JSON.stringify(output) } });
  }

  succeeded(output: unknown = {}): this {
    return this.add('ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(output) } });
  }

  failed(error: string, cause: string): this {
    return this.add('ExecutionFailed', { executionFailedEventDetails: { error, cause } });
  }

  /** The events from `from` (1-based id) on, newest first, as GetExecutionHistory with reverseOrder answers. */
  newestFirst(from = 1): HistoryEvent[] {
    return this.events.filter((e) => (e.id ?? 0) >= from).reverse();
  }
}

/** The report output of a run that held, as BuildReport returns it. */
export function passedResult(storedIn: string | null = 'gameday-reports'): ReportOutput {
  const built = buildReport(passingRun());
  const report: RunReport = built.report;
  const location = storedIn
    ? { bucket: storedIn, jsonKey: `runs/${report.runId}/report.json`, htmlKey: `runs/${report.runId}/report.html` }
    : null;
  return { ...built, storage: { location, note: location ? 'stored' : 'REPORT_BUCKET is not set' } };
}

/** A tally step's output for a window of the experiment, with no stock-out and no failed write. */
function experimentTally(
  reads: { database: number; cache: number; failed: number },
  writes: { ok: number; queued: number },
): unknown {
  return { tally: { traffic: { phase: 'experiment', reads, writes: { ...writes, stockOut: 0, failed: 0 } } } };
}

/** A whole passing run, up to the report and the end. */
export function passingHistory(result: ReportOutput = passedResult()): History {
  const { report } = result;
  return new History()
    .started()
    .entered('ValidateInput')
    .exited('ValidateInput', { config: { ...report.config, runId: report.runId } })
    .entered('BaselineWindow')
    .exited('TallyBaselineWindow', {
      tally: {
        traffic: { phase: 'baseline', reads: report.phases.baseline!.reads, writes: report.phases.baseline!.writes },
      },
    })
    .entered('Deregister')
    .exited('RecordDeregistered', { fault: { deregisteredAt: '2026-11-27T02:00:31.000Z' } })
    .exited('TallyOutageWindow', experimentTally({ database: 0, cache: 30, failed: 0 }, { ok: 0, queued: 10 }))
    .exited('RecordAvailable', { fault: { availableAt: '2026-11-27T02:00:53.000Z' } })
    .exited('TallyRecoveryWindow', experimentTally({ database: 12, cache: 60, failed: 0 }, { ok: 4, queued: 20 }))
    .exited('Experiment', {
      experiment: {
        traffic: {
          reads: { database: 12, cache: 60, failed: 0 },
          writes: { ok: 4, queued: 20, stockOut: 0, failed: 0 },
        },
      },
    })
    .entered('BuildReport')
    .exited('BuildReport', { result })
    .entered('Passed')
    .succeeded();
}

export interface Terminal {
  io: CommandIo;
  lines: string[];
  live: string[];
  errors: string[];
  /** Fires the Ctrl-C handler the command registered. */
  interrupt(): void;
}

export function terminal(answer = false): Terminal {
  const lines: string[] = [];
  const live: string[] = [];
  const errors: string[] = [];
  let handler: (() => void) | null = null;
  return {
    lines,
    live,
    errors,
    interrupt: () => handler?.(),
    io: {
      out: (line) => lines.push(line),
      live: (line) => live.push(line),
      confirm: async () => answer,
      onInterrupt: (h) => {
        handler = h;
        return () => {
          handler = null;
        };
      },
      sleep: async () => undefined,
      now: () => new Date(T0 + 60_000),
    },
  };
}

/** Runs `gameday <args>` with clients in us-east-1 (their sends are mocked by the test). */
export async function gameday(term: Terminal, ...args: string[]): Promise<number> {
  return runGameday(['node', 'gameday', ...args], {
    createClients: (options) => createAwsClients({ ...options, region: options.region ?? 'us-east-1' }),
    io: term.io,
    err: (line) => term.errors.push(line),
    runLocal: async () => {
      throw new Error('the local run is not part of these tests');
    },
  });
}
