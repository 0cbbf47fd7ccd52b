// Which writes of a worker's window were accepted, by id: a bitmap over their sequences, so the proof can name every one afterwards.
import type { AcceptedWriteSet } from './contracts';

export type { AcceptedWriteSet };

/** The ids of one worker's writes in one window start with this; the write's sequence follows. Stable, so the verify step can name them again. */
export function writeIdPrefix(runId: string, phase: string, window?: number, worker?: number): string {
  return window === undefined ? `${runId}-${phase}-` : `${runId}-${phase}-${window}-${worker ?? 0}-`;
}

/** Collects the accepted sequences of one schedule; it grows past its expected size (Poisson arrivals can send more). */
export class AcceptedWrites {
  private bits: Uint8Array;

  constructor(expectedWrites: number) {
    this.bits = new Uint8Array(Math.max(1, Math.ceil(expectedWrites / 8)));
  }

  add(sequence: number): void {
    const i = sequence - 1;
    if (i < 0) return;
    if (i >> 3 >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (i >> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[i >> 3] |= 1 << (i & 7);
  }

  encode(): string {
    return Buffer.from(this.bits).toString('base64');
  }
}

/** The accepted sequences of a set, in order. */
export function acceptedSequences(set: AcceptedWriteSet): number[] {
  const bits = Buffer.from(set.bitmap, 'base64');
  const out: number[] = [];
  for (let byte = 0; byte < bits.length; byte++) {
    if (bits[byte] === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (bits[byte] & (1 << bit)) out.push(byte * 8 + bit + 1);
  }
  return out;
}
