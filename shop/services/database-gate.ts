// Every request-path database call passes here: refused while initializing or while the breaker is open.
import type { CircuitBreaker } from '../core/circuit-breaker';
import { DatabaseUnavailable } from '../core/errors';

export interface DatabaseGateProps {
  /** null in the fragile build: every call goes to the database. */
  readonly breaker: CircuitBreaker | null;
  /** false until schema and seed are in place. */
  readonly isReady: () => boolean;
}

export class DatabaseGate {
  constructor(private readonly props: DatabaseGateProps) {}

  /**
   * Runs `operation` under a breaker permit. Only `DatabaseUnavailable` counts as a failure: any
   * other error means the database answered, so the breaker hears success and the error goes on.
   */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    // The initializer is already probing the database on its own schedule; requests add nothing
    // but load and breaker noise until it succeeds.
    if (!this.props.isReady()) throw new DatabaseUnavailable('initializing', 'schema and seed are not in place yet');
    const permit = this.props.breaker ? this.props.breaker.tryAcquire() : null;
    if (this.props.breaker && !permit)
      throw new DatabaseUnavailable('breaker_open', 'the circuit breaker is open; the database was not called');
    try {
      const result = await operation();
      permit?.succeed();
      return result;
    } catch (error) {
      if (error instanceof DatabaseUnavailable) permit?.fail();
      else permit?.succeed();
      throw error;
    }
  }
}
