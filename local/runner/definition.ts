// Turns the synthesized CloudFormation template into a runnable state machine definition.
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** CloudFormation template, as much of it as the runner reads. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export class DefinitionResolutionError extends Error {
  override readonly name = 'DefinitionResolutionError';
}

/** What the runner knows of the synthesized GameDay: the definition and its step functions. */
export interface ResolvedGameDay {
  definition: StateMachineDefinition;
  /** Local Lambda ARN -> step key (`traffic`, `report`, ...), from each function's GAMEDAY_STEP. */
  stepsByFunctionArn: Map<string, string>;
  stateMachineArn: string;
}

/**
 * Resolves the intrinsics of the GameDay state machine's DefinitionString: `Ref` and `Fn::GetAtt`
 * to this template's resources get local names, pseudo parameters get the local account and region.
 * Anything it cannot resolve is an error: a definition with a hole in it must not run.
 */
export function resolveGameDayDefinition(
  template: CfnTemplate,
  resourceNames: Record<string, string> = {},
): ResolvedGameDay {
  const resources = template.Resources ?? {};
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const gameday = machines.find(([id]) => /GameDay/i.test(id)) ?? machines[0];
  if (!gameday) throw new DefinitionResolutionError('the template has no AWS::StepFunctions::StateMachine');
  const [machineId, machine] = gameday;

  const stepsByFunctionArn = new Map<string, string>();
  const physicalIds = new Map<string, { ref: string; arn: string }>();
  const stepOf = (resource: { Properties?: Record<string, unknown> }): string | undefined => {
    const env =
      (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    return typeof env.GAMEDAY_STEP === 'string' ? env.GAMEDAY_STEP : undefined;
  };
  // A step may run in more than one function (the traffic step's sizes): each keeps a name of its own.
  const functionsOfStep = new Map<string, number>();
  for (const resource of Object.values(resources)) {
    const step = resource.Type === 'AWS::Lambda::Function' ? stepOf(resource) : undefined;
    if (step) functionsOfStep.set(step, (functionsOfStep.get(step) ?? 0) + 1);
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      const stepKey = stepOf(resource);
      const step = stepKey ?? id;
      const name = (functionsOfStep.get(step) ?? 0) > 1 ? `gameday-${step}-${id}` : `gameday-${step}`;
      const arn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
      if (stepKey) stepsByFunctionArn.set(arn, stepKey);
      physicalIds.set(id, { ref: name, arn });
    } else {
      const name = resourceNames[id] ?? id;
      physicalIds.set(id, { ref: name, arn: `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}/${name}` });
    }
  }
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${machineId}`;

  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null)
      return value;
    if (Array.isArray(value)) return value.map(resolve);
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && keys[0] === 'Ref') return resolveRef(String(object.Ref));
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      const physical = physicalIds.get(id);
      if (!physical) throw new DefinitionResolutionError(`Fn::GetAtt names an unknown resource ${id}`);
      if (attribute === 'Arn') return physical.arn;
      throw new DefinitionResolutionError(`Fn::GetAtt ${id}.${attribute} has no local value`);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => String(resolve(part))).join(separator);
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::'))
      throw new DefinitionResolutionError(`${keys[0]} is not supported in the local definition`);
    return Object.fromEntries(keys.map((key) => [key, resolve(object[key])]));
  };
  const resolveRef = (ref: string): string => {
    switch (ref) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      default: {
        const physical = physicalIds.get(ref);
        if (!physical) throw new DefinitionResolutionError(`Ref names an unknown resource or parameter ${ref}`);
        return physical.ref;
      }
    }
  };

  const raw = resolve(machine.Properties?.DefinitionString);
  if (typeof raw !== 'string') throw new DefinitionResolutionError('the state machine has no DefinitionString');
  return { definition: JSON.parse(raw) as StateMachineDefinition, stepsByFunctionArn, stateMachineArn };
}

/** Every Task state of the definition, including those inside Parallel branches and Map processors. */
export function taskStates(
  definition: StateMachineDefinition,
): Array<{ name: string; resource: string; parameters: Record<string, unknown> }> {
  const found: Array<{ name: string; resource: string; parameters: Record<string, unknown> }> = [];
  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task')
        found.push({
          name,
          resource: String(state.Resource),
          parameters: (state.Parameters ?? {}) as Record<string, unknown>,
        });
      for (const branch of (state.Branches ?? []) as Array<{ States: Record<string, Record<string, unknown>> }>)
        walk(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as
        { States: Record<string, Record<string, unknown>> } | undefined;
      if (processor) walk(processor.States);
    }
  };
  walk((definition as unknown as { States: Record<string, Record<string, unknown>> }).States);
  return found;
}
