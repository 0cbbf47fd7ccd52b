// Fault matrix, fast subset: runs that end during the hold, by a crash, a failed worker, a stop, the halt lever, a stop condition or the error budget.
import {
  abortedDuringHold,
  errorBudgetEndsHold,
  haltedDuringOutage,
  stopConditionDuringHold,
  trafficThrowsDuringHold,
  workerFailsMidWindow,
} from '../../../local/faults/cases';
import { itHoldsForEach, useFaultLab } from './support';

jest.setTimeout(240_000);

const lab = useFaultLab();

describe('the fault matrix, ended during the hold', () => {
  itHoldsForEach(lab, [
    trafficThrowsDuringHold,
    abortedDuringHold,
    stopConditionDuringHold,
    workerFailsMidWindow,
    errorBudgetEndsHold,
    haltedDuringOutage,
  ]);
});
