// An Aurora writer failover as the lab emulates it: every connection dropped, new ones refused, then served again.

/** Thrown by a failover asked for while one is still in progress (RDS answers InvalidDBClusterStateFault). */
export class ClusterFailoverInProgress extends Error {
  override readonly name = 'ClusterFailoverInProgress';
  constructor() {
    super('the cluster is failing over already');
  }
}

/** The cluster's status as DescribeDBClusters reports it, for the part the lab emulates. */
export type ClusterStatus = 'available' | 'failing-over';

/**
 * The failover window of the lab's cluster. While it lasts the proxy drops what it holds and
 * refuses every new connection (no writer to route to); when it ends, the new writer serves.
 */
export class WriterFailover {
  private timer: NodeJS.Timeout | undefined;
  private failingOver = false;
  /** Failovers started since the lab started. */
  count = 0;

  get status(): ClusterStatus {
    return this.failingOver ? 'failing-over' : 'available';
  }

  /** Starts a failover of `ms`; `onEnd` runs when the new writer serves. */
  start(ms: number, onEnd: () => void = () => undefined): void {
    if (!Number.isInteger(ms) || ms < 0)
      throw new RangeError(`the failover time must be a whole number of milliseconds >= 0, got ${ms}`);
    if (this.failingOver) throw new ClusterFailoverInProgress();
    this.failingOver = true;
    this.count += 1;
    this.timer = setTimeout(() => {
      this.failingOver = false;
      onEnd();
    }, ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.failingOver = false;
  }
}
