import { cpuTicksOfStat, ProcessCpuUnavailable } from '../../bench/process-cpu';

describe('cpuTicksOfStat', () => {
  it('adds user and system ticks, counting fields after a command name with spaces and parentheses', () => {
    // Given a /proc/<pid>/stat line whose command is "node (x) y", utime 250 and stime 40
    const stat =
      '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 40 0 0 20 0 11 0 123456 1000000 5000 18446744073709551615';
    // When / Then
    expect(cpuTicksOfStat(stat)).toBe(290);
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => cpuTicksOfStat('no such process')).toThrow(ProcessCpuUnavailable);
  });
});
