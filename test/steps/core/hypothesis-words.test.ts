// The judge speaks of a target in its own classes; the Chaos Shop keeps the seed's words.
import type { ReportInput } from '../../../steps/core/contracts';
import { buildReport } from '../../../steps/core/report';
import exampleProfile from '../../../examples/reservations/profile.json';
import { labelsOf, parseTargetProfile } from '../../../steps/core/target-profile';
import { config, passingRun } from '../support/builders';
import { sampledProof } from '../../support/sampled-proof';

const EXAMPLE_LABELS = labelsOf(parseTargetProfile(exampleProfile));

/** The resilient run of the builders, against the example service, its 62 accepted writes proven by a sample of 50. */
function exampleRun(): ReportInput {
  const input = passingRun();
  input.config = config({ outageSeconds: 20, recoverySeconds: 10 });
  input.target = { proxyName: 'proxy', profile: 'reservations', labels: EXAMPLE_LABELS };
  input.orders = {
    ...input.orders,
    proof: sampledProof(62, 50, 5.8),
  };
  return input;
}

describe("the hypothesis in the target's words", () => {
  it('names the example service’s classes and the sample, never the cache, the queue or every order', () => {
    // When the run against the example service is judged
    const { verdict, reasons, report } = buildReport(exampleRun());
    // Then it passed, and its summary speaks of STALE reads, PENDING writes and the sample with its bound
    expect(verdict).toBe('passed');
    const summary = reasons[0];
    expect(summary).toContain('60 reads STALE and 20 writes PENDING, no request failed');
    expect(summary).toContain(
      'a uniform sample of the accepted writes recorded once: 0 missing of 50 sampled of 62 accepted writes looked up: at 95 % confidence fewer than 5.8 % lost',
    );
    expect(summary).not.toMatch(/cache|queued|all \d+ accepted orders/);
    // And the checks have the target's titles and details
    const checks = Object.fromEntries(report.hypothesis.checks.map((c) => [c.id, c]));
    expect(checks.restored.title).toBe('the service serves LIVE again');
    expect(checks.drainedOnce.title).toBe('every accepted write recorded once');
    expect(checks.servedDuringOutage.detail).toBe('60 reads STALE and 20 writes PENDING; 0 reads and 0 writes failed');
    expect(checks.drainedOnce.detail).toMatch(/^62 accepted writes, 50 of them sampled: /);
    expect(checks.faultBit.detail).toMatch(/answered without the database \(STALE, PENDING or failed\)$/);
  });

  it('counts lost writes in the target’s words and accepting answers', () => {
    // Given the same run with 3 of its writes never recorded
    const input = exampleRun();
    input.orders = { ...input.orders, lost: 3, committed: input.orders.committed - 3 };
    // When judged
    const { verdict, reasons } = buildReport(input);
    // Then it failed, naming lost writes accepted as CONFIRMED or PENDING
    expect(verdict).toBe('failed');
    expect(reasons).toContainEqual(expect.stringMatching(/^3 writes lost: \d+ accepted \(CONFIRMED\/PENDING\)/));
  });

  it('keeps the seed’s words for the Chaos Shop, whose labels are the seed’s', () => {
    // Given the resilient run against the Chaos Shop
    const input = passingRun();
    input.config = config({ outageSeconds: 20, recoverySeconds: 10 });
    // When judged
    const { reasons, report } = buildReport(input);
    // Then it speaks of the cache, the queue and every accepted order
    expect(reasons[0]).toMatch(
      /60 reads served from cache and 20 orders queued, no request failed; all 62 accepted orders recorded/,
    );
    expect(report.hypothesis.checks.map((c) => c.title)).toContain('the shop serves from the database again');
  });
});
