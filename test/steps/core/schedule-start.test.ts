// Scheduled starts: a name per scheduled time, legal for Step Functions, and retried deliveries start nothing new.
import {
  executionNameForScheduledTime,
  InvalidScheduledTime,
  startScheduledRun,
} from '../../../steps/core/schedule-start';
import { ExecutionAlreadyExists } from '../../../steps/ports';

/** Step Functions execution names: 1-80 characters, none of whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or controls. */
const LEGAL_EXECUTION_NAME = /^[A-Za-z0-9._-]{1,80}$/;

describe('executionNameForScheduledTime', () => {
  it('reformats the scheduled time without colons', () => {
    // Given the scheduler's scheduled time
    // When named
    // Then it is the ISO basic form after a prefix
    expect(executionNameForScheduledTime('2026-11-27T02:00:00Z')).toBe('scheduled-20261127T020000Z');
  });

  it('gives different names for different scheduled times, so a recurring schedule runs every time', () => {
    // Given the weekly times of a recurring schedule, and two a second apart
    const times = ['2026-11-27T02:00:00Z', '2026-12-04T02:00:00Z', '2026-12-11T02:00:00Z', '2026-12-11T02:00:01Z'];
    // When each is named
    const names = times.map(executionNameForScheduledTime);
    // Then no two names are alike
    expect(new Set(names).size).toBe(times.length);
  });

  it('gives the same name to the same instant however it is written, so a retry finds the first start', () => {
    // Given one instant in UTC and with an offset
    // When both are named
    // Then the names are equal
    expect(executionNameForScheduledTime('2026-11-27T03:00:00+01:00')).toBe(
      executionNameForScheduledTime('2026-11-27T02:00:00Z'),
    );
  });

  it.each(['2026-11-27T02:00:00Z', '2026-11-27T02:00:00.123Z', '2026-02-28T23:59:59-05:00'])(
    'makes a legal execution name of %s',
    (time) => {
      // Given a scheduled time
      // When named
      const name = executionNameForScheduledTime(time);
      // Then only legal characters are used, and no colon
      expect(name).toMatch(LEGAL_EXECUTION_NAME);
      expect(name).not.toContain(':');
    },
  );

  it('keeps milliseconds apart when the time has them', () => {
    // Given a time with milliseconds
    // When named
    // Then they are kept
    expect(executionNameForScheduledTime('2026-11-27T02:00:00.250Z')).toBe('scheduled-20261127T020000.250Z');
  });

  it.each([
    '',
    'tomorrow',
    '2026-11-27',
    '2026-11-27T02:00:00',
    '2026-13-45T02:00:00Z',
    '2026-02-30T02:00:00Z',
    '2026-11-27T24:00:00Z',
  ])('refuses %p', (time) => {
    // Given something that is not a zoned date-time
    // When named
    // Then it is refused (a time without a zone would depend on the machine's zone)
    expect(() => executionNameForScheduledTime(time)).toThrow(InvalidScheduledTime);
  });
});

describe('startScheduledRun', () => {
  const ARN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:scheduled-20261127T020000Z';

  it('starts an execution named after the scheduled time, with that time as its input', async () => {
    // Given executions that start fine
    const start = jest.fn().mockResolvedValue({ executionArn: ARN, duplicate: false });
    // When a scheduled run starts
    const result = await startScheduledRun('2026-11-27T02:00:00Z', { executions: { start, isRunning: jest.fn() } });
    // Then the name came from the time and the input carries only the time: the run takes the stack's defaults, and the allowed window applies
    expect(start).toHaveBeenCalledWith('scheduled-20261127T020000Z', { scheduledTime: '2026-11-27T02:00:00Z' });
    expect(result).toEqual({ executionArn: ARN, duplicate: false });
  });

  it('treats an existing execution of that name as a retried delivery', async () => {
    // Given an execution of that name already exists
    const start = jest.fn().mockRejectedValue(new ExecutionAlreadyExists(ARN));
    // When the same scheduled time is delivered again
    const result = await startScheduledRun('2026-11-27T02:00:00Z', { executions: { start, isRunning: jest.fn() } });
    // Then it reports the existing execution as a duplicate
    expect(result).toEqual({ executionArn: ARN, duplicate: true });
  });

  it('lets other start errors through', async () => {
    // Given the start fails for another reason
    const start = jest.fn().mockRejectedValue(new Error('AccessDenied'));
    // When a scheduled run starts
    // Then the error surfaces (the scheduler retries)
    await expect(
      startScheduledRun('2026-11-27T02:00:00Z', { executions: { start, isRunning: jest.fn() } }),
    ).rejects.toThrow('AccessDenied');
  });
});
