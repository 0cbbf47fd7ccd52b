#!/usr/bin/env node
// The GameDay CDK app: the Chaos Shop lab and a GameDay wired to it, or a GameDay against the target in the `gameday` context; checked by cdk-nag.
import { buildApp, InvalidAppContext } from '../app';

try {
  buildApp();
} catch (error) {
  // Every problem of the context at once, without a stack trace around it.
  if (!(error instanceof InvalidAppContext)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
