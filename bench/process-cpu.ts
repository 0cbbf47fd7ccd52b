// CPU time of another process on Linux, read from /proc: how the benchmark measures the traffic workers it did not start itself.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** /proc cannot be read (not Linux, or the process is gone). */
export class ProcessCpuUnavailable extends Error {
  override readonly name = 'ProcessCpuUnavailable';
}

/**
 * User + system clock ticks of a `/proc/<pid>/stat` line. The command name (field 2) may hold
 * spaces and parentheses, so the fields are counted from its last ")": utime and stime are fields
 * 14 and 15 of the line.
 */
export function cpuTicksOfStat(stat: string): number {
  const end = stat.lastIndexOf(')');
  if (end < 0) throw new ProcessCpuUnavailable(`not a /proc stat line: ${JSON.stringify(stat.slice(0, 80))}`);
  // After ")": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const fields = stat
    .slice(end + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime))
    throw new ProcessCpuUnavailable(`no utime/stime in the /proc stat line: ${JSON.stringify(stat.slice(0, 80))}`);
  return utime + stime;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on every common Linux). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU microseconds the process has used so far (resolution: one clock tick, 10 ms at 100 Hz). */
export async function processCpuMicros(pid: number): Promise<number> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    throw new ProcessCpuUnavailable(
      `cannot read the CPU time of process ${pid}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (cpuTicksOfStat(stat) * 1_000_000) / clockTicksPerSecond();
}
