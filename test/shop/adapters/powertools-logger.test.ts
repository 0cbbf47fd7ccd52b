// The shop's Lambda logger: structured JSON lines through Powertools, the order's run id among the fields, silent off Lambda.
import { createPowertoolsShopLogger, shopLogLevel } from '../../../shop/adapters/powertools-logger';
import { captureJsonLines } from '../../steps/support/captured-log-lines';

describe('shop Powertools logger', () => {
  it('writes a JSON line with the fields given, the run id among them', () => {
    // Given the shop's logger at INFO
    const out = captureJsonLines();
    const logger = createPowertoolsShopLogger('shop', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    // When a queued order is logged
    logger.info('queued order processed', { runId: 'manual-42', orderId: 'o-1', reason: undefined });
    out.stop();
    // Then the line is JSON with the service, the component and the fields that have a value
    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'chaos-shop',
      component: 'shop',
      message: 'queued order processed',
      runId: 'manual-42',
      orderId: 'o-1',
    });
    expect(line).not.toHaveProperty('reason');
  });

  it('is silent off Lambda unless a level is asked for, and INFO on Lambda', () => {
    // Given a local environment, a local one asking for DEBUG and a Lambda one
    // When the level is chosen
    // Then only Lambda or an asked level logs
    expect(shopLogLevel({})).toBe('SILENT');
    expect(shopLogLevel({ LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(shopLogLevel({ AWS_LAMBDA_FUNCTION_NAME: 'shop' })).toBe('INFO');
  });
});
