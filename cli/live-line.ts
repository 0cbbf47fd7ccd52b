// The live progress line: rewritten in place on a terminal and fitted to its width; in a log, one line per milestone.
import type { LiveCounts } from '../local/lab/traffic-counter';
import type { TargetLabels } from '../steps/core/contracts';

/**
 * The answers so far, in the Chaos Shop's words, or with `labels` in the target's own classes
 * (`reads LIVE=3 STALE=1 fail=0  writes CONFIRMED=1 PENDING=0 REFUSED=0 fail=0`).
 */
export function liveCounts({ reads, writes }: LiveCounts, labels?: TargetLabels): string {
  if (!labels)
    return `reads db=${reads.database} cache=${reads.cache} fail=${reads.failed}  writes ok=${writes.ok} queued=${writes.queued} fail=${writes.failed}`;
  return `reads ${labels.primary}=${reads.database} ${labels.degraded}=${reads.cache} fail=${reads.failed}  writes ${labels.committed}=${writes.ok} ${labels.deferred}=${writes.queued} ${labels.rejected}=${writes.stockOut} fail=${writes.failed}`;
}

/** Where the live line goes: process.stdout, or a test's recorder. */
export interface LiveStream {
  readonly isTTY?: boolean;
  /** The terminal's width; read at every write, so a resized terminal is followed. */
  readonly columns?: number;
  write(text: string): unknown;
}

export interface LiveLine {
  /**
   * Shows `line`. On a terminal it replaces the line shown before; in a log it is written only when
   * `milestone` (what a reader of the log must not miss: the phase, the target's state) changed.
   */
  show(line: string, milestone: string): void;
  /** Ends a line rewritten in place, so what is printed next starts on its own line. */
  end(): void;
}

/** Terminals too narrow to tell anything are still given this much. */
const MIN_COLUMNS = 20;

/** `line` cut to the terminal's width (its last column left free, so the cursor does not wrap). */
export function fitToColumns(line: string, columns: number | undefined): string {
  return line.slice(0, Math.max(MIN_COLUMNS, (columns ?? 80) - 1));
}

export function createLiveLine(stream: LiveStream): LiveLine {
  let lastMilestone: string | null = null;
  let shown = false;
  return {
    show(line, milestone) {
      if (stream.isTTY) {
        // Erase to the end of the line instead of padding: whatever was longer before is gone.
        stream.write(`\r${fitToColumns(line, stream.columns)}\x1b[K`);
        shown = true;
      } else if (milestone !== lastMilestone) {
        stream.write(`${line}\n`);
      }
      lastMilestone = milestone;
    },
    end() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}
