// What a finished run's announcement decides, once for the notifier on AWS and the local history: its outcome, the verdict it leaves and its message.
import type { Verdict } from './contracts';
import {
  buildNotification,
  type ChatbotNotification,
  type FinishedRun,
  judgedVerdict,
  type RunOutcome,
  runOutcome,
  shouldNotify,
} from './notification';

/** The decisions about one finished run. */
export interface Announcement {
  readonly outcome: RunOutcome;
  /** The verdict the next run is compared with; null when this run judged nothing (skipped, halted). */
  readonly judged: Verdict | null;
  /** The message the run sends; null when the policy keeps it quiet. */
  readonly message: ChatbotNotification | null;
}

/** Decides how `run` is announced: `everyRun` makes a passed run speak too (pure, like the message). */
export function announce(run: FinishedRun, everyRun: boolean): Announcement {
  const outcome = runOutcome(run);
  return {
    outcome,
    judged: judgedVerdict(run, outcome),
    message: shouldNotify(outcome, everyRun) ? buildNotification(run) : null,
  };
}
