// Proving accepted writes recorded once, the way the profile says: by a lookup per write (every one, or a sample), by a count per run, or not at all.
import type { AcceptedWriteSet, OrderVerification, TrafficResult, WriteCounts, WriteProof } from './contracts';
import { valueAt } from './answer-rules';
import { lossUpperBound, boundPercent, sampleIndices } from './proof-sample';
import type { LookupProof, WriteProofSpec } from './target-profile';
import { type Clock, type LookupOutcome, systemClock, type TargetClient } from '../ports';
import { compareOrders, verifyOrders, type VerifyOrdersOptions } from './order-verification';
import { addInto } from './traffic';
import { acceptedSequences } from './accepted-writes';

export { writeIdPrefix } from './accepted-writes';

/** The confidence the report states a sample's bound at. */
export const PROOF_CONFIDENCE = 0.95;
/** How many of the writes not proven the report names. */
const EXAMPLES = 10;

/** What one lookup answer means, by the profile's statuses and final state. */
export function lookupOutcome(proof: LookupProof, status: number, body: string): LookupOutcome {
  if (proof.missing.includes(status)) return { state: 'missing' };
  if (!proof.recorded.includes(status)) return { state: 'unexpected', status };
  if (proof.finalState === undefined && proof.copiesPointer === undefined) return { state: 'recorded', copies: 1 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { state: 'unexpected', status };
  }
  if (proof.finalState && !proof.finalState.values.includes(valueAt(parsed, proof.finalState.pointer) as string))
    return { state: 'pending' };
  const copies = proof.copiesPointer === undefined ? 1 : valueAt(parsed, proof.copiesPointer);
  return {
    state: 'recorded',
    copies: typeof copies === 'number' && Number.isInteger(copies) && copies >= 0 ? copies : 1,
  };
}

export interface ProveWritesOptions extends VerifyOrdersOptions {
  /** Overrides the profile's `sampleLimit` (the run's `verifySample`). @default - the profile's */
  readonly sampleLimit?: number | null;
  /** @default Math.random */
  readonly random?: () => number;
}

function totalWrites(traffic: readonly TrafficResult[]): { writes: WriteCounts; accepted: number } {
  return {
    writes: traffic.reduce<WriteCounts>((sum, t) => addInto(sum, t.writes), {
      ok: 0,
      queued: 0,
      stockOut: 0,
      failed: 0,
    }),
    accepted: traffic.reduce((sum, t) => sum + t.ordersAccepted, 0),
  };
}

function proofOf(method: WriteProof['method'], population: number, more: Partial<WriteProof> = {}): WriteProof {
  return {
    method,
    population,
    checked: population,
    sampled: false,
    missing: 0,
    pending: 0,
    duplicated: 0,
    confidencePercent: null,
    lostUpperBoundPercent: null,
    examples: [],
    lookups: 0,
    ...more,
  };
}

/**
 * Proves the accepted writes of a run as the profile says. `count`: the target's counts against
 * the answers (see `compareOrders`). `lookup`: each accepted write looked up by its id (a uniform
 * sample above the limit), at most `ratePerSecond` a second and `concurrency` at once; a write
 * missing or not yet final is looked up again until `settleSeconds` have passed, and then it is
 * lost. `none`: nothing is proven, and the report says the part was not observed.
 */
export async function proveWrites(
  runId: string,
  spec: WriteProofSpec,
  traffic: readonly TrafficResult[],
  client: Pick<TargetClient, 'recordedCounts' | 'lookup'>,
  acceptedSets: () => Promise<readonly AcceptedWriteSet[]>,
  clock: Clock = systemClock,
  options: ProveWritesOptions = {},
): Promise<OrderVerification> {
  const { writes, accepted } = totalWrites(traffic);
  if (spec.method === 'count') {
    const verification = await verifyOrders(
      runId,
      traffic,
      { runOrders: (id: string) => client.recordedCounts(id) },
      clock,
      options,
    );
    return {
      ...verification,
      proof: proofOf('count', accepted, { missing: verification.lost, duplicated: verification.duplicated }),
    };
  }
  if (spec.method === 'none') {
    return {
      accepted,
      committed: 0,
      rejected: writes.stockOut,
      lost: 0,
      duplicated: 0,
      viaQueue: null,
      lastViaQueueAt: null,
      proof: proofOf('none', accepted, { checked: 0 }),
    };
  }
  return proveByLookup(runId, spec, writes, await acceptedSets(), client, clock, options);
}

