import { MB_PER_VCPU, memoryForRate, trafficSizing } from '../../bench/sizing';

describe('memoryForRate', () => {
  it('asks for twice the CPU the rate uses, as memory at the size of one vCPU', () => {
    // Given 100 requests a second at 1 ms each: 0.1 vCPU busy, 0.2 vCPU with the headroom
    // When / Then: 0.2 x 1,769 MB = 353.8 MB, rounded up to a 64 MB step
    expect(memoryForRate(100, 1000)).toBe(384);
  });

  it('never asks for less than the smallest Lambda', () => {
    expect(memoryForRate(1, 10)).toBe(128);
  });

  it('asks for a full vCPU when the rate would keep half a vCPU busy', () => {
    // Given 500/s at 1 ms: half a vCPU / Then a whole one, rounded up to the step
    expect(memoryForRate(500, 1000)).toBeGreaterThanOrEqual(MB_PER_VCPU);
    expect(memoryForRate(500, 1000)).toBeLessThan(MB_PER_VCPU + 64);
  });

  it('refuses a rate or a CPU cost that is not positive', () => {
    expect(() => memoryForRate(0, 1000)).toThrow(RangeError);
    expect(() => memoryForRate(100, 0)).toThrow(RangeError);
  });
});

describe('trafficSizing', () => {
  const trial = (cpuMicrosPerRequest: number | null) => ({
    offeredRps: 300,
    achievedRps: 300,
    errorPercent: 0,
    cpuMicrosPerRequest,
  });
  const size = (name: string, perWorkerRps: number, configuredMemoryMb: number) => ({
    size: name,
    perWorkerRps,
    configuredMemoryMb,
  });

  it('sizes from the median trial and says whether the configured memory holds it', () => {
    // Given three trials at 900, 1,000 and 5,000 us a request, 100/s to hold
    const sizing = trafficSizing([trial(900), trial(5000), trial(1000)], [size('small', 100, 256)], 300);
    // Then the median, 1,000 us, asks for 384 MB: 256 MB does not hold it
    expect(sizing.cpuMicrosPerRequest).toBe(1000);
    expect(sizing.sizes).toEqual([
      { size: 'small', perWorkerRps: 100, neededMemoryMb: 384, configuredMemoryMb: 256, holds: false },
    ]);
  });

  it('holds when the configured memory is at least what is needed', () => {
    expect(trafficSizing([trial(1000)], [size('small', 100, 384)], 300).sizes[0].holds).toBe(true);
  });

  it('judges each size at its own rate against the same CPU per request', () => {
    // Given 1,000 us a request, a small size at 100/s in 384 MB and a large one at 500/s in 1,792 MB
    const sizing = trafficSizing([trial(1000)], [size('small', 100, 384), size('large', 500, 1792)], 300);
    // Then the large one needs a full vCPU (rounded up to 1,792 MB): both hold
    expect(sizing.sizes.map((v) => [v.size, v.neededMemoryMb, v.holds])).toEqual([
      ['small', 384, true],
      ['large', 1792, true],
    ]);
  });

  it('says nothing when no trial could read its CPU', () => {
    expect(trafficSizing([trial(null)], [size('small', 100, 256)], 300).sizes[0]).toMatchObject({
      neededMemoryMb: null,
      holds: null,
    });
  });
});
