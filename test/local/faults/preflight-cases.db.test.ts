// Fault matrix, fast subset: runs refused in preflight, before any harm.
import {
  changeFreezeSkips,
  invalidInputRefused,
  secondRunRefused,
  targetNotAvailableAtStart,
} from '../../../local/faults/cases';
import { itHoldsForEach, useFaultLab } from './support';

jest.setTimeout(240_000);

const lab = useFaultLab();

describe('the fault matrix, refused before any harm', () => {
  itHoldsForEach(lab, [invalidInputRefused, targetNotAvailableAtStart, secondRunRefused, changeFreezeSkips]);
});
