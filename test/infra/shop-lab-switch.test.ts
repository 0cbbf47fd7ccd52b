// Switching the lab's build in either direction is one `cdk deploy --all`: no export the other build's GameDay imports ever vanishes.
import { Template } from 'aws-cdk-lib/assertions';
import { appFor } from './shop-lab-fixtures';

interface Synthesized {
  lab: Template;
  gameDay: Template;
}

function synthesize(context: Record<string, unknown>): Synthesized {
  const { lab, gameDay } = appFor(context);
  return { lab: Template.fromStack(lab!), gameDay: Template.fromStack(gameDay) };
}

const builds = { resilient: synthesize({}), fragile: synthesize({ enableDegradation: 'false' }) };

/** Every `Fn::ImportValue` name anywhere in a template. */
function importsOf(template: Template): string[] {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Fn::ImportValue' && typeof value === 'string') names.add(value);
        else walk(value);
      }
    }
  };
  walk(template.toJSON());
  return [...names];
}

function exportsOf(template: Template): string[] {
  const outputs = (template.toJSON().Outputs ?? {}) as Record<string, { Export?: { Name?: unknown } }>;
  return Object.values(outputs).flatMap((output) =>
    typeof output.Export?.Name === 'string' ? [output.Export.Name] : [],
  );
}

describe("switching the lab's build", () => {
  test.each([
    ['resilient', 'fragile'],
    ['fragile', 'resilient'],
  ] as const)('from %s to %s keeps every export the deployed GameDay imports', (from, to) => {
    // Given a GameDay deployed against the lab's `from` build
    const imported = importsOf(builds[from].gameDay);
    // When the lab is updated to the `to` build first (the GameDay depends on it)
    const exported = exportsOf(builds[to].lab);
    // Then CloudFormation finds every import still exported, so it accepts the lab's update
    expect(imported.length).toBeGreaterThan(0);
    expect(exported).toEqual(expect.arrayContaining(imported));
  });

  test('names the queues, which only one build has, instead of importing them', () => {
    // Given the resilient build
    const gameDay = builds.resilient.gameDay.toJSON();
    const names = Object.values(builds.resilient.lab.findResources('AWS::SQS::Queue')).map(
      (queue) => queue.Properties.QueueName as string,
    );
    // When the GameDay's references to the lab are read
    const imported = importsOf(builds.resilient.gameDay);
    // Then no import names a queue, and the lab's fixed queue names appear in the GameDay's template
    expect(imported.filter((name) => /Order(Queue|Dlq)/.test(name))).toEqual([]);
    for (const name of names) expect(JSON.stringify(gameDay)).toContain(`:${name}`);
  });
});
