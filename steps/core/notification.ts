// The message a finished GameDay sends: who hears of which run, and one readable card in Chatbot's custom-notification format.
import type { RunReport, Verdict } from './contracts';

/** How a finished run is announced: its verdict, or one of the endings that carry none. */
export type RunOutcome = Verdict | 'recovered' | 'died' | 'halted';

/**
 * What the safety net did after a run that ended without its own clean-up: its outcome, the reason
 * it failed, or null when it had nothing to do with this run (a run that ended on its own).
 */
export type SafetyNetReport =
  { readonly action: 'registered' | 'none'; readonly lockReleased: boolean } | { readonly failed: string } | null;

/** Everything the message is built from; the handler (AWS) and the local runner gather it. */
export interface FinishedRun {
  readonly runId: string;
  /** SUCCEEDED, FAILED, ABORTED, TIMED_OUT. */
  readonly status: string;
  /** The execution's error and cause, when it failed or was stopped. */
  readonly error: { readonly error: string; readonly cause: string } | null;
  /** The run report; null for a run that died before its report step, or one the gate skipped. */
  readonly report: RunReport | null;
  /** Why the preflight's gate skipped the run; null when it did not. */
  readonly skipped: string | null;
  readonly safetyNet: SafetyNetReport;
  /** The verdict of the last judged run before this one; null when there was none. */
  readonly previousVerdict: Verdict | null;
  readonly links: { readonly execution: string | null; readonly report: string | null };
}

/** The error a halted execution is stopped with (`gameday halt`): its ending is `halted`, not a failure. */
export const HALT_STOP_ERROR = 'GameDayHalted';

/** AWS Chatbot (Amazon Q Developer in chat applications) custom notification, version 1.0. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

/** The outcome the message names: a stopped-by-halt run is halted, a pass after a miss is recovered. */
export function runOutcome(
  run: Pick<FinishedRun, 'status' | 'error' | 'report' | 'skipped' | 'previousVerdict'>,
): RunOutcome {
  if (run.status === 'ABORTED' && run.error?.error === HALT_STOP_ERROR) return 'halted';
  if (run.skipped !== null) return 'skipped';
  if (!run.report) return 'died';
  const verdict = run.report.verdict;
  if (verdict === 'passed' && run.previousVerdict !== null && run.previousVerdict !== 'passed') return 'recovered';
  return verdict;
}

/** Only runs that did not pass speak, and the first pass after one that did not; `everyRun` makes every run speak. */
export function shouldNotify(outcome: RunOutcome, everyRun: boolean): boolean {
  return everyRun || outcome !== 'passed';
}

/** Whether this run's verdict becomes the "previous verdict" of the next: skipped and halted runs judged nothing. */
export function judgedVerdict(run: Pick<FinishedRun, 'report'>, outcome: RunOutcome): Verdict | null {
  if (outcome === 'halted' || outcome === 'skipped') return null;
  // A run that died never reached its verdict: it did not pass, so the next pass is a recovery.
  if (outcome === 'died') return 'aborted';
  const verdict = run.report?.verdict ?? null;
  return verdict === 'skipped' ? null : verdict;
}

const HEADLINE: Record<RunOutcome, string> = {
  passed: ':white_check_mark: GameDay passed',
  recovered: ':white_check_mark: GameDay passed again',
  failed: ':x: GameDay failed',
  inconclusive: ':grey_question: GameDay inconclusive',
  aborted: ':warning: GameDay aborted',
  skipped: ':fast_forward: GameDay skipped',
  halted: ':octagonal_sign: GameDay halted',
  died: ':rotating_light: GameDay ended without a report',
};

const seconds = (ms: number | null) => (ms === null ? 'not measured' : `${(ms / 1000).toFixed(1)} s`);

