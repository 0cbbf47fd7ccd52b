#!/usr/bin/env node
// The GameDay CDK app: the stack for the target named in the `gameday` context, checked by cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadGameDayConfig } from '../config';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../example-target';
import { GameDayStack } from '../stacks/gameday-stack';
import { GAMEDAY_STACK_ID } from '../synth';

const app = new App();
// Without a `gameday` context the app uses the EXAMPLE target (placeholder ARNs in account
// 123456789012, us-east-1) so that `cdk synth` works offline; never deploy it as it is.
const config = loadGameDayConfig(app.node, EXAMPLE_GAMEDAY_CONTEXT);
new GameDayStack(app, GAMEDAY_STACK_ID, { config });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
