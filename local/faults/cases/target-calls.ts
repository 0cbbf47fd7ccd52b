// Faults in the calls that move the target: refused, answered "already done", or doing nothing at all.
import { RDS_ERRORS } from '../../../steps/core/workflow-names';
import { TaskError } from '../../runner/task-dispatcher';
import type { FaultCase } from '../matrix';
import { type CaseSpec, familyCase, outcome, reasonsOf, runFault } from './support';

export const targetCallsFailTransiently: FaultCase = {
  name: '4. deregister fails transiently once and register twice, then both succeed',
  expectedVerdict: 'passed',
  mechanism:
    'Retry on Deregister and Register for InvalidDbProxyState and unmodelled RDS errors (throttling): backoff from 2 s, up to 5 and 8 attempts',
  async run(ctx) {
    const refused = { Deregister: 0, Register: 0 };
    const refusals = { Deregister: 1, Register: 2 };
    const { result, problems } = await runFault(ctx, {
      beforeTask: (state) => {
        if ((state === 'Deregister' || state === 'Register') && refused[state] < refusals[state]) {
          refused[state] += 1;
          throw new TaskError(
            RDS_ERRORS.invalidProxyState,
            `the proxy cannot take the ${state === 'Register' ? 'registration' : 'deregistration'} yet`,
          );
        }
      },
    });
    if (JSON.stringify(refused) !== JSON.stringify(refusals))
      problems.push(
        `deregister and register were refused ${JSON.stringify(refused)} times, not ${JSON.stringify(refusals)}`,
      );
    return outcome(result, problems);
  },
};

/**
 * A case where `call` answers as a retry does when an earlier attempt did the work and its answer was
 * lost: the change is made, then the call fails with the "already done" error `answer` builds. The
 * workflow must take that error as success, and the run must pass.
 */
function lostAnswerCase(spec: CaseSpec & { call: 'Register' | 'Deregister'; answer: () => TaskError }): FaultCase {
  const { call } = spec;
  return familyCase(spec, 'passed', async (ctx) => {
    let answered = 0;
    const { result, problems } = await runFault(ctx, {
      taskOverrides: {
        [call]: async () => {
          answered += 1;
          if (call === 'Register' && ctx.lab.proxy.state === 'DEREGISTERED') ctx.lab.proxy.register();
          if (call === 'Deregister' && ctx.lab.proxy.state !== 'DEREGISTERED') ctx.lab.proxy.deregister();
          throw spec.answer();
        },
      },
    });
    if (answered === 0) problems.push(`${call.toLowerCase()} was never called`);
    return { result, problems };
  });
}

export const registerAlreadyRegistered = lostAnswerCase({
  name: '5. register answers "already registered"',
  mechanism: 'Catch DbProxyTargetAlreadyRegistered on Register as success, then wait for AVAILABLE as usual',
  call: 'Register',
  answer: () => new TaskError(RDS_ERRORS.targetAlreadyRegistered, 'the target is already registered'),
});

export const deregisterTargetNotFound = lostAnswerCase({
  name: '6. deregister answers "target not found"',
  mechanism:
    'Catch DbProxyTargetNotFound on Deregister as success (a retried call whose first try succeeded): the hold goes on',
  call: 'Deregister',
  answer: () => new TaskError(RDS_ERRORS.targetNotFound, 'the proxy has no registered target'),
  check: (result, problems) => {
    if (result.report.fault.deregisteredAt === null) problems.push('the run recorded no deregistration');
  },
});

export const deregisterDoesNothing: FaultCase = {
  name: '16. deregister succeeds but does nothing: the fault never bites',
  expectedVerdict: 'inconclusive',
  mechanism:
    'the verdict needs the fault to have bitten (reads from the cache, queued orders or failed requests in the outage): without it the run is inconclusive and fails, never green by vacuity',
  async run(ctx) {
    const result = await ctx.run({ taskOverrides: { Deregister: async () => ({}) } });
    const problems: string[] = [];
    if (ctx.targetHistory().length > 0) problems.push(`the target moved: ${ctx.targetHistory().join(' -> ')}`);
    if (result.status !== 'FAILED')
      problems.push(`the execution ended ${result.status}: an inconclusive run must fail it`);
    if (!/never bit/.test(reasonsOf(result)))
      problems.push(`the run does not say the fault never bit: ${reasonsOf(result)}`);
    return outcome(result, problems);
  },
};
