// The words the judge speaks of a target in: the seed's for the Chaos Shop (and reports before profiles), else the profile's own classes.
import type { HypothesisCheck, PhaseCounts, TargetLabels, WriteProof } from './contracts';
import { describeProof } from './write-proof';

/**
 * The seed's words: the Chaos Shop's, and every report from before profiles (its profile,
 * `targets/chaos-shop/profile.json`, names the same words).
 */
export const SEED_LABELS: TargetLabels = Object.freeze({
  primary: 'DB',
  degraded: 'CACHE',
  committed: 'OK',
  deferred: '202_QUEUED',
  rejected: 'STOCK_OUT',
  degradedReads: 'Reads served from cache',
  deferredWrites: 'Orders buffered to SQS',
  lostWrites: 'Orders lost',
  noDegraded: 'no cache',
  noDeferred: 'no queue',
});

/** The titles of the parts, in the order a run observes them, in the seed's words. */
export const SEED_CHECK_TITLES: Readonly<Record<HypothesisCheck['id'], string>> = Object.freeze({
  trafficAsIntended: 'the traffic left at its intended times',
  steadyState: 'steady state before the fault',
  faultBit: 'the fault bit',
  servedDuringOutage: 'customers served during the outage',
  restored: 'the shop serves from the database again',
  drainedOnce: 'queues drained and every order recorded once',
});

export interface HypothesisWords {
  readonly titles: Readonly<Record<HypothesisCheck['id'], string>>;
  /** A write, and writes: "order" in the seed's words. */
  readonly write: readonly [one: string, many: string];
  /** The answers that accept a write: "201/202" in the seed's words. */
  readonly accepted: string;
  /** How an answer is served without the database: "(cache, queue or error)". */
  readonly withoutPrimary: string;
  /** A read served by the primary: "database read". */
  readonly primaryRead: string;
  /** The outage's degraded reads and deferred writes, in the check's detail. */
  outageServed(o: PhaseCounts): string;
  /** The same over the outage and the recovery, in the summary of a run that passed. */
  servedSummary(degradedReads: number, deferredWrites: number): string;
}

const SEED_WORDS: HypothesisWords = {
  titles: SEED_CHECK_TITLES,
  write: ['order', 'orders'],
  accepted: '201/202',
  withoutPrimary: '(cache, queue or error)',
  primaryRead: 'database read',
  outageServed: (o) => `${o.reads.cache} reads from cache and ${o.writes.queued} orders queued`,
  servedSummary: (reads, writes) =>
    `${plural(reads, 'read', 'reads')} served from cache and ${plural(writes, 'order', 'orders')} queued`,
};

function sameLabels(a: TargetLabels, b: TargetLabels): boolean {
  return (Object.keys(b) as Array<keyof TargetLabels>).every((key) => a[key] === b[key]);
}

/** The words for a target with these labels: the seed's when they are the seed's (or absent). */
export function hypothesisWords(labels: TargetLabels | undefined): HypothesisWords {
  if (!labels || sameLabels(labels, SEED_LABELS)) return SEED_WORDS;
  return {
    titles: {
      ...SEED_CHECK_TITLES,
      restored: `the service serves ${labels.primary} again`,
      drainedOnce: 'every accepted write recorded once',
    },
    write: ['write', 'writes'],
    accepted: `${labels.committed}/${labels.deferred}`,
    withoutPrimary: `(${labels.degraded}, ${labels.deferred} or failed)`,
    primaryRead: `${labels.primary} read`,
    outageServed: (o) => `${o.reads.cache} reads ${labels.degraded} and ${o.writes.queued} writes ${labels.deferred}`,
    servedSummary: (reads, writes) =>
      `${plural(reads, 'read', 'reads')} ${labels.degraded} and ${plural(writes, 'write', 'writes')} ${labels.deferred}`,
  };
}

/**
 * How the accepted writes were proven, for the summary of a run that passed: all of them, or the
 * sample and its bound when a lookup proved a sample.
 */
export function provenSummary(
  words: HypothesisWords,
  orders: { accepted: number; committed: number; rejected: number; proof?: WriteProof },
): string {
  const [, many] = words.write;
  if (orders.proof?.sampled)
    return `a uniform sample of the accepted ${many} recorded once: ${describeProof(orders.proof)}`;
  return `all ${orders.accepted} accepted ${many} recorded (${orders.committed} committed, ${orders.rejected} rejected), none lost or duplicated`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
