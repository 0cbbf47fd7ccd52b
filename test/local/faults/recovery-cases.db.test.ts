// Fault matrix, fast subset: faults the run rides out, in the fault calls and in the drain.
import {
  availableAfterRecoverySeconds,
  targetCallsFailTransiently,
  workerCrashesMidDrain,
} from '../../../local/faults/cases';
import { itHoldsForEach, useFaultLab } from './support';

jest.setTimeout(240_000);

const lab = useFaultLab();

describe('the fault matrix, ridden out', () => {
  itHoldsForEach(lab, [targetCallsFailTransiently, workerCrashesMidDrain, availableAfterRecoverySeconds]);
});
