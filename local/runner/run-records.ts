// What the runner keeps of an execution as its states end, for the report of a run that ends before its report step.
import type { FaultRecord, HoldRecord, RunConfig, TrafficResult } from '../../steps/core/contracts';
import { fill } from '../../steps/core/stored-timelines';
import { STATES } from '../../steps/core/workflow-names';
import type { TimelineStore } from '../../steps/ports';
import type { RunRecords } from './run-report';

const BASELINE_TALLIES: ReadonlySet<string> = new Set([STATES.tallyBaselineWindow]);
const EXPERIMENT_TALLIES: ReadonlySet<string> = new Set([
  STATES.tallyOutageWindow,
  STATES.tallyRestoringWindow,
  STATES.tallyRecoveryWindow,
]);

interface StateOutput {
  config?: RunConfig;
  baseline?: TrafficResult;
  tally?: { traffic?: TrafficResult };
  fault?: FaultRecord;
  hold?: HoldRecord;
  experiment?: { traffic?: TrafficResult; fault?: FaultRecord; hold?: HoldRecord };
}

/** Keeps, from each top-level state that ends (Map iterations aside), the latest of each record. */
export class RunRecorder {
  private config: RunConfig | null = null;
  private baseline: TrafficResult | null = null;
  private experiment: TrafficResult | null = null;
  private fault: FaultRecord | null = null;
  private hold: HoldRecord | null = null;
  private deregisterAnsweredAt: string | null = null;

  exited(state: string, output: unknown, at: number): void {
    if (state === STATES.deregister) this.deregisterAnsweredAt = new Date(at).toISOString();
    if (typeof output !== 'object' || output === null) return;
    const o = output as StateOutput;
    if (o.config) this.config = o.config;
    if (BASELINE_TALLIES.has(state) && o.tally?.traffic) this.baseline = o.tally.traffic;
    if (state === STATES.recordBaseline && o.baseline) this.baseline = o.baseline;
    if (EXPERIMENT_TALLIES.has(state) && o.tally?.traffic) this.experiment = o.tally.traffic;
    const experiment = o.experiment;
    if (experiment?.traffic) this.experiment = experiment.traffic;
    const fault = experiment?.fault ?? o.fault;
    if (fault && typeof fault === 'object') this.fault = { ...this.fault, ...fault };
    const hold = experiment?.hold ?? o.hold;
    if (hold && typeof hold === 'object') this.hold = hold;
  }

  /**
   * The records, with the stored timelines of the tallied windows read back (the counts per phase
   * come from them). A timeline that cannot be read leaves its phase not measured.
   */
  async withTimelines(config: RunConfig | null, store: TimelineStore): Promise<RunRecords> {
    const runConfig = config ?? this.config;
    const filled = async (traffic: TrafficResult | null) => {
      if (!traffic || !runConfig) return traffic;
      try {
        return await fill(traffic, runConfig, store);
      } catch {
        return traffic;
      }
    };
    return {
      config: runConfig,
      baseline: await filled(this.baseline),
      experiment: await filled(this.experiment),
      fault: this.fault,
      hold: this.hold,
      deregisterAnsweredAt: this.deregisterAnsweredAt,
    };
  }
}
