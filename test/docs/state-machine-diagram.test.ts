// The README's picture of the state machine and docs/state-machine.md are what the synthesized definition draws.
import { readFileSync } from 'node:fs';
import {
  localDefinition,
  phaseDiagram,
  README,
  readmeBlock,
  readmeDiagramOf,
  STATE_MACHINE_PAGE,
  stateMachinePage,
  type Workflow,
} from '../support/state-machine-diagram';

const REGENERATE = 'run `npx tsx test/support/state-machine-diagram.ts` and commit the result';

describe('the state machine pictures', () => {
  const workflow = localDefinition();

  test('the README holds the phase diagram of the synthesized definition', () => {
    // Given the definition the local runner synthesizes
    // When its phase diagram is drawn and the README's block is read
    const current = readmeDiagramOf(readFileSync(README, 'utf8'));

    // Then they are the same
    expect({ current, hint: REGENERATE }).toEqual({ current: readmeBlock(workflow), hint: REGENERATE });
  });

  test('docs/state-machine.md holds every state of the synthesized definition', () => {
    // Given the definition the local runner synthesizes
    // When its full diagram is drawn and the page is read
    const current = readFileSync(STATE_MACHINE_PAGE, 'utf8');

    // Then they are the same
    expect({ current, hint: REGENERATE }).toEqual({ current: stateMachinePage(workflow), hint: REGENERATE });
  });
});

describe('phaseDiagram', () => {
  const workflow: Workflow = {
    StartAt: 'ValidateInput',
    States: {
      ValidateInput: { Type: 'Task', Next: 'StartBaseline', Catch: [{ Next: 'Aborted' }] },
      StartBaseline: { Type: 'Pass', Next: 'Experiment' },
      Experiment: {
        Type: 'Parallel',
        Next: 'StartDrain',
        Catch: [{ Next: 'RollbackRegister' }],
        Branches: [
          {
            StartAt: 'Deregister',
            States: {
              Deregister: { Type: 'Task', Next: 'Register' },
              Register: { Type: 'Task', Next: 'StartRecovery' },
              StartRecovery: { Type: 'Pass', End: true },
            },
          },
        ],
      },
      StartDrain: { Type: 'Pass', Next: 'Passed' },
      RollbackRegister: { Type: 'Task', Next: 'RolledBack' },
      RolledBack: { Type: 'Fail' },
      Passed: { Type: 'Succeed' },
      Aborted: { Type: 'Fail' },
    },
  };

  test('draws one node per phase, a Parallel continued from its branch ends and caught from each of its states', () => {
    // Given a workflow whose Parallel holds the outage, the restore and the recovery
    // When its phases are drawn
    const lines = phaseDiagram(workflow).split('\n');

    // Then each phase is one node, the recovery leads to the drain, and each phase of the branch may roll back
    expect(lines).toEqual([
      '```mermaid',
      'stateDiagram-v2',
      '    [*] --> preflight',
      '    preflight --> baseline',
      '    preflight --> Aborted',
      '    baseline --> outage',
      '    outage --> rollback',
      '    outage --> restoring',
      '    restoring --> recovery',
      '    restoring --> rollback',
      '    recovery --> rollback',
      '    recovery --> drain',
      '    drain --> Passed',
      '    rollback --> [*]',
      '    Passed --> [*]',
      '    Aborted --> [*]',
      '```',
    ]);
  });
});
