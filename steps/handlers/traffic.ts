// Step traffic: open-loop reads and orders against the shop for a phase, returned as aggregates.
import type { TrafficResult } from '../core/contracts';
import { runTraffic, type TrafficOptions } from '../core/run-traffic';
import { createHttpShopClient } from '../adapters/http-shop-client';
import { shopSignerFor } from '../adapters/shop-auth';
import { InputReader } from './input';

/** The generator's options (randomness stays the generator's own), and the shop to send to. */
export type TrafficEvent = Omit<TrafficOptions, 'random'> & { shopUrl: string };

export async function handler(event: TrafficEvent): Promise<TrafficResult> {
  const input = new InputReader('traffic', event);
  const options = {
    runId: input.string('runId', /^[A-Za-z0-9_-]{1,64}$/),
    phase: input.string('phase', /^[A-Za-z0-9_-]{1,32}$/),
    durationSeconds: input.integer('durationSeconds', 1, 3600),
    readsPerSecond: input.integer('readsPerSecond', 1, 1000),
    writesPerSecond: input.integer('writesPerSecond', 1, 500),
    requestTimeoutMs: input.optionalInteger('requestTimeoutMs', 100, 60_000),
  };
  const shopUrl = input.url('shopUrl');
  input.done();
  return runTraffic(options, createHttpShopClient(shopUrl, { timeoutMs: options.requestTimeoutMs, signer: shopSignerFor(shopUrl) }));
}
