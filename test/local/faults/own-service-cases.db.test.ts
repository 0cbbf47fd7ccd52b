// Fault matrix, fast subset against the example service: a stopped run on its own API and database truth, and a stall before the fault on both targets.
import { abortedDuringHold, databaseStallsInBaseline, onTarget } from '../../../local/faults/cases';
import { RESERVATIONS_TARGET } from '../../../local/faults/targets';
import { itHoldsForEach, useFaultLab } from './support';

jest.setTimeout(240_000);

describe('the fault matrix against the example service', () => {
  const lab = useFaultLab(RESERVATIONS_TARGET);
  itHoldsForEach(lab, [
    onTarget(RESERVATIONS_TARGET, abortedDuringHold),
    onTarget(RESERVATIONS_TARGET, databaseStallsInBaseline),
  ]);
});

describe('the fault matrix, a stall before the fault on the Chaos Shop', () => {
  const lab = useFaultLab();
  itHoldsForEach(lab, [databaseStallsInBaseline]);
});
