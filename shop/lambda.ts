// Lambda entry points: the HTTP app behind API Gateway / a function URL, and the SQS recovery worker.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createPowertoolsShopLogger } from './adapters/powertools-logger';
import { loadShopConfig } from './config';
import { createShop } from './shop';

// Built once per execution environment: the pool and SDK clients outlive invocations.
const shop = createShop(loadShopConfig(process.env), { logger: createPowertoolsShopLogger('shop') });

export const handler = handle(shop.app);

export const workerHandler = (event: SQSEvent): Promise<SQSBatchResponse> => shop.worker(event);
