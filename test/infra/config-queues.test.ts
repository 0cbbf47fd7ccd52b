// The GameDay config's queues: all four or none, so a shop without a write buffer can be a target.
import { InvalidGameDayConfig, validateGameDayConfig } from '../../infra/config';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';

const { orderQueueUrl, orderQueueArn, dlqUrl, dlqArn, ...withoutQueues } = EXAMPLE_GAMEDAY_CONTEXT;

describe('the queues of a GameDay target', () => {
  test('may be left out together', () => {
    // Given a target with no queue keys
    // When it is validated
    const config = validateGameDayConfig(withoutQueues);
    // Then it is accepted without queues
    expect([config.orderQueueUrl, config.orderQueueArn, config.dlqUrl, config.dlqArn]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('are kept when all four are given', () => {
    // Given the whole example target
    // When it is validated
    const config = validateGameDayConfig(EXAMPLE_GAMEDAY_CONTEXT);
    // Then the queues are there
    expect(config).toMatchObject({ orderQueueUrl, orderQueueArn, dlqUrl, dlqArn });
  });

  test('given in part are refused, naming the missing ones', () => {
    // Given the order queue without its DLQ
    // When it is validated
    // Then the missing keys are named
    expect(() => validateGameDayConfig({ ...withoutQueues, orderQueueUrl, orderQueueArn })).toThrow(
      InvalidGameDayConfig,
    );
    expect(() => validateGameDayConfig({ ...withoutQueues, orderQueueUrl, orderQueueArn })).toThrow(
      /go together .*missing dlqUrl, dlqArn/,
    );
  });
});
