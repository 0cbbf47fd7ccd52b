// A lookup proof of a sample: 0 missing of `checked` sampled of `population` accepted writes, at 95 % confidence.
import type { WriteProof } from '../../steps/core/contracts';

export function sampledProof(population: number, checked: number, lostUpperBoundPercent: number): WriteProof {
  return {
    method: 'lookup',
    population,
    checked,
    sampled: true,
    missing: 0,
    pending: 0,
    duplicated: 0,
    confidencePercent: 95,
    lostUpperBoundPercent,
    examples: [],
    lookups: checked,
  };
}
