// Fault matrix, fast subset: faults the run rides out, in the fault calls and in the drain.
import { describeFastSubset } from './support';

describeFastSubset('recovery');
