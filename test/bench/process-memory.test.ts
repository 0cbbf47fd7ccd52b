// Reading resident memory from /proc and judging a soak's growth.
import { growthPercent, parseStatus, peakOf, roleOf, type MemorySample } from '../../bench/process-memory';

const STATUS = [
  'Name:\tnode',
  'State:\tS (sleeping)',
  'PPid:\t4242',
  'VmPeak:\t 1200000 kB',
  'VmHWM:\t  812000 kB',
  'VmRSS:\t  790500 kB',
  'Threads:\t11',
].join('\n');

function sample(t: number, totalMb: number, byRoleMb: MemorySample['byRoleMb'] = {}): MemorySample {
  return { t, totalMb, byRoleMb, processes: 1 };
}

describe('parseStatus', () => {
  it('reads the parent, the resident set and its high-water mark', () => {
    expect(parseStatus(STATUS)).toEqual({ ppid: 4242, rssKb: 790500, hwmKb: 812000 });
  });

  it('gives null for a process with no memory fields (a kernel thread)', () => {
    expect(parseStatus('Name:\tkthreadd\nPPid:\t0\n')).toBeNull();
  });
});

describe('roleOf', () => {
  it('names the processes of a local GameDay by their command lines', () => {
    const cmd = (...args: string[]) => args.join('\0');
    expect(roleOf(cmd('node', '/repo/local/sqs-emulator-process.mjs'), false)).toBe('sqs emulator');
    expect(roleOf(cmd('node', '--import', 'tsx', '/repo/local/traffic-worker-process.ts'), false)).toBe(
      'traffic worker',
    );
    expect(roleOf(cmd('node', '/repo/cli/bin/gameday.ts'), true)).toBe('runner and lab');
    expect(roleOf(cmd('sh', '-c', 'getconf CLK_TCK'), false)).toBe('other');
  });
});

describe('peakOf', () => {
  it('takes the highest summed sample, and each role at its own highest', () => {
    const peak = peakOf([
      sample(0, 900, { 'runner and lab': 800, 'traffic worker': 100 }),
      sample(1, 950, { 'runner and lab': 780, 'traffic worker': 170 }),
    ]);
    expect(peak.peakMb).toBe(950);
    expect(peak.peakByRoleMb).toEqual({ 'runner and lab': 800, 'traffic worker': 170 });
  });
});

describe('growthPercent', () => {
  it('compares the mean of the first span with the mean of the last', () => {
    // Given samples every minute for 20 minutes: 1000 MB for the first five, 1040 MB for the last five
    const samples = Array.from({ length: 21 }, (_, minute) =>
      sample(minute * 60_000, minute <= 5 ? 1000 : minute >= 15 ? 1040 : 1020),
    );
    // When / Then growth is 4 %
    expect(growthPercent(samples, 5)).toBeCloseTo(4, 9);
  });

  it('is null with no sample', () => {
    expect(growthPercent([], 5)).toBeNull();
  });
});
