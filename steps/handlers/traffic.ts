// Step traffic: open-loop reads and orders against the shop for a phase, returned as aggregates.
import type { TrafficResult } from '../core/contracts';
import { runTraffic, type TrafficOptions } from '../core/run-traffic';
import { createHttpShopClient } from '../adapters/http-shop-client';
import { NUMERIC_SETTINGS } from '../core/run-settings';
import { shopSignerFor } from '../adapters/shop-auth';
import { InputReader } from './input';

const { readsPerSecond: READS, writesPerSecond: WRITES } = NUMERIC_SETTINGS;

/** The generator's options (randomness stays the generator's own), and the shop to send to. */
export type TrafficEvent = Omit<TrafficOptions, 'random'> & { shopUrl: string };

export async function handler(event: TrafficEvent): Promise<TrafficResult> {
  const input = new InputReader('traffic', event);
  const options = {
    runId: input.string('runId', /^[A-Za-z0-9_-]{1,64}$/),
    phase: input.string('phase', /^[A-Za-z0-9_-]{1,32}$/),
    durationSeconds: input.integer('durationSeconds', 1, 3600),
    readsPerSecond: input.integer('readsPerSecond', READS.min, READS.max),
    writesPerSecond: input.integer('writesPerSecond', WRITES.min, WRITES.max),
    requestTimeoutMs: input.optionalInteger('requestTimeoutMs', 100, 60_000),
  };
  const shopUrl = input.url('shopUrl');
  input.done();
  return runTraffic(options, createHttpShopClient(shopUrl, { timeoutMs: options.requestTimeoutMs, signer: shopSignerFor(shopUrl) }));
}
