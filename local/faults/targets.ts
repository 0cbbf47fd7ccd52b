// What the fault cases run against: the Chaos Shop in this process, or the example service started from its profile, each with its own database truth.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHAOS_SHOP_PROFILE, loadTargetProfile } from '../../infra/config-profile';
import type { TargetProfile } from '../../steps/core/target-profile';
import type { LabOptions } from '../lab/lab';
import { profileRequests } from '../lab/profile-requests';
import { type LedgerEntry, type OrderTruth, orderTruth, stockDrift, withClient } from './order-ledger';

/** What the truth of a case's writes is measured from: read before them. */
export interface TruthMark {
  readonly initialStock: number;
  readonly driftBefore: number;
}

/**
 * A target of the fault matrix: how its lab starts, the profile its runs are synthesized with, and
 * how the database itself says which accepted writes were recorded (never the run's own report).
 */
export interface FaultTarget {
  readonly name: string;
  readonly profile: TargetProfile;
  /** Lab settings that start this target, over the case's own. */
  labOptions(): LabOptions;
  /** The ledger's view of a request: a write of this target, and its id. */
  readonly requests: ReturnType<typeof profileRequests>;
  /** Read before a case's writes, for `truth`. */
  mark(databaseUrl: string, initialStock: number): Promise<TruthMark>;
  truth(databaseUrl: string, entries: readonly LedgerEntry[], mark: TruthMark): Promise<OrderTruth>;
}

export const CHAOS_SHOP_TARGET: FaultTarget = {
  name: 'chaos-shop',
  profile: CHAOS_SHOP_PROFILE,
  labOptions: () => ({}),
  requests: profileRequests(CHAOS_SHOP_PROFILE),
  mark: async (databaseUrl, initialStock) => ({
    initialStock,
    driftBefore: await stockDrift(databaseUrl, initialStock),
  }),
  truth: (databaseUrl, entries, mark) => orderTruth(databaseUrl, entries, mark),
};

/** The example service's profile, in its folder: the lab runs its `local` command there. */
export const RESERVATIONS_PROFILE_FILE = path.join(__dirname, '../../examples/reservations/profile.json');

/**
 * A target started from a profile's `local` section: its output goes to a file of its own; the
 * database truth is `truth`, which knows the service's tables.
 */
export function serviceTarget(
  file: string,
  truth: (databaseUrl: string, accepted: readonly string[]) => Promise<{ recorded: Map<string, number> }>,
): FaultTarget {
  const profile = loadTargetProfile(file);
  return {
    name: profile.name,
    profile,
    labOptions: () => ({
      service: {
        profile,
        profileDir: path.dirname(file),
        logPath: path.join(mkdtempSync(path.join(tmpdir(), `gameday-faults-${profile.name}-`)), 'service.log'),
      },
    }),
    requests: profileRequests(profile),
    mark: async (_databaseUrl, initialStock) => ({ initialStock, driftBefore: 0 }),
    async truth(databaseUrl, entries) {
      const accepted = [...new Set(entries.filter((e) => e.status === 201 || e.status === 202).map((e) => e.orderId))];
      // The service writes what it kept pending once the database is back: as the proof by lookup does, allow it the profile's settle time.
      const settleMs = ('settleSeconds' in profile.proof ? (profile.proof.settleSeconds ?? 30) : 30) * 1000;
      const deadline = Date.now() + settleMs;
      let { recorded } = await truth(databaseUrl, accepted);
      while (accepted.some((id) => (recorded.get(id) ?? 0) === 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        ({ recorded } = await truth(databaseUrl, accepted));
      }
      const lostOrderIds = accepted.filter((id) => (recorded.get(id) ?? 0) === 0);
      return {
        accepted: accepted.length,
        recorded: accepted.length - lostOrderIds.length,
        lost: lostOrderIds.length,
        duplicated: [...recorded.values()].reduce((sum, copies) => sum + Math.max(0, copies - 1), 0),
        lostOrderIds,
      };
    },
  };
}

/** The example reservation service: a reservation is recorded when its row exists, once per idempotency key. */
export const RESERVATIONS_TARGET: FaultTarget = serviceTarget(RESERVATIONS_PROFILE_FILE, (databaseUrl, accepted) =>
  withClient(databaseUrl, async (db) => {
    const rows = await db.query<{ key: string; copies: number }>(
      'SELECT idempotency_key AS key, count(*)::int AS copies FROM reservations WHERE idempotency_key = ANY($1::text[]) GROUP BY 1',
      [accepted],
    );
    return { recorded: new Map(rows.rows.map((r) => [r.key, r.copies])) };
  }),
);
