// Fault matrix, fast subset: runs that end during the hold, by a crash, a failed worker, a stop, the halt lever, a stop condition or the error budget.
import { describeFastSubset } from './support';

describeFastSubset('hold');
