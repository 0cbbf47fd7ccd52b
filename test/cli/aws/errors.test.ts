// AWS and network errors end every AWS command with one line naming what failed, and exit 2.
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { CliError, explainAwsError } from '../../../cli/aws/errors';
import { cloudformation, resetMocks, RUN, sfn } from './mocks';
import { gameday, MACHINE, terminal } from './support';

/** A socket error as Node raises it. */
function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno: -111, syscall: 'connect' });
}

beforeEach(() => {
  resetMocks();
});

describe('AWS and network errors of the commands', () => {
  it('names the stack and the refused connection when AWS cannot be reached, with exit 2', async () => {
    // Given the network refuses the connection to CloudFormation
    cloudformation.on(DescribeStacksCommand).rejects(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443'));
    const term = terminal();
    // When the history of a stack is asked for
    const code = await gameday(term, 'history', '--stack', 'GameDay');
    // Then one line says the network failed, for what, and the command exits 2
    expect(code).toBe(2);
    expect(term.errors).toEqual([
      'gameday: network error reaching AWS for GameDay: connect ECONNREFUSED 127.0.0.1:443',
    ]);
  });

  it('reads the socket error behind "fetch failed"', async () => {
    // Given the endpoint's name does not resolve, as fetch reports it
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: RUN, status: 'RUNNING' });
    sfn.on(GetExecutionHistoryCommand).rejects(
      new TypeError('fetch failed', {
        cause: socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND states.us-east-1.amazonaws.com'),
      }),
    );
    const term = terminal();
    // When an execution is watched
    const code = await gameday(term, 'watch', RUN);
    // Then the line names the execution and the cause, and the exit code is 2
    expect(code).toBe(2);
    expect(term.errors).toEqual([
      `gameday: network error reaching AWS for ${RUN}: fetch failed: getaddrinfo ENOTFOUND states.us-east-1.amazonaws.com`,
    ]);
  });

  it('reports an AWS service error no command explains by its name, with exit 2', async () => {
    // Given Step Functions throttles the call
    sfn.on(ListExecutionsCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const term = terminal();
    // When a run is started
    const code = await gameday(term, 'start', '--state-machine-arn', MACHINE);
    // Then the line names the state machine and the error
    expect(code).toBe(2);
    expect(term.errors).toEqual([`gameday: AWS error for ${MACHINE}: ThrottlingException: Rate exceeded`]);
  });

  it('says the credentials were refused when AWS does not know them', async () => {
    // Given keys AWS does not recognise
    cloudformation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'UnrecognizedClientException',
        $metadata: {},
      }),
    );
    const term = terminal();
    // When a command reads the stack
    const code = await gameday(term, 'history', '--stack', 'GameDay');
    // Then the line says so
    expect(code).toBe(2);
    expect(term.errors).toEqual([expect.stringMatching(/^gameday: AWS refused the credentials \(GameDay\): /)]);
  });

  it('turns an error raised while the clients are made into one line and exit 2', async () => {
    // Given the clients cannot be made because a credential process timed out
    const term = terminal();
    const { runGameday } = await import('../../../cli/program');
    const code = await runGameday(['node', 'gameday', 'watch', RUN], {
      io: term.io,
      err: (line) => term.errors.push(line),
      createClients: async () => {
        throw Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
      },
    });
    // Then it is a network error, in one line
    expect(code).toBe(2);
    expect(term.errors).toEqual(['gameday: network error reaching AWS: Connection timed out after 1000 ms']);
  });
});

describe('explainAwsError', () => {
  it('passes an error that is neither AWS nor the network through unchanged', () => {
    // Given a programming error
    const bug = new RangeError('index out of range');
    // Then it is not dressed up as an AWS error
    expect(explainAwsError(bug, 'x')).toBe(bug);
    expect(explainAwsError(bug, 'x')).not.toBeInstanceOf(CliError);
  });
});
