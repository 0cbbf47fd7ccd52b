// The allowed window of a scheduled start: read in the schedule's time zone, manual runs never skipped.
import { checkRunWindow, outsideWindowReason } from '../../../steps/core/run-window';

const TUESDAY_NIGHT = { days: ['TUE'] as const, startHour: 1, endHour: 5 };

describe('outsideWindowReason', () => {
  test("a scheduled start inside the window runs, read in the window's time zone", () => {
    // Given Tuesday 02:00 in Berlin (01:00 UTC)
    // Then it may run
    expect(outsideWindowReason(TUESDAY_NIGHT, 'Europe/Berlin', '2026-12-08T01:00:00Z')).toBeNull();
  });

  test('a scheduled start outside the window is skipped, naming the window', () => {
    // Given Tuesday 00:30 UTC, which is 01:30 in Berlin but 00:30 in UTC
    // Then in UTC it is outside 01:00-05:00, and the reason names the window
    expect(outsideWindowReason(TUESDAY_NIGHT, 'UTC', '2026-12-08T00:30:00Z')).toBe(
      'scheduled start 2026-12-08T00:30:00Z is outside the allowed window TUE 01:00-05:00 UTC',
    );
    expect(outsideWindowReason(TUESDAY_NIGHT, 'Europe/Berlin', '2026-12-08T00:30:00Z')).toBeNull();
  });

  test('the end hour is not in the window', () => {
    // Given Tuesday 05:00 UTC exactly
    // Then it is outside
    expect(outsideWindowReason(TUESDAY_NIGHT, 'UTC', '2026-12-08T05:00:00Z')).toContain('outside the allowed window');
  });

  test('a manual run (no scheduled time) and a stack without a window are never skipped', () => {
    // Given no scheduled time, or no window
    // Then nothing is skipped
    expect(outsideWindowReason(TUESDAY_NIGHT, 'UTC', undefined)).toBeNull();
    expect(outsideWindowReason(null, 'UTC', '2026-12-09T14:00:00Z')).toBeNull();
  });
});

describe('checkRunWindow', () => {
  test('names every problem of a window', () => {
    // Given an empty day list, an hour out of range and an unknown key
    // Then each is named
    expect(checkRunWindow({ days: [], startHour: 25, endHour: 3, extra: 1 }, 'w')).toEqual([
      'unknown key "w.extra"',
      expect.stringContaining('w.days must be a non-empty array'),
      expect.stringContaining('w.startHour must be a whole hour from 0 to 23'),
      expect.stringContaining('w.endHour must be after startHour'),
    ]);
  });
});
