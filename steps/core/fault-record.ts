// What the fault branch of the experiment records, how the hold ended, and the fault as the run report shows it.
import type { ClientFailoverWindow } from './failover-window';
import type { BrownoutSettings, FaultKind } from './fault-settings';
import type { PoolConfig } from './pool-config';
import type { WindowFigures } from './traffic-contracts';

/** What the fault branch of the experiment records (ISO timestamps from the state machine). */
export interface FaultRecord {
  dryRun: boolean;
  deregisteredAt: string | null;
  registeredAt: string | null;
  availableAt: string | null;
  /** Names of the stop-condition alarms that ended the hold early, or null. */
  stoppedEarly: string[] | null;
  /** What ended the hold before outageSeconds: the error budget, a stop condition, or nothing. */
  haltedBy?: 'errorBudget' | 'stopCondition' | null;
  /** The outage window whose failed share spent the error budget. */
  haltWindow?: WindowFigures | null;
  /** A pool brownout's target-group pool config: as saved before the clamp, and as read after the restore. */
  pool?: { saved: PoolConfig; restored: PoolConfig };
}

/** How the outage hold ended: early by a stop condition or the error budget, or after outageSeconds. */
export interface HoldRecord {
  stoppedEarly: string[] | string | null;
  haltedBy: 'errorBudget' | 'stopCondition' | null;
  /** The last outage window, when the hold was halted. */
  window: WindowFigures | null;
}

/**
 * The fault in the run report. `kind`: the fault injected (absent in older reports: the full outage); `brownout`: a
 * pool brownout's clamp; `failover`: a writer failover's window as the clients saw it (null when none was recorded).
 */
export type ReportedFault = FaultRecord & {
  injected: boolean;
  kind?: FaultKind;
  brownout?: BrownoutSettings;
  failover?: ClientFailoverWindow | null;
};
