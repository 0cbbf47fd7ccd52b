// A clock whose time moves only when the code under test sleeps, so schedules can be checked exactly.
import type { Clock } from '../../../steps/ports';

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current = 1_800_000_000_000) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
    // Let answers already on their way settle, as real time would.
    await new Promise((resolve) => setImmediate(resolve));
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
