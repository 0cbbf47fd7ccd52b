// Announces a finished GameDay: reads what the run left (its ending, its report, what the safety net did), decides who hears of it, sends one message.
import { announce } from './announcement';
import type { RunReport, Verdict } from './contracts';
import type { ChatbotNotification, FinishedRun, RunOutcome, SafetyNetReport } from './notification';

/** What the announcement needs from outside. */
export interface NotifyPorts {
  /** The stored run report, or null when the run stored none. */
  reportOf(runId: string): Promise<RunReport | null>;
  /** The verdict of the last judged run, and its update. */
  lastVerdict(): Promise<Verdict | null>;
  recordVerdict(verdict: Verdict): Promise<void>;
  publish(message: ChatbotNotification): Promise<void>;
  /** Counts a skipped or halted run for the dashboard (they publish no verdict metric of their own). */
  countOutcome(outcome: 'skipped' | 'halted'): Promise<void>;
}

export interface NotifySettings {
  readonly everyRun: boolean;
  readonly links: (executionArn: string, runId: string, hasReport: boolean) => FinishedRun['links'];
}

/** The Step Functions status-change detail the notification is about. */
interface ExecutionDetail {
  executionArn: string;
  name?: string;
  status: string;
  error?: string | null;
  cause?: string | null;
  output?: string | null;
}

/** The event is neither a status change nor a safety-net destination record. */
export class UnrecognisedNotifyEvent extends Error {
  override readonly name = 'UnrecognisedNotifyEvent';
}

/**
 * The ending and the safety net's part: a succeeded run comes straight from its rule; every other
 * ending comes through the safety net's destination, with what the safety net did (or why it failed).
 * A reconciler tick's record is about no run: null.
 */
export function readNotifyEvent(event: unknown): { detail: ExecutionDetail; safetyNet: SafetyNetReport } | null {
  const record = event as {
    requestPayload?: unknown;
    responsePayload?: unknown;
    requestContext?: { condition?: string };
  } | null;
  if (record && typeof record === 'object' && 'requestPayload' in record) {
    const request = record.requestPayload as { source?: string; detail?: unknown } | null;
    if (request?.source === 'reconciler') return null;
    const detail = executionDetail(request?.detail);
    const response = record.responsePayload as {
      action?: unknown;
      lockReleased?: unknown;
      errorMessage?: unknown;
      errorType?: unknown;
    } | null;
    const safetyNet: SafetyNetReport =
      record.requestContext?.condition === 'Success' &&
      (response?.action === 'registered' || response?.action === 'none')
        ? { action: response.action, lockReleased: response.lockReleased === true }
        : {
            failed: `${text(response?.errorType, 'Error')}: ${text(response?.errorMessage, record.requestContext?.condition ?? 'unknown')}`,
          };
    return { detail, safetyNet };
  }
  return { detail: executionDetail((event as { detail?: unknown } | null)?.detail), safetyNet: null };
}

/** A field of Lambda's error record as text, or the fallback. */
function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function executionDetail(value: unknown): ExecutionDetail {
  const detail = value as Partial<ExecutionDetail> | null | undefined;
  if (!detail || typeof detail.executionArn !== 'string' || typeof detail.status !== 'string') {
    throw new UnrecognisedNotifyEvent(
      'expected a Step Functions Execution Status Change event, or a safety-net destination record carrying one',
    );
  }
  return detail as ExecutionDetail;
}

/** The skip reason the gate's Succeed state left in the execution output. */
function skippedReason(output: string | null | undefined): string | null {
  if (!output) return null;
  try {
    const reason = (JSON.parse(output) as { skipped?: { reason?: unknown } }).skipped?.reason;
    return typeof reason === 'string' ? reason : null;
  } catch {
    return null;
  }
}

/** The run id of an execution: its name, as ValidateInput derives it. */
function runIdOf(detail: ExecutionDetail): string {
  return (detail.name ?? detail.executionArn.split(':').pop() ?? '').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}

/** Announces the run if the policy says so; returns what was decided. */
export async function notifyFinishedRun(
  event: unknown,
  ports: NotifyPorts,
  settings: NotifySettings,
): Promise<{ outcome: RunOutcome | null; notified: boolean }> {
  const read = readNotifyEvent(event);
  if (read === null) return { outcome: null, notified: false };
  const { detail, safetyNet } = read;
  const runId = runIdOf(detail);
  const skipped = detail.status === 'SUCCEEDED' ? skippedReason(detail.output) : null;
  const [report, previousVerdict] = await Promise.all([
    skipped === null ? ports.reportOf(runId) : Promise.resolve(null),
    ports.lastVerdict(),
  ]);
  const run: FinishedRun = {
    runId,
    status: detail.status,
    error: detail.error ? { error: detail.error, cause: detail.cause ?? '' } : null,
    report,
    skipped,
    // A run that ended on its own (a verdict) had nothing for the safety net to do: say nothing of it.
    safetyNet: report && safetyNet && !('failed' in safetyNet) && safetyNet.action === 'none' ? null : safetyNet,
    previousVerdict,
    links: settings.links(detail.executionArn, runId, report !== null),
  };
  const { outcome, judged, message } = announce(run, settings.everyRun);
  if (judged !== null) await ports.recordVerdict(judged);
  if (outcome === 'skipped' || outcome === 'halted') await ports.countOutcome(outcome);
  if (message) await ports.publish(message);
  return { outcome, notified: message !== null };
}
