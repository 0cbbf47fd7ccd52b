// Draws the synthesized GameDay state machine as Mermaid, for the README and docs/state-machine.md.
// Run `npx tsx test/support/state-machine-diagram.ts` to rewrite both; a unit test fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { synthesizeGameDay } from '../../infra/synth';
import { type CfnTemplate, resolveGameDayDefinition } from '../../local/runner/definition';
import { localGameDayConfig } from '../../local/runner/local-config';
import { runnerView } from '../../local/runner/synth-cache';
import { phaseOfState } from '../../steps/core/state-phases';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const README = path.join(PROJECT_ROOT, 'README.md');
export const STATE_MACHINE_PAGE = path.join(PROJECT_ROOT, 'docs', 'state-machine.md');
export const BEGIN_MARKER =
  '<!-- state-machine-diagram:begin (generated: npx tsx test/support/state-machine-diagram.ts) -->';
export const END_MARKER = '<!-- state-machine-diagram:end -->';

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly End?: boolean;
  readonly Choices?: ReadonlyArray<{ readonly Next: string }>;
  readonly Catch?: ReadonlyArray<{ readonly Next: string }>;
  readonly Branches?: readonly Workflow[];
}

export interface Workflow {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

/** The state machine the local runner runs: the GameDay stack synthesized for the lab, resolved as the runner resolves it. */
export function localDefinition(): Workflow {
  const lab = {
    shopUrl: 'http://127.0.0.1:8787/',
    queues: {
      queueUrl: 'http://127.0.0.1:8789/000000000000/orders',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      dlqUrl: 'http://127.0.0.1:8789/000000000000/orders-dlq',
      dlqArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq',
    },
  };
  const template = synthesizeGameDay(localGameDayConfig(lab as Parameters<typeof localGameDayConfig>[0]))
    .template as CfnTemplate;
  return resolveGameDayDefinition(runnerView(template)).definition;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

function successors(state: State): Array<{ to: string; label?: string }> {
  return [
    ...(state.Next ? [{ to: state.Next }] : []),
    ...(state.Choices ?? []).map((choice) => ({ to: choice.Next })),
    ...(state.Default ? [{ to: state.Default }] : []),
    ...(state.Catch ?? []).map((handler) => ({ to: handler.Next, label: 'Catch' })),
  ];
}

const isEnding = (state: State): boolean => state.Type === 'Succeed' || state.Type === 'Fail';

function addEdge(edges: Edge[], edge: Edge): void {
  if (edge.from === edge.to && edge.label === undefined) return;
  if (!edges.some((e) => e.from === edge.from && e.to === edge.to && e.label === edge.label)) edges.push(edge);
}

/**
 * The runbook's phases as one picture: every state stands for its phase (a state of no phase, such
 * as an ending, for itself), Map iterations are collapsed into their Map, and a Parallel's Catch
 * applies to every state of its branches.
 */
export function phaseDiagram(workflow: Workflow): string {
  const nodeOf = (name: string): string => phaseOfState(name) ?? name;
  const edges: Edge[] = [{ from: '[*]', to: nodeOf(workflow.StartAt) }];
  const walk = (states: Readonly<Record<string, State>>, parallel?: { next?: string; catches: string[] }): void => {
    for (const [name, state] of Object.entries(states)) {
      // A Parallel goes on from its branches' ends, drawn below: its own Next would skip them.
      const nexts = state.Branches ? successors(state).filter((next) => next.label === 'Catch') : successors(state);
      for (const next of nexts) addEdge(edges, { from: nodeOf(name), to: nodeOf(next.to) });
      if (parallel) for (const target of parallel.catches) addEdge(edges, { from: nodeOf(name), to: nodeOf(target) });
      if (parallel?.next && state.End) addEdge(edges, { from: nodeOf(name), to: nodeOf(parallel.next) });
      if (isEnding(state) && !parallel) addEdge(edges, { from: nodeOf(name), to: '[*]' });
      for (const branch of state.Branches ?? []) {
        addEdge(edges, { from: nodeOf(name), to: nodeOf(branch.StartAt) });
        walk(branch.States, { next: state.Next, catches: (state.Catch ?? []).map((handler) => handler.Next) });
      }
    }
  };
  walk(workflow.States);
  return mermaid(edges.map((edge) => `    ${edge.from} --> ${edge.to}`));
}

/** Every state, a Parallel drawn as a composite state with its branches, each Map collapsed into one state. */
export function fullDiagram(workflow: Workflow): string {
  const lines: string[] = [];
  const draw = (flow: Workflow, indent: string): void => {
    lines.push(`${indent}[*] --> ${flow.StartAt}`);
    for (const [name, state] of Object.entries(flow.States)) {
      for (const next of successors(state))
        lines.push(`${indent}${name} --> ${next.to}${next.label ? `: ${next.label}` : ''}`);
      if (state.End || isEnding(state)) lines.push(`${indent}${name} --> [*]`);
      if (state.Branches) {
        lines.push(`${indent}state ${name} {`);
        state.Branches.forEach((branch, index) => {
          if (index > 0) lines.push(`${indent}    --`);
          draw(branch, `${indent}    `);
        });
        lines.push(`${indent}}`);
      }
    }
  };
  draw(workflow, '    ');
  return mermaid(lines);
}

function mermaid(lines: readonly string[]): string {
  return ['```mermaid', 'stateDiagram-v2', ...lines, '```'].join('\n');
}

/** The README's block between the markers, as the generator writes it. */
export function readmeBlock(workflow: Workflow): string {
  return [BEGIN_MARKER, phaseDiagram(workflow), END_MARKER].join('\n');
}

/** docs/state-machine.md, whole. */
export function stateMachinePage(workflow: Workflow): string {
  return [
    '# The state machine, state by state',
    '',
    'Generated from the definition the local runner synthesizes (`npx tsx test/support/state-machine-diagram.ts`',
    'rewrites it; `test/docs/state-machine-diagram.test.ts` fails when it drifts). Each Map state (one traffic',
    'window, its workers inside) is drawn as one state; the Parallel `Experiment` holds the fault branch. The',
    "runbook's phases in one picture are in the [README](../README.md); the steps are described in",
    '[experiment.md](experiment.md).',
    '',
    fullDiagram(workflow),
    '',
  ].join('\n');
}

/** The README's text between its markers (markers included), or undefined when it has none. */
export function readmeDiagramOf(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin < 0 || end < begin) return undefined;
  return readme.slice(begin, end + END_MARKER.length);
}

if (require.main === module) {
  const workflow = localDefinition();
  const readme = readFileSync(README, 'utf8');
  const current = readmeDiagramOf(readme);
  if (current === undefined) throw new Error(`${README} has no ${BEGIN_MARKER} ... ${END_MARKER} block`);
  writeFileSync(README, readme.replace(current, readmeBlock(workflow)));
  writeFileSync(STATE_MACHINE_PAGE, stateMachinePage(workflow));
}
