// Tells infrastructure failures of PostgreSQL (the database is away) from everything else (a bug, a bad query).
import { DatabaseUnavailable } from '../core/errors';

/** Socket-level failures: the database or the proxy in front of it is not answering. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/**
 * SQLSTATEs meaning "this database cannot serve now": admin/crash shutdown, cannot connect now,
 * statement timeout (a slow or stuck backend), and the schema not created yet (initialization
 * still running). Class 08 (connection exception) and 53 (insufficient resources) are matched by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '3D000', '42P01']);
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53'];

/** Errors node-postgres raises itself when a connection dies or never comes up. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Cannot use a pool after calling end on the pool',
];

export function isInfrastructureFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (code.length === 5 && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isInfrastructureFailure);
  return CONNECTION_MESSAGES.some((message) => error.message.includes(message));
}

/** `DatabaseUnavailable` for an infrastructure failure; any other error unchanged. */
export function classifyDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailable) return error;
  return isInfrastructureFailure(error) ? toUnavailable(error) : error;
}

export function toUnavailable(error: unknown): DatabaseUnavailable {
  if (error instanceof DatabaseUnavailable) return error;
  const detail = error instanceof Error ? describe(error) : String(error);
  return new DatabaseUnavailable('unreachable', detail, { cause: error });
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const message =
    error.message ||
    (error instanceof AggregateError ? error.errors.map((e: unknown) => String(e)).join(', ') : error.name);
  return typeof code === 'string' ? `${message} (${code})` : message;
}
