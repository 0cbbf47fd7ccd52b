// Step VerifyOrders: every write the target accepted is recorded exactly once, proven as the target's profile says.
import type { Context } from 'aws-lambda';
import { createStepLogger, logInvocation, runKeysOf } from '../adapters/logger';
import type { OrderVerification, TrafficResult } from '../core/contracts';
import type { AcceptedWriteSet } from '../core/contracts';
import { proveWrites } from '../core/write-proof';
import { timelineStoreFor } from '../adapters/dynamodb-timeline-store';
import { createHttpTargetClient } from '../adapters/http-target-client';
import { targetSignerFor } from '../adapters/target-auth';
import type { TimelineKey } from '../ports';
import { InputReader, looksLikeTraffic } from './input';

const logger = createStepLogger('verify-orders');

export interface VerifyOrdersEvent {
  shopUrl: string;
  runId: string;
  /** The target profile (the synthesized definition embeds it). */
  profile: unknown;
  /** The traffic results of the run: the baseline's and the experiment's. */
  traffic: TrafficResult[];
  /** Where a windowed run's workers stored which writes were accepted, and how many workers each window had. */
  timelineTable?: string;
  workers?: number;
  /** The run's `verifySample`: prove at most this many writes (a uniform sample above it); null: the profile's limit. */
  sampleLimit?: number | null;
  /** `$$.Execution.Id`, for the logs. */
  executionArn?: string;
}

export async function handler(event: VerifyOrdersEvent, context?: Context): Promise<OrderVerification> {
  logInvocation(logger, runKeysOf(event), context);
  const input = new InputReader('verify-orders', event);
  const shopUrl = input.url('shopUrl');
  const runId = input.string('runId', /^[A-Za-z0-9_-]{1,64}$/);
  const profile = input.profile('profile');
  const raw = input.raw('traffic');
  const traffic = Array.isArray(raw)
    ? raw.filter((t) => looksLikeTraffic(t, { ordersAccepted: 'number', writes: 'object' }))
    : [];
  if (traffic.length === 0) input.problem('traffic must hold at least one traffic result');
  const sample = input.raw('sampleLimit');
  const sampleLimit = sample === null || sample === undefined ? null : input.integer('sampleLimit', 1, 1_000_000);
  const workers = input.optionalInteger('workers', 1, 1_000) ?? 1;
  const table = input.raw('timelineTable');
  const windowed = traffic.some(
    (t) => t.acceptedWrites === undefined || (t.acceptedWrites.length === 0 && t.windows > 0),
  );
  if (profile.proof?.method === 'lookup' && windowed && typeof table !== 'string')
    input.problem('timelineTable must name the table the workers stored their accepted writes in');
  input.done();

  const acceptedSets = async (): Promise<AcceptedWriteSet[]> => {
    const inline = traffic.flatMap((t) => t.acceptedWrites ?? []);
    const keys: TimelineKey[] = [];
    for (const t of traffic) {
      if ((t.acceptedWrites?.length ?? 0) > 0) continue;
      for (let window = 0; window < t.windows; window++)
        for (let worker = 0; worker < workers; worker++) keys.push({ runId, phase: t.phase, window, worker });
    }
    return keys.length === 0
      ? inline
      : [...inline, ...(await timelineStoreFor(table as string).getAcceptedWrites(keys))];
  };
  const client = createHttpTargetClient(shopUrl, profile, { signer: targetSignerFor(shopUrl) });
  const verification = await proveWrites(runId, profile.proof, traffic, client, acceptedSets, undefined, {
    sampleLimit,
  });
  logger.info('writes proven', { ...verification });
  return verification;
}
