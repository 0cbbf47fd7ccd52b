// Counts the shop's answers as they leave the lab's HTTP server, for a live view of a running GameDay.
import type { ReadClass, ReadCounts, WriteClass, WriteCounts } from '../../steps/core/contracts';

export interface LiveCounts {
  reads: ReadCounts;
  writes: WriteCounts;
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Wraps the shop's fetch handler and classifies each answer the way the traffic generator does:
 * reads by `source` (database / cache) or failed, writes by status (201 / 202 / 409 / other).
 * Only the run's own requests go through it, so it is a live view, not the run's record.
 */
export class TrafficCounter {
  private counts: LiveCounts = TrafficCounter.zero();

  static zero(): LiveCounts {
    return { reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 } };
  }

  wrap(fetch: FetchHandler): FetchHandler {
    return async (request) => {
      const response = await fetch(request);
      const path = new URL(request.url).pathname;
      if (request.method === 'GET' && path === '/products') void this.countRead(response.clone());
      else if (request.method === 'POST' && path === '/orders') this.countWrite(response.status);
      return response;
    };
  }

  /** Counts one answer already classified (your own service's, by its profile's rules, in front of it). */
  count(kind: 'read' | 'write', answer: ReadClass | WriteClass): void {
    if (kind === 'read') this.counts.reads[answer as ReadClass] += 1;
    else this.counts.writes[answer as WriteClass] += 1;
  }

  snapshot(): LiveCounts {
    return { reads: { ...this.counts.reads }, writes: { ...this.counts.writes } };
  }

  reset(): void {
    this.counts = TrafficCounter.zero();
  }

  private async countRead(response: Response): Promise<void> {
    if (response.status !== 200) {
      this.counts.reads.failed += 1;
      return;
    }
    const body = (await response.json().catch(() => null)) as { source?: string } | null;
    if (body?.source === 'database') this.counts.reads.database += 1;
    else if (body?.source === 'cache') this.counts.reads.cache += 1;
    else this.counts.reads.failed += 1;
  }

  private countWrite(status: number): void {
    if (status === 201) this.counts.writes.ok += 1;
    else if (status === 202) this.counts.writes.queued += 1;
    else if (status === 409) this.counts.writes.stockOut += 1;
    else this.counts.writes.failed += 1;
  }
}
