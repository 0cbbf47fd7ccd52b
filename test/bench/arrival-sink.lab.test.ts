// The traffic step's generator against a real HTTP sink: at 4 requests a second they arrive about 250 ms apart, not together.
import { type ArrivalSink, startArrivalSink } from '../../bench/arrival-sink';
import { runPacedFloor } from '../../bench/paced-floor';
import { CHAOS_SHOP_PROFILE } from '../../infra/config-profile';
import { createHttpTargetClient } from '../../steps/adapters/http-target-client';
import { runTraffic } from '../../steps/core/run-traffic';

jest.setTimeout(30_000);

describe('arrivals at a sink, 3 reads and 1 write a second', () => {
  let sink: ArrivalSink;
  beforeAll(async () => {
    sink = await startArrivalSink();
  });
  afterAll(() => sink.close());

  beforeEach(() => sink.reset());

  it('arrive about 250 ms apart, each request of a second on its own', async () => {
    // Given the generator with the HTTP client the traffic step uses, pointed at the sink
    const client = createHttpTargetClient(sink.url, CHAOS_SHOP_PROFILE);
    // When it sends 4 s of uniform arrivals
    const traffic = await runTraffic(
      { runId: 'arrivals', phase: 'baseline', durationSeconds: 4, readsPerSecond: 3, writesPerSecond: 1 },
      client,
    );
    // Then the sink received all 16, each answered as served, and the gaps between them are a quarter second:
    // their median within 50 ms of it, and (a shared machine may stall a send now and then) at most one of the 15
    // under half of it. Sent in ticks, the 4 of a second would arrive within a few milliseconds of each other.
    const arrivals = [...sink.arrivals()];
    expect(arrivals).toHaveLength(16);
    expect(traffic.reads.database + traffic.writes.ok).toBe(16);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    expect(Math.abs(median - 250)).toBeLessThanOrEqual(50);
    expect(gaps.filter((gap) => gap < 125).length).toBeLessThanOrEqual(1);
  });

  it("the paced floor follows the generator's schedule, each request answered", async () => {
    // When the paced floor sends 2 s at the same rates
    const counts = await runPacedFloor({ url: sink.url, durationSeconds: 2, readsPerSecond: 3, writesPerSecond: 1 });
    // Then all 8 were answered, and they arrived a quarter second apart as the generator's do
    expect(counts).toEqual({ sent: 8, answered: 8 });
    const arrivals = [...sink.arrivals()];
    expect(arrivals).toHaveLength(8);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    expect(Math.abs(median - 250)).toBeLessThanOrEqual(50);
  });
});
