// Resident memory of a process tree on Linux, read from /proc: the bench's peak RSS and its soak.
import { readdir, readFile } from 'node:fs/promises';

/** What a process is to the GameDay, from its command line. */
export type ProcessRole = 'runner and lab' | 'sqs emulator' | 'traffic worker' | 'traffic child' | 'other';

export interface ProcessMemory {
  pid: number;
  role: ProcessRole;
  /** Resident now (VmRSS) and at its highest so far (VmHWM), in KiB. */
  rssKb: number;
  hwmKb: number;
}

/** The fields of a `/proc/<pid>/status` file the sampler reads; null when one is missing (a kernel thread, a zombie). */
export function parseStatus(status: string): { ppid: number; rssKb: number; hwmKb: number } | null {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  };
  const ppid = field('PPid');
  const rssKb = field('VmRSS');
  const hwmKb = field('VmHWM');
  return ppid === null || rssKb === null || hwmKb === null ? null : { ppid, rssKb, hwmKb };
}

/** The role of a process by its NUL-separated command line; the tree's root is the runner and its lab. */
export function roleOf(cmdline: string, isRoot: boolean): ProcessRole {
  if (isRoot) return 'runner and lab';
  if (cmdline.includes('sqs-emulator-process')) return 'sqs emulator';
  if (cmdline.includes('traffic-worker-process')) return 'traffic worker';
  if (cmdline.includes('traffic-child')) return 'traffic child';
  return 'other';
}

/** `root` and every process descended from it, with their memory; processes that end while being read are left out. */
export async function processTreeMemory(root: number = process.pid): Promise<ProcessMemory[]> {
  const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const statuses = await Promise.all(
    entries.map(async (name) => {
      const parsed = parseStatus(await readFile(`/proc/${name}/status`, 'utf8').catch(() => ''));
      return parsed ? { pid: Number(name), ...parsed } : null;
    }),
  );
  const children = new Map<number, number[]>();
  const byPid = new Map<number, { ppid: number; rssKb: number; hwmKb: number }>();
  for (const s of statuses) {
    if (!s) continue;
    byPid.set(s.pid, s);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  }
  const tree: ProcessMemory[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    const s = byPid.get(pid);
    if (!s) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    tree.push({ pid, role: roleOf(cmdline, pid === root), rssKb: s.rssKb, hwmKb: s.hwmKb });
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface MemorySample {
  /** Milliseconds since the sampler started. */
  t: number;
  /** Sum of VmRSS over the tree, MB (10^6 bytes). */
  totalMb: number;
  byRoleMb: Partial<Record<ProcessRole, number>>;
  processes: number;
  /** When the tree's root is this process: its JavaScript heap and ArrayBuffers (PGlite's memory among them), MB. */
  rootHeapMb?: number;
  rootArrayBuffersMb?: number;
}

const mb = (kb: number) => Math.round((kb * 1024) / 1e5) / 10;

/** One sample of the tree: RSS summed, and per role. */
export async function sampleTree(root: number, sinceMs: number): Promise<MemorySample> {
  const tree = await processTreeMemory(root);
  const byRole: Partial<Record<ProcessRole, number>> = {};
  for (const p of tree) byRole[p.role] = (byRole[p.role] ?? 0) + p.rssKb;
  return {
    t: Date.now() - sinceMs,
    totalMb: mb(tree.reduce((sum, p) => sum + p.rssKb, 0)),
    byRoleMb: Object.fromEntries(Object.entries(byRole).map(([role, kb]) => [role, mb(kb)])),
    processes: tree.length,
    ...(root === process.pid
      ? {
          rootHeapMb: mb(process.memoryUsage().heapUsed / 1024),
          rootArrayBuffersMb: mb(process.memoryUsage().arrayBuffers / 1024),
        }
      : {}),
  };
}

export interface SampledPeak {
  samples: MemorySample[];
  /** The highest summed RSS of any one sample. */
  peakMb: number;
  /** Each role's highest RSS over the samples (not necessarily at the same moment). */
  peakByRoleMb: Partial<Record<ProcessRole, number>>;
}

/** The peak of a series of samples, summed and per role. */
export function peakOf(samples: readonly MemorySample[]): SampledPeak {
  const peakByRoleMb: Partial<Record<ProcessRole, number>> = {};
  for (const s of samples)
    for (const [role, value] of Object.entries(s.byRoleMb) as Array<[ProcessRole, number]>)
      peakByRoleMb[role] = Math.max(peakByRoleMb[role] ?? 0, value);
  return { samples: [...samples], peakMb: Math.max(0, ...samples.map((s) => s.totalMb)), peakByRoleMb };
}

/** Samples the tree every `intervalMs` until stopped; stop() resolves with every sample taken. */
export function startSampling(
  intervalMs: number,
  root: number = process.pid,
): { readonly sinceMs: number; stop(): Promise<MemorySample[]> } {
  const since = Date.now();
  const samples: MemorySample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await sampleTree(root, since));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    sinceMs: since,
    async stop() {
      running = false;
      await loop;
      samples.push(await sampleTree(root, since));
      return samples;
    },
  };
}

/**
 * Growth of the mean summed RSS from the first `minutes` of samples to the last `minutes`, in
 * percent of the first; null when either span holds no sample.
 */
export function growthPercent(samples: readonly MemorySample[], minutes: number): number | null {
  if (samples.length === 0) return null;
  const span = minutes * 60_000;
  const end = samples[samples.length - 1].t;
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  const first = mean(samples.filter((s) => s.t <= samples[0].t + span).map((s) => s.totalMb));
  const last = mean(samples.filter((s) => s.t >= end - span).map((s) => s.totalMb));
  return first === null || last === null || first === 0 ? null : ((last - first) / first) * 100;
}
