// Fault matrix, fast subset: the pool brownout and the writer failover, each on a path that must put things back.
import { describeFastSubset } from './support';

describeFastSubset('ladder');
