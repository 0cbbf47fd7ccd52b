// A windowed run's timelines come back from the store before the report is built: every worker of every window, merged per second.
import type { ReportInput, RunConfig, TrafficResult, WindowLateness } from './contracts';
import { mergeTimelines, windowLateness } from './traffic-windows';
import type { TimelineKey, TimelineStore } from '../ports';

/**
 * The report input with the stored timelines of both phases filled in (a result that carries its
 * timeline keeps it), and each stored window's sends, read from its workers' timelines.
 */
export async function withStoredTimelines(input: ReportInput, store: TimelineStore): Promise<ReportInput> {
  const [baseline, experiment] = await Promise.all([
    fillWithWindows(input.baseline, input.config, store),
    fillWithWindows(input.experiment.traffic, input.config, store),
  ]);
  if (baseline.windows.length === 0 && experiment.windows.length === 0) return input;
  return {
    ...input,
    baseline: baseline.traffic,
    experiment: { ...input.experiment, traffic: experiment.traffic },
    windowLateness: [
      ...(baseline.windows.length > 0
        ? baseline.windows
        : [windowLateness(baseline.traffic.phase, 0, baseline.traffic.timeline)]),
      ...(experiment.windows.length > 0
        ? experiment.windows
        : [windowLateness(experiment.traffic.phase, 0, experiment.traffic.timeline)]),
    ],
  };
}

/** One phase's traffic with its windows' stored timelines filled in. */
export async function fill(traffic: TrafficResult, config: RunConfig, store: TimelineStore): Promise<TrafficResult> {
  return (await fillWithWindows(traffic, config, store)).traffic;
}

/** The same, with each stored window's sends. */
async function fillWithWindows(
  traffic: TrafficResult,
  config: RunConfig,
  store: TimelineStore,
): Promise<{ traffic: TrafficResult; windows: WindowLateness[] }> {
  if (traffic.timeline.length > 0 || traffic.windows === 0) return { traffic, windows: [] };
  const keys: TimelineKey[] = [];
  for (let window = 0; window < traffic.windows; window++) {
    for (let worker = 0; worker < config.trafficWorkers; worker++)
      keys.push({ runId: config.runId, phase: traffic.phase, window, worker });
  }
  const timelines = await store.getMany(keys);
  const windows = Array.from({ length: traffic.windows }, (_, window) =>
    windowLateness(traffic.phase, window, timelines.filter((_timeline, i) => keys[i].window === window).flat()),
  );
  return { traffic: { ...traffic, timeline: mergeTimelines(timelines) }, windows };
}
