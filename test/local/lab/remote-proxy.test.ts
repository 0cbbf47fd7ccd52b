// The fault proxy of a lab in another process: every read asks the lab, and a move it refuses throws the proxy's own error.
import type { BlockingAnswer, BlockingRequest } from '../../../local/lab/blocking-http';
import { ProxyTargetAlreadyRegistered, ProxyTargetNotFound } from '../../../local/lab/fault-proxy';
import { InvalidPoolConfig } from '../../../local/lab/pool-brownout';
import { ControlApiError, remoteFaultProxy } from '../../../local/lab/remote-proxy';
import { ClusterFailoverInProgress } from '../../../local/lab/writer-failover';

const CONTROL = 'http://lab.invalid:1';

/** A control API that answers each request with the next of `answers`, and keeps the requests. */
function scripted(...answers: BlockingAnswer[]) {
  const requests: Array<{ method: string; url: string; body: unknown }> = [];
  const request: BlockingRequest = (method, url, body) => {
    requests.push({ method, url, body });
    const answer = answers.shift();
    if (!answer) throw new Error(`no answer scripted for ${method} ${url}`);
    return answer;
  };
  return { requests, request };
}

const proxyAnswer = (state: string, health = state) => ({
  status: 200,
  body: { state, health, cluster: 'available' },
});

describe('the fault proxy of a lab in another process', () => {
  it('asks the lab at every read: a change made there is seen at the next read', () => {
    // Given a lab whose target is deregistered between two reads
    const lab = scripted(proxyAnswer('AVAILABLE'), proxyAnswer('DEREGISTERED'));
    const proxy = remoteFaultProxy(CONTROL, lab.request);
    // When its state is read twice
    const states = [proxy.state, proxy.state];
    // Then each read is the lab's answer of that moment
    expect(states).toEqual(['AVAILABLE', 'DEREGISTERED']);
    expect(lab.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${CONTROL}/proxy`, `GET ${CONTROL}/proxy`]);
  });

  it('reads the target health, not the state, where the tasks ask for the health', () => {
    // Given a lab whose cluster fails over under a registered target
    const proxy = remoteFaultProxy(CONTROL, scripted(proxyAnswer('AVAILABLE', 'UNAVAILABLE')).request);
    // When the health is read
    // Then it is the lab's health
    expect(proxy.targetHealth).toBe('UNAVAILABLE');
  });

  it.each([
    ['register', ProxyTargetAlreadyRegistered, '/proxy/register'],
    ['deregister', ProxyTargetNotFound, '/proxy/deregister'],
    ['failover', ClusterFailoverInProgress, '/proxy/failover'],
  ] as const)('throws the refusal of the proxy when the lab refuses %s', (move, refusal, path) => {
    // Given a lab that answers the move with a conflict
    const lab = scripted({ status: 409, body: { error: 'refused', state: 'AVAILABLE' } });
    const proxy = remoteFaultProxy(CONTROL, lab.request);
    // When the move is made
    // Then it throws what the lab's proxy threw, and the move went to the lab
    expect(() => proxy[move]()).toThrow(refusal);
    expect(lab.requests).toEqual([{ method: 'POST', url: `${CONTROL}${path}`, body: undefined }]);
  });

  it('sends a pool config change to the lab and answers the config the lab answers', () => {
    // Given a lab that applies a clamp
    const clamped = { MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5, ConnectionBorrowTimeout: 1 };
    const lab = scripted({ status: 200, body: clamped });
    const proxy = remoteFaultProxy(CONTROL, lab.request);
    // When the target group is modified
    const answer = proxy.targetGroup.modify({ MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5 });
    // Then the change went to the lab, and the answer is the lab's config
    expect(lab.requests).toEqual([
      {
        method: 'POST',
        url: `${CONTROL}/proxy/target-group`,
        body: { MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5 },
      },
    ]);
    expect(answer).toEqual(clamped);
  });

  it('throws InvalidPoolConfig in the words of the lab when it refuses a pool config', () => {
    // Given a lab that refuses the change
    const lab = scripted({
      status: 400,
      body: { name: 'InvalidPoolConfig', error: 'MaxConnectionsPercent must be 1-100' },
    });
    const proxy = remoteFaultProxy(CONTROL, lab.request);
    // When a bad change is made
    // Then it is the target group's own refusal, with the lab's words
    expect(() => proxy.targetGroup.modify({ MaxConnectionsPercent: 0 })).toThrow(
      new InvalidPoolConfig('MaxConnectionsPercent must be 1-100'),
    );
  });

  it('throws a ControlApiError when the lab answers something the proxy never answers', () => {
    // Given a control API that fails
    const proxy = remoteFaultProxy(CONTROL, scripted({ status: 500, body: { error: 'boom' } }).request);
    // When the state is read
    // Then the failure is not taken for a state
    expect(() => proxy.state).toThrow(ControlApiError);
  });
});