/** The headline figures of a run that has a report. */
function figures(report: RunReport): string[] {
  return [
    `*Failed reads:* ${report.reads.failed}   *Failed writes:* ${report.writes.failed}`,
    `*Orders lost:* ${report.orders.lost}   *Never committed:* ${report.orders.neverCommitted}`,
    `*Time to first database read:* ${seconds(report.recovery.timeToFirstDatabaseReadMs)}   *Drain time:* ${seconds(report.recovery.timeToDrainMs)}`,
  ];
}

/** What the safety net did, in words; undefined when it had no part in this run. */
function safetyNetLine(safetyNet: SafetyNetReport): string | undefined {
  if (safetyNet === null) return undefined;
  if ('failed' in safetyNet)
    return `*Safety net:* FAILED (${safetyNet.failed}); the reconciler registers the target again when no GameDay runs. Check the target now.`;
  const target =
    safetyNet.action === 'registered' ? 'registered the database target again' : 'found the target registered';
  return `*Safety net:* ${target}${safetyNet.lockReleased ? ' and released the run lock' : ''}.`;
}

function nextSteps(outcome: RunOutcome, run: FinishedRun): string[] {
  const steps: string[] = [];
  if (run.links.report) steps.push(`Read the run report: ${run.links.report}`);
  if (run.links.execution) steps.push(`Open the execution: ${run.links.execution}`);
  if (outcome === 'died')
    steps.push('Check that the proxy target is AVAILABLE, then read the execution history for the failed state');
  // A local run has no execution to link to: its lever is the lab's.
  if (outcome === 'halted')
    steps.push(
      `Resume when the reason is gone: ${run.links.execution ? 'gameday resume --stack <stack>' : 'gameday resume --local'}`,
    );
  if (outcome === 'skipped') steps.push('Nothing to fix: the run started no fault');
  return steps;
}

/** One readable message for a finished run (pure: the same run always gives the same message). */
export function buildNotification(run: FinishedRun): ChatbotNotification {
  const outcome = runOutcome(run);
  const lines: string[] = [];
  const reasons =
    run.skipped !== null
      ? [run.skipped]
      : (run.report?.reasons ??
        (run.error ? [`${run.error.error}: ${run.error.cause}`] : [`the execution ended ${run.status}`]));
  if (outcome === 'died') lines.push(`The execution ended *${run.status}* before its report step.`);
  if (outcome === 'recovered')
    lines.push(`The hypothesis held again after the last run ended *${String(run.previousVerdict)}*.`);
  lines.push(...reasons.slice(0, 5).map((reason) => `• ${reason}`));
  if (reasons.length > 5) lines.push(`• ... and ${reasons.length - 5} more in the report`);
  if (run.report && outcome !== 'skipped') lines.push('', ...figures(run.report));
  const net = safetyNetLine(run.safetyNet);
  if (net) lines.push('', net);
  const summary = `${HEADLINE[outcome].replace(/^:[a-z_]+: /, '')}: ${run.runId}`;
  return {
    version: '1.0',
    source: 'custom',
    id: `gameday-${run.runId}`,
    content: {
      textType: 'client-markdown',
      title: `${HEADLINE[outcome]}: ${run.runId}`,
      description: lines.join('\n'),
      nextSteps: nextSteps(outcome, run),
      keywords: ['GameDay', outcome, run.status],
    },
    metadata: {
      threadId: 'gameday',
      summary,
      eventType: `GameDay${outcome[0].toUpperCase()}${outcome.slice(1)}`,
      additionalContext: { runId: run.runId, outcome, status: run.status },
    },
  };
}

/** The same message as plain text, for email subscribers (SNS sends each protocol its own). */
export function notificationText(message: ChatbotNotification): string {
  const plain = (text: string) => text.replace(/:[a-z_]+: /g, '').replace(/\*/g, '');
  return [
    plain(message.content.title),
    '',
    plain(message.content.description),
    '',
    ...message.content.nextSteps.map((step) => `- ${step}`),
    '',
  ].join('\n');
}