async function proveByLookup(
  runId: string,
  spec: LookupProof,
  writes: WriteCounts,
  sets: readonly AcceptedWriteSet[],
  client: Pick<TargetClient, 'lookup'>,
  clock: Clock,
  options: ProveWritesOptions,
): Promise<OrderVerification> {
  const ids: string[] = [];
  const perSet = sets.map((set) => acceptedSequences(set));
  const population = perSet.reduce((sum, s) => sum + s.length, 0);
  const limit = options.sampleLimit ?? spec.sampleLimit ?? 1000;
  // The sample is drawn over the positions of all accepted writes; only the chosen ids are built.
  const chosen = sampleIndices(population, limit, options.random);
  let setIndex = 0;
  let before = 0;
  for (const position of chosen) {
    while (position >= before + perSet[setIndex].length) before += perSet[setIndex++].length;
    ids.push(`${sets[setIndex].prefix}${perSet[setIndex][position - before]}`);
  }

  const rate = spec.ratePerSecond ?? 100;
  const concurrency = spec.concurrency ?? 8;
  const intervalMs = 1000 / rate;
  const settleUntil = clock.now() + (spec.settleSeconds ?? 30) * 1000;
  const outcomes = new Map<string, LookupOutcome | Error>();
  let lookups = 0;
  let nextSlot = clock.now();

  const lookUp = async (pending: readonly string[]): Promise<void> => {
    let at = 0;
    const lane = async (): Promise<void> => {
      while (at < pending.length) {
        const id = pending[at++];
        // Lookups leave no faster than the profile's rate, whatever the lanes.
        const slot = Math.max(nextSlot, clock.now());
        nextSlot = slot + intervalMs;
        if (slot > clock.now()) await clock.sleep(slot - clock.now());
        lookups++;
        outcomes.set(
          id,
          await client
            .lookup(runId, id)
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, lane));
  };

  let open = ids;
  for (;;) {
    await lookUp(open);
    open = open.filter((id) => (outcomes.get(id) as LookupOutcome).state !== 'recorded');
    if (open.length === 0 || clock.now() >= settleUntil) break;
    await clock.sleep(Math.min(1000, settleUntil - clock.now()));
  }

  let recorded = 0;
  let duplicated = 0;
  let pending = 0;
  const missingIds: string[] = [];
  for (const id of ids) {
    const outcome = outcomes.get(id)!;
    if (!(outcome instanceof Error) && outcome.state === 'recorded') {
      recorded++;
      if (outcome.copies > 1) duplicated++;
      continue;
    }
    if (!(outcome instanceof Error) && outcome.state === 'pending') pending++;
    if (missingIds.length < EXAMPLES) missingIds.push(`${id} (${describeOutcome(outcome)})`);
  }
  const missing = ids.length - recorded;
  const sampled = ids.length < population;
  return {
    accepted: population,
    committed: recorded,
    rejected: writes.stockOut,
    lost: missing,
    duplicated,
    viaQueue: null,
    lastViaQueueAt: null,
    proof: proofOf('lookup', population, {
      checked: ids.length,
      sampled,
      missing,
      pending,
      duplicated,
      confidencePercent: PROOF_CONFIDENCE * 100,
      lostUpperBoundPercent: boundPercent(lossUpperBound(missing, ids.length, PROOF_CONFIDENCE)),
      examples: missingIds,
      lookups,
    }),
  };
}

function describeOutcome(outcome: LookupOutcome | Error): string {
  if (outcome instanceof Error) return `lookup failed: ${outcome.message}`;
  switch (outcome.state) {
    case 'missing':
      return 'missing';
    case 'pending':
      return 'never reached its final state';
    case 'unexpected':
      return `lookup answered ${outcome.status}`;
    default:
      return outcome.state;
  }
}

/** The proof in one sentence, for the report: what was checked, what was found, and the bound a sample gives. */
export function describeProof(proof: WriteProof): string {
  if (proof.method === 'none') return 'the profile proves no write (proof: none)';
  if (proof.method === 'count') return `${proof.population} accepted writes compared with the target's count per run`;
  const of = proof.sampled ? `${proof.checked} sampled of ${proof.population}` : `all ${proof.population}`;
  const bound =
    proof.lostUpperBoundPercent === null
      ? ''
      : `: at ${proof.confidencePercent} % confidence fewer than ${proof.lostUpperBoundPercent} % lost`;
  return `${proof.missing} missing of ${of} accepted writes looked up${proof.sampled ? bound : ''}`;
}

export { compareOrders };
