// The fault proxy of a lab in another process, through its control API: each read and each move is one call, answered before it returns.
import type { BlockingAnswer, BlockingRequest } from './blocking-http';
import {
  type FaultProxy,
  ProxyTargetAlreadyRegistered,
  ProxyTargetNotFound,
  type ProxyTargetState,
} from './fault-proxy';
import { InvalidPoolConfig, type LabPoolConfig } from './pool-brownout';
import { type ClusterStatus, ClusterFailoverInProgress } from './writer-failover';

/** The control API's answer to `GET /proxy`, the part read here. */
interface ProxyAnswer {
  readonly state: ProxyTargetState;
  readonly health: ProxyTargetState | 'UNAVAILABLE';
  readonly cluster: ClusterStatus;
  readonly view: string;
}

/** The control API answered something else than the proxy answers. */
export class ControlApiError extends Error {
  override readonly name = 'ControlApiError';
}

/** What of the fault proxy a run's tasks and its safety net use: the answers of the lab's proxy, synchronous as its own. */
export type RemoteFaultProxy = Pick<
  FaultProxy,
  'state' | 'targetHealth' | 'clusterStatus' | 'view' | 'describe' | 'register' | 'deregister' | 'failover'
> & { readonly targetGroup: { readonly config: LabPoolConfig; modify(change: Partial<LabPoolConfig>): LabPoolConfig } };

/**
 * The proxy of the lab whose control API is at `controlUrl`. Nothing is cached: every read asks the
 * lab and every move is made there, so the lab's proxy is the one truth; a move the lab's proxy
 * refuses throws the error the proxy itself throws.
 */
export function remoteFaultProxy(controlUrl: string, request: BlockingRequest): RemoteFaultProxy {
  const read = (): ProxyAnswer => expectOk(request('GET', `${controlUrl}/proxy`)) as ProxyAnswer;
  const move = (path: string, refused: () => Error): void => {
    const answer = request('POST', `${controlUrl}${path}`);
    if (answer.status === 409) throw refused();
    expectOk(answer);
  };
  return {
    get state() {
      return read().state;
    },
    get targetHealth() {
      return read().health;
    },
    get clusterStatus() {
      return read().cluster;
    },
    // The lab's proxy words its own view: one read, and the same words as a run in the lab's process.
    get view() {
      return read().view;
    },
    describe: () => ({ state: read().state }),
    register: () => move('/proxy/register', () => new ProxyTargetAlreadyRegistered()),
    deregister: () => move('/proxy/deregister', () => new ProxyTargetNotFound()),
    // The lab's proxy fails over for its own failover time.
    failover: () => move('/proxy/failover', () => new ClusterFailoverInProgress()),
    targetGroup: {
      get config() {
        return expectOk(request('GET', `${controlUrl}/proxy/target-group`)) as LabPoolConfig;
      },
      modify(change) {
        const answer = request('POST', `${controlUrl}/proxy/target-group`, change);
        if (answer.status === 400) throw new InvalidPoolConfig(errorOf(answer));
        return expectOk(answer) as LabPoolConfig;
      },
    },
  };
}

function expectOk(answer: BlockingAnswer): unknown {
  if (answer.status !== 200)
    throw new ControlApiError(`the lab's control API answered ${answer.status}: ${errorOf(answer)}`);
  return answer.body;
}

function errorOf(answer: BlockingAnswer): string {
  const error = (answer.body as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : JSON.stringify(answer.body);
}
