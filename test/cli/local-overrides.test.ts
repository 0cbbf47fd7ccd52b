// The flags of a local run become the execution input the state machine validates: settings, and the hypothesis' tolerances.
import { overridesFrom, type LocalCommandOptions, UsageError } from '../../cli/local-command';

const base: LocalCommandOptions = {
  degradation: true,
  compare: false,
  dryRun: false,
  changeCalendar: 'OPEN',
  ignoreChangeFreeze: false,
  lambdaConcurrency: 1_000,
  outageMode: 'hang',
};

describe('overridesFrom', () => {
  it('puts the tolerance flags under hypothesis, beside the setting overrides', () => {
    // Given an outage override and two tolerances
    // When the input is built
    const input = overridesFrom({ ...base, outageSeconds: 20, maxOutageP99Ratio: 1.5, maxRecoverySeconds: 4 });
    // Then the tolerances travel as the hypothesis, nothing else added
    expect(input).toEqual({ outageSeconds: 20, hypothesis: { maxOutageP99Ratio: 1.5, maxRecoverySeconds: 4 } });
  });

  it('leaves the hypothesis out when no tolerance flag is given', () => {
    // Given no tolerance flag
    // Then the run keeps the stack's tolerances
    expect(overridesFrom({ ...base, dryRun: true })).toEqual({ dryRun: true });
  });

  it('refuses a tolerance the state machine would refuse, as a usage error', () => {
    // Given a failed-writes tolerance above 100 %
    // Then it is refused before anything starts
    expect(() => overridesFrom({ ...base, maxFailedWritesPercent: 101 })).toThrow(UsageError);
  });
});
