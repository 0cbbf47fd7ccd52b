// Step VerifyOrders: every order the shop answered for is recorded exactly once.
import type { Context } from 'aws-lambda';
import { createStepLogger, logInvocation, runKeysOf } from '../adapters/logger';
import type { OrderVerification, TrafficResult } from '../core/contracts';
import { verifyOrders } from '../core/order-verification';
import { createHttpShopClient } from '../adapters/http-shop-client';
import { shopSignerFor } from '../adapters/shop-auth';
import { InputReader } from './input';

const logger = createStepLogger('verify-orders');

export interface VerifyOrdersEvent {
  shopUrl: string;
  runId: string;
  /** The traffic results of the run: the baseline's and the experiment's. */
  traffic: TrafficResult[];
  /** `$$.Execution.Id`, for the logs. */
  executionArn?: string;
}

export async function handler(event: VerifyOrdersEvent, context?: Context): Promise<OrderVerification> {
  logInvocation(logger, runKeysOf(event), context);
  const input = new InputReader('verify-orders', event);
  const shopUrl = input.url('shopUrl');
  const runId = input.string('runId', /^[A-Za-z0-9_-]{1,64}$/);
  const raw = input.raw('traffic');
  const traffic = Array.isArray(raw) ? raw.filter(isTrafficResult) : [];
  if (traffic.length === 0) input.problem('traffic must hold at least one traffic result');
  input.done();
  const verification = await verifyOrders(runId, traffic, createHttpShopClient(shopUrl, { signer: shopSignerFor(shopUrl) }));
  logger.info('orders verified', { ...verification });
  return verification;
}

function isTrafficResult(value: unknown): value is TrafficResult {
  return typeof value === 'object' && value !== null && typeof (value as TrafficResult).ordersAccepted === 'number' && typeof (value as TrafficResult).writes === 'object';
}
