// One timer for many requests: their deadlines in the order they were set, the expired ones taken from the front.

/**
 * Requests that each may take the same time expire in the order they were sent, so the expired
 * ones are always at the front: adding, removing and expiring cost O(1) per request, and one sweep
 * (a single timer, or the sender's own wake-ups) replaces a timer and an abort signal per request.
 * A deadline earlier than the last one (a clock stepped back) is held to the last one, so the
 * order, and with it the sweep, stays right; such a request expires at most that step late.
 */
const NOTHING_DUE: readonly never[] = Object.freeze([]);

export class DeadlineQueue<T> {
  private readonly deadlines = new Map<T, number>();
  private last = -Infinity;

  get size(): number {
    return this.deadlines.size;
  }

  /** Adds `key`, due at `deadline` (epoch ms); a key already in the queue keeps its place and deadline. */
  add(key: T, deadline: number): void {
    if (this.deadlines.has(key)) return;
    this.last = Math.max(this.last, deadline);
    this.deadlines.set(key, this.last);
  }

  /** Removes `key`; false when it was not there (settled already, or expired). */
  delete(key: T): boolean {
    return this.deadlines.delete(key);
  }

  /** The earliest deadline still waiting, or undefined when none is. */
  nextDeadline(): number | undefined {
    for (const deadline of this.deadlines.values()) return deadline;
    return undefined;
  }

  /** Removes and returns, oldest first, every key whose deadline is at or before `now`. */
  expire(now: number): readonly T[] {
    // Most calls find nothing due: no array for them.
    const first = this.nextDeadline();
    if (first === undefined || first > now) return NOTHING_DUE;
    const expired: T[] = [];
    for (const [key, deadline] of this.deadlines) {
      if (deadline > now) break;
      this.deadlines.delete(key);
      expired.push(key);
    }
    return expired;
  }
}
