// The fault a run injected, in one line: which rung of the ladder, and its own evidence (the clamp, the failover window).
import type { RunReport } from '../steps/core/contracts';
import type { PoolConfig } from '../steps/core/pool-config';
import { formatSeconds } from './report-rows';

function pool(p: PoolConfig): string {
  return `${p.MaxConnectionsPercent}/${p.MaxIdleConnectionsPercent}/${p.ConnectionBorrowTimeout}`;
}

/**
 * The fault of a run: its kind (a report without one is a full outage) and what the report holds of it. A fault
 * that was not injected (a dry run, an abort before it) says so.
 */
export function faultLine({ fault, config }: Pick<RunReport, 'fault' | 'config'>): string {
  const kind = fault.kind ?? 'deregister';
  if (!fault.injected) return `${kind}: not injected${fault.dryRun || config.dryRun ? ' (dry run)' : ''}`;
  const start = fault.deregisteredAt === null ? null : Date.parse(fault.deregisteredAt);
  const back = fault.availableAt === null ? null : Date.parse(fault.availableAt);
  const lasted = start !== null && back !== null ? formatSeconds(back - start) : 'n/a';
  if (kind === 'pool-brownout') {
    const clamp = fault.brownout ?? config.brownout;
    const saved = fault.pool ? `; pool saved ${pool(fault.pool.saved)}, restored ${pool(fault.pool.restored)}` : '';
    return `pool-brownout: clamped to ${clamp.maxConnectionsPercent}% of the connections (borrow timeout ${clamp.connectionBorrowTimeoutSeconds} s) for ${lasted}${saved}`;
  }
  if (kind === 'writer-failover') {
    const w = fault.failover;
    const window = w
      ? `writes failed or deferred for ${formatSeconds(w.writesAffectedMs)} (${w.writesFailedInside} failed, ${w.writesDeferredInside} deferred), ${w.readsFailedOutside + w.writesFailedOutside} requests failed after the window, first primary read ${w.timeToFirstPrimaryReadMs === null ? 'never' : `${w.timeToFirstPrimaryReadMs} ms`} after the failover`
      : "the clients' window was not measured";
    return `writer-failover: cluster and target healthy ${lasted} after the failover; ${window}`;
  }
  return `deregister: the database gone for ${lasted}`;
}
