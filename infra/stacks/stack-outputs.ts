// A stack's outputs, declared as one table: each output's name, its value and what it is.
import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** One output of a stack: its value and what it is. */
export interface StackOutput {
  readonly value: string;
  readonly description: string;
}

/** A CfnOutput in `scope` for each entry, in the table's order; the key is the output's name, which readers look up. */
export function addStackOutputs(scope: Construct, outputs: Readonly<Record<string, StackOutput>>): void {
  for (const [name, output] of Object.entries(outputs)) new CfnOutput(scope, name, output);
}
