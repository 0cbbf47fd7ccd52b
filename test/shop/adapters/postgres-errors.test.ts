import { classifyDatabaseError, isInfrastructureFailure } from '../../../shop/adapters/postgres-errors';
import { DatabaseUnavailable } from '../../../shop/core/errors';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isInfrastructureFailure', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a socket timeout', withCode('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['an admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['a database starting up', withCode('the database system is starting up', '57P03')],
    ['a statement timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a connection exception', withCode('connection failure', '08006')],
    ['a schema not created yet', withCode('relation "orders" does not exist', '42P01')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['a client read timeout', new Error('Query read timeout')],
    ['every address refusing', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ])('counts %s', (_case, error) => {
    // Given / When an infrastructure error is classified / Then it counts
    expect(isInfrastructureFailure(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "SELEC"', '42601')],
    ['a check violation', withCode('new row violates check constraint', '23514')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'rows')")],
    ['a non-error value', 'boom'],
  ])('does not count %s', (_case, error) => {
    // Given / When another error is classified / Then it does not count
    expect(isInfrastructureFailure(error)).toBe(false);
  });
});

describe('classifyDatabaseError', () => {
  it('turns an infrastructure failure into DatabaseUnavailable, keeping the cause', () => {
    // Given a refused connection
    const cause = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    // When it is classified
    const classified = classifyDatabaseError(cause);
    // Then it is DatabaseUnavailable naming the code, with the original as cause
    expect(classified).toBeInstanceOf(DatabaseUnavailable);
    expect((classified as DatabaseUnavailable).message).toBe(
      'database unavailable (unreachable): connect ECONNREFUSED 127.0.0.1:5432 (ECONNREFUSED)',
    );
    expect((classified as DatabaseUnavailable).cause).toBe(cause);
  });

  it('passes any other error through unchanged', () => {
    // Given a bug
    const bug = new TypeError('x is undefined');
    // When it is classified, then it is the same error
    expect(classifyDatabaseError(bug)).toBe(bug);
  });
});
