// Every path of the synthesized definition from a fault's inject step reaches that fault's restore step.
import { type AslDefinition, type AslState, definitionOf, templateOf } from './fixtures';

const definition = definitionOf(templateOf());

/**
 * The edges of the top-level states and of the Parallel's branch: Next, Default, every Choice rule, every
 * Catch. A branch state may also fail (the Parallel's Catch takes it), and its last one leaves by the Parallel's Next.
 * A Map's inner states are left out: whatever they do ends the Map, which is a branch state itself.
 */
function graph(facts: Facts): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  const outOf = (state: AslState): string[] => [
    ...[state.Next].filter((n): n is string => typeof n === 'string'),
    ...choicesTaken(state, facts),
    ...((state.Catch ?? []) as Array<{ Next: string }>).map((c) => c.Next),
  ];
  for (const [name, state] of Object.entries(definition.States)) {
    edges.set(name, outOf(state));
    for (const branch of (state.Branches ?? []) as AslDefinition[]) {
      const caughtByParallel = ((state.Catch ?? []) as Array<{ Next: string }>).map((c) => c.Next);
      const afterParallel = typeof state.Next === 'string' ? [state.Next] : [];
      for (const [inner, innerState] of Object.entries(branch.States)) {
        // Any branch state may fail; only a branch's last state leaves the Parallel by its Next.
        edges.set(inner, [
          ...outOf(innerState),
          ...caughtByParallel,
          ...(innerState.End === true ? afterParallel : []),
        ]);
      }
    }
  }
  return edges;
}

/** What a run that reached an inject step is known to have: no dry run, and its fault. */
type Facts = Readonly<Record<string, string | boolean>>;

interface Rule {
  Next?: string;
  Variable?: string;
  BooleanEquals?: boolean;
  StringEquals?: string;
  IsPresent?: boolean;
  And?: Rule[];
}

/** true / false for a rule on known facts only, undefined when it tests anything else. */
function holds(rule: Rule, facts: Facts): boolean | undefined {
  if (rule.And) {
    const parts = rule.And.map((r) => holds(r, facts));
    if (parts.includes(false)) return false;
    return parts.every((p) => p === true) ? true : undefined;
  }
  if (rule.Variable === undefined || !(rule.Variable in facts)) return undefined;
  const value = facts[rule.Variable];
  if (rule.IsPresent !== undefined) return rule.IsPresent;
  if (rule.BooleanEquals !== undefined) return value === rule.BooleanEquals;
  if (rule.StringEquals !== undefined) return value === rule.StringEquals;
  return undefined;
}

/** The Choice's targets a run with these facts may take: rules in order, stopping at the first that surely holds. */
function choicesTaken(state: AslState, facts: Facts): string[] {
  if (state.Type !== 'Choice') return [];
  const taken: string[] = [];
  for (const rule of (state.Choices ?? []) as Rule[]) {
    const result = holds(rule, facts);
    if (result === false) continue;
    taken.push(rule.Next as string);
    if (result === true) return taken;
  }
  return typeof state.Default === 'string' ? [...taken, state.Default] : taken;
}

/** The states reachable from `start` without passing through one of `restores`, that end the run. */
function endingsWithoutRestore(start: string, restores: readonly string[], facts: Facts): string[] {
  const edges = graph(facts);
  const seen = new Set<string>();
  const queue = [start];
  const endings: string[] = [];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name) || restores.includes(name)) continue;
    seen.add(name);
    const state = definition.States[name];
    if (state && (state.Type === 'Fail' || state.Type === 'Succeed' || state.End === true)) endings.push(name);
    queue.push(...(edges.get(name) ?? []));
  }
  return endings;
}

describe('the paths from a fault to its restore', () => {
  it.each([
    ['pool-brownout', 'ClampPool', ['RestorePool', 'RollbackRestorePool']],
    ['deregister', 'Deregister', ['Register', 'RollbackRegister']],
    // Nothing to put back: the "is it back?" reads of the cluster, on the normal path and on the rollback's.
    ['writer-failover', 'FailoverCluster', ['DescribeClusterAfterFailover', 'RollbackDescribeCluster']],
  ])('every path of a %s run from %s reaches one of %j before the run ends', (fault, inject, restores) => {
    // Given the synthesized definition, its inject step, and what a run that reached it is known to have
    const facts = { '$.config.dryRun': false, '$.config.fault': fault };
    expect(graph(facts).has(inject)).toBe(true);
    // When every path from the inject step is followed (Catch paths too) until it restores
    const endings = endingsWithoutRestore(inject, restores, facts);
    // Then none ends the run without passing through a restore
    expect(endings).toEqual([]);
  });

  it('finds the ending of a path that skips a restore, so the walk can fail', () => {
    // Given the brownout's inject step, with only the normal restore counted
    const facts = { '$.config.dryRun': false, '$.config.fault': 'pool-brownout' };
    // When the walk follows the Catch too
    const endings = endingsWithoutRestore('ClampPool', ['RestorePool'], facts);
    // Then the rollback's ending is found: the walk sees the Catch paths
    expect(endings).toContain('RolledBack');
  });

  it("finds that a failover's rollback would end the run without its cluster read, were it not counted", () => {
    // Given the failover's inject step, with only the normal path's cluster read counted
    const facts = { '$.config.dryRun': false, '$.config.fault': 'writer-failover' };
    // When the walk follows the Catch to the rollback
    // Then it finds an ending: the rollback's wait is what brings a caught failover to its cluster read
    expect(endingsWithoutRestore('FailoverCluster', ['DescribeClusterAfterFailover'], facts)).toContain('RolledBack');
  });

  it("finds that a brownout would skip the deregister's restore, so the Choices are read", () => {
    // Given the brownout's inject step, with only the deregister's restores counted
    const facts = { '$.config.dryRun': false, '$.config.fault': 'pool-brownout' };
    // When the walk follows the fault's Choices
    // Then it ends without them: the Choice on the fault sends a brownout its own way
    expect(endingsWithoutRestore('ClampPool', ['Register', 'RollbackRegister'], facts).length).toBeGreaterThan(0);
  });
});
