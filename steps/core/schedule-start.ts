// Starts a scheduled GameDay under a name derived from its scheduled time, so a retried delivery starts nothing new.
import { ExecutionAlreadyExists, type ExecutionsPort } from '../ports';

/** The scheduled time is not an ISO 8601 date-time with an explicit zone. */
export class InvalidScheduledTime extends Error {
  override readonly name = 'InvalidScheduledTime';
}

// A zone is required: a time without one would be read in the Lambda's local zone.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * '2026-11-27T02:00:00Z' -> 'scheduled-20261127T020000Z' (UTC, ISO basic format; milliseconds only
 * when present). Execution names must not contain ':' and are unique for 90 days, so each scheduled
 * time gets its own name and a second delivery of the same time gets the same one.
 */
export function executionNameForScheduledTime(iso: string): string {
  const ms = parseZonedTime(iso);
  if (ms === null) {
    throw new InvalidScheduledTime(
      `scheduledTime must be an ISO 8601 date-time with a zone, e.g. 2026-11-27T02:00:00Z (got ${JSON.stringify(iso)})`,
    );
  }
  const utc = new Date(ms).toISOString(); // 2026-11-27T02:00:00.000Z
  return `scheduled-${utc.replace(/[-:]/g, '').replace(/\.000Z$/, 'Z')}`;
}

/** Epoch ms of a zoned ISO date-time, or null; refuses impossible dates Date.parse would roll over (Feb 30). */
function parseZonedTime(iso: unknown): number | null {
  if (typeof iso !== 'string') return null;
  const match = ISO_DATE_TIME.exec(iso.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  const ms = Date.parse(iso.trim());
  return valid && !Number.isNaN(ms) ? ms : null;
}

/** Starts the run for `scheduledTime`; an execution of that name already existing means this delivery is a retry. */
export async function startScheduledRun(
  scheduledTime: string,
  ports: { executions: ExecutionsPort },
): Promise<{ executionArn: string; duplicate: boolean }> {
  const name = executionNameForScheduledTime(scheduledTime);
  try {
    // The stack's defaults and the run id from the execution name; the scheduled time (the same on
    // every retried delivery, so the input stays the same too) holds the run to the allowed window.
    return await ports.executions.start(name, { scheduledTime });
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return { executionArn: error.executionArn, duplicate: true };
    throw error;
  }
}
