// The states of each phase: every state of the workflow is in exactly one list, and its phase is that list's.
import { PHASE_OF_STATE, phaseOfState, STATES_OF_PHASE } from '../../../steps/core/state-phases';
import { STATES } from '../../../steps/core/workflow-names';

describe('STATES_OF_PHASE', () => {
  it('lists each state of the workflow once', () => {
    // Given the lists of every phase
    const listed: string[] = Object.values(STATES_OF_PHASE).flat();

    // When they are compared with the workflow's states
    const twice = listed.filter((state, i) => listed.indexOf(state) !== i);

    // Then none is listed twice, and every state is listed
    expect(twice).toEqual([]);
    expect([...listed].sort()).toEqual(Object.values(STATES).sort());
  });

  it("gives each state its list's phase, and null to the states that mark none", () => {
    // Given a state of the preflight, one of the recovery and an ending
    // When their phases are looked up
    // Then each is its list's
    expect(phaseOfState(STATES.acquireLock)).toBe('preflight');
    expect(phaseOfState(STATES.tallyRecoveryWindow)).toBe('recovery');
    expect(phaseOfState(STATES.passed)).toBeNull();
    expect(PHASE_OF_STATE[STATES.describeStepFailure]).toBe('rollback');
  });

  it('knows no phase of a name the workflow does not have', () => {
    // Given a name that is no state, and one inherited from every object
    // When they are looked up
    // Then neither has a phase
    expect(phaseOfState('NoSuchState')).toBeNull();
    expect(phaseOfState('toString')).toBeNull();
  });
});
