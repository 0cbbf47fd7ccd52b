// How long the shop's breaker took to open once the target was gone: what a harsher outage lengthens.
import type { BreakerTransition } from '../lab/lab';

/**
 * Milliseconds from the deregistration to the breaker's first OPEN at or after it; null when the
 * fault was never injected or the breaker never opened (the fragile build has none).
 */
export function breakerOpenedAfterMs(
  transitions: readonly BreakerTransition[],
  deregisteredAt: string | null,
): number | null {
  if (deregisteredAt === null) return null;
  const from = Date.parse(deregisteredAt);
  const opened = transitions.find((t) => t.to === 'OPEN' && t.at >= from);
  return opened ? opened.at - from : null;
}
