// Fault matrix, fast subset: runs refused in preflight, before any harm.
import { describeFastSubset } from './support';

describeFastSubset('preflight');
