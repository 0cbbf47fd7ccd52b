// The allowed window of a scheduled GameDay: the days and hours, in the schedule's time zone, a scheduled start may run in.

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `days` at hours `startHour` (inclusive) to `endHour` (exclusive), 0-24, read in `timezone`. */
export interface RunWindow {
  readonly days: readonly Weekday[];
  readonly startHour: number;
  readonly endHour: number;
}

/** Every problem of a raw window, each prefixed with where it sits (`schedule.allowedWindow`). */
export function checkRunWindow(raw: unknown, where: string): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return [`${where} must be an object {days, startHour, endHour}`];
  const window = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const extra of Object.keys(window).filter((k) => !['days', 'startHour', 'endHour'].includes(k)))
    problems.push(`unknown key "${where}.${extra}"`);
  const days = window.days;
  if (
    !Array.isArray(days) ||
    days.length === 0 ||
    days.some((day) => !(WEEKDAYS as readonly unknown[]).includes(day))
  ) {
    problems.push(`${where}.days must be a non-empty array of ${WEEKDAYS.join(', ')} (got ${JSON.stringify(days)})`);
  }
  const hour = (key: 'startHour' | 'endHour', max: number) => {
    const value = window[key];
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max)
      problems.push(`${where}.${key} must be a whole hour from 0 to ${max} (got ${JSON.stringify(value)})`);
  };
  hour('startHour', 23);
  hour('endHour', 24);
  if (
    Number.isInteger(window.startHour) &&
    Number.isInteger(window.endHour) &&
    (window.endHour as number) <= (window.startHour as number)
  ) {
    problems.push(
      `${where}.endHour must be after startHour (got ${String(window.startHour)}-${String(window.endHour)})`,
    );
  }
  return problems;
}

/** `TUE, WED 01:00-05:00 Europe/Berlin`: how a skipped run names the window. */
export function describeWindow(window: RunWindow, timezone: string): string {
  const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
  return `${window.days.join(', ')} ${hh(window.startHour)}-${hh(window.endHour)} ${timezone}`;
}

/** The weekday and hour of an instant in a time zone (Intl knows every IANA zone Scheduler accepts). */
function localDayAndHour(instant: Date, timezone: string): { day: Weekday; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const weekday = parts.find((p) => p.type === 'weekday')?.value.toUpperCase() as Weekday;
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  return { day: weekday, hour };
}

/** Whether an instant falls inside the window. */
export function isInsideWindow(window: RunWindow, instant: Date, timezone: string): boolean {
  const { day, hour } = localDayAndHour(instant, timezone);
  return window.days.includes(day) && hour >= window.startHour && hour < window.endHour;
}

/**
 * Why a scheduled start is skipped, or null when it may run: a manual run (no scheduled time) and a
 * stack without a window always may. An unreadable scheduled time is not a reason to skip: the
 * schedule-start step derived the execution name from the same time and refused a bad one.
 */
export function outsideWindowReason(
  window: RunWindow | null | undefined,
  timezone: string,
  scheduledTime: unknown,
): string | null {
  if (!window || typeof scheduledTime !== 'string') return null;
  const instant = new Date(scheduledTime);
  if (Number.isNaN(instant.getTime())) return null;
  if (isInsideWindow(window, instant, timezone)) return null;
  return `scheduled start ${scheduledTime} is outside the allowed window ${describeWindow(window, timezone)}`;
}
