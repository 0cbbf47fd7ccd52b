// Each fault's own words in the hypothesis: what its run says when the fault did not happen, and the parts it names differently.
import type { HypothesisCheck, ReportInput } from './contracts';
import type { FaultKind } from './fault-settings';

/** How a run speaks of its fault when the fault did not happen. */
export interface FaultWords {
  /** The fault not done, as a dry run says it: "the pool was not clamped". */
  readonly notDone: string;
  /** What the run records when the fault happens, as in "no clamp was recorded". */
  readonly record: string;
}

/** Each fault's words. */
export const FAULT_WORDS: Readonly<Record<FaultKind, FaultWords>> = Object.freeze({
  deregister: { notDone: 'the fault was not injected', record: 'deregistration' },
  'pool-brownout': { notDone: 'the pool was not clamped', record: 'clamp' },
  'writer-failover': { notDone: 'the writer did not fail over', record: 'failover' },
});

/**
 * The parts of the hypothesis each fault names differently; the others keep the target's words. The brownout:
 * customers are served during the clamp, possibly slower and partly degraded, and the pool comes back exactly as
 * it was saved. The failover: requests fail, and writes are deferred, only inside the failover window, and the
 * cluster and the proxy target come back healthy.
 */
export const FAULT_TITLES: Readonly<Record<FaultKind, Readonly<Partial<Record<HypothesisCheck['id'], string>>>>> =
  Object.freeze({
    deregister: {},
    'pool-brownout': {
      faultBit: 'the pool was clamped',
      servedDuringOutage: 'customers served during the brownout',
      restored: 'the pool is back as it was, and the shop serves from the database',
    },
    'writer-failover': {
      faultBit: 'the writer failed over',
      servedDuringOutage: 'customers served through the failover, failures only inside its window',
      restored: 'the cluster and the proxy target are healthy, and the shop serves from the primary',
    },
  });

/** Why a run of this fault could not be judged: the fault was not recorded. */
export function notInjected(fault: FaultKind): string {
  const { notDone, record } = FAULT_WORDS[fault];
  return `${notDone}: no ${record} was recorded`;
}

/** Whether the fault part saw its fault: not in a dry run, and only once the run recorded the fault. */
export function faultSeen(input: Pick<ReportInput, 'config' | 'experiment'>, injected: boolean): true | string {
  const { fault, dryRun } = input.config;
  if (dryRun || input.experiment.fault.dryRun) return `dry run: ${FAULT_WORDS[fault].notDone}`;
  return injected ? true : notInjected(fault);
}
