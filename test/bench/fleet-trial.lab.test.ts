// The benchmark's fleet trial with real traffic worker processes, against the arrival sink: each worker sends its share, and the sink receives it.
import { type ArrivalSink, startArrivalSink } from '../../bench/arrival-sink';
import { runFleetTrial } from '../../bench/fleet';
import { startTrafficWorkerPool, type TrafficWorkerPool } from '../../local/runner/traffic-workers';

jest.setTimeout(60_000);

let sink: ArrivalSink;
let pool: TrafficWorkerPool;
beforeAll(async () => {
  sink = await startArrivalSink();
  pool = await startTrafficWorkerPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
  await sink.close();
});

it('runs the traffic step in every worker, and the sink receives every request they sent', async () => {
  // When a trial of 2 workers sends 40/s (3 reads : 1 write) for 2 s
  const figures = await runFleetTrial(pool, {
    shopUrl: sink.url,
    shopAnswers: () => sink.arrivals().length,
    runId: 'bench-fleet-trial',
    totalRps: 40,
    mix: { readsPerWrite: 3 },
    durationSeconds: 2,
  });
  // Then both workers sent their share, none failed, and the sink received all 80
  expect(figures.workers).toBe(2);
  expect(figures.requests).toBe(80);
  expect(figures.failed).toBe(0);
  expect(sink.arrivals()).toHaveLength(80);
});
