// The CDK app in one of its two modes: the Chaos Shop lab with a GameDay wired to it, or a GameDay against your own system.
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DEFAULT_ALLOW_TAG,
  GAMEDAY_CONTEXT_KEY,
  type GameDayConfig,
  InvalidGameDayConfig,
  regionOfArn,
  TARGET_KEYS,
  validateGameDayConfig,
} from './config';
import { GameDayStack } from './stacks/gameday-stack';
import { InvalidShopLabProps, ShopLabStack } from './stacks/shop-lab-stack';
import { GAMEDAY_STACK_ID } from './synth';
import { DEFAULT_DB_CONNECT_TIMEOUT_MS } from '../shop/config';

/** The construct id, and so the stack name, of the lab. */
export const SHOP_LAB_STACK_ID = 'ShopLab';

/** Context keys the app reads besides `gameday`. */
export const ENABLE_DEGRADATION_CONTEXT_KEY = 'enableDegradation';
export const REGION_CONTEXT_KEY = 'region';
/** The lab database's most ACUs: raise it for runs at thousands of requests a second (the lab's default holds 2). */
export const LAB_DATABASE_MAX_CAPACITY_CONTEXT_KEY = 'labDatabaseMaxCapacity';

const CROSS_STACK_REFERENCES_FLAG = '@aws-cdk/core:defaultCrossStackReferences';
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/** Thrown when the context is missing, malformed or contradictory; `problems` lists every one found. */
export class InvalidAppContext extends Error {
  override readonly name = 'InvalidAppContext';

  constructor(readonly problems: readonly string[]) {
    super(`the GameDay app cannot be built from this context:\n  - ${problems.join('\n  - ')}`);
  }
}

export interface BuildAppOptions {
  /** Props of the app (tests pass `context` here; the CDK CLI passes it through the environment). @default {} */
  readonly appProps?: AppProps;
  /** Register cdk-nag's AwsSolutions pack as a validation plugin. @default true */
  readonly nag?: boolean;
}

export interface GameDayApp {
  readonly app: App;
  /** `lab`: the ShopLab stack and a GameDay targeting it; `own-target`: the GameDay stack alone. */
  readonly mode: 'lab' | 'own-target';
  /** Present in `lab` mode. */
  readonly lab?: ShopLabStack;
  readonly gameDay: GameDayStack;
  readonly config: GameDayConfig;
}

/**
 * Builds the app from its context:
 * - no target in the `gameday` context: the ShopLab stack (`enableDegradation`, default true) and a
 *   GameDay stack whose target is the lab, passed as references; other `gameday` keys (experiment,
 *   schedule, stop conditions, allow tag, ...) apply to that GameDay.
 * - a target in the `gameday` context: the GameDay stack alone, against that system.
 * No account is ever set, so synthesis makes no AWS lookups; `region` pins both stacks to a region.
 * @throws InvalidAppContext listing every problem found
 */
export function buildApp(options: BuildAppOptions = {}): GameDayApp {
  const app = new App(options.appProps);
  // Strong references on purpose: CloudFormation then refuses to delete the lab while a GameDay still targets it.
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES_FLAG) === undefined)
    app.node.setContext(CROSS_STACK_REFERENCES_FLAG, 'strong');
  const problems: string[] = [];
  const settings = readGameDayContext(app, problems);
  const enableDegradation = readEnableDegradation(app, problems);
  const region = readRegion(app, problems);
  const databaseMaxCapacity = readLabDatabaseMaxCapacity(app, problems);
  const namedTargetKeys = TARGET_KEYS.filter((key) => settings[key] !== undefined);

  let built: Omit<GameDayApp, 'app'> | undefined;
  if (namedTargetKeys.length > 0) {
    if (enableDegradation !== undefined) {
      problems.push(
        `"${ENABLE_DEGRADATION_CONTEXT_KEY}" switches the lab's shop, but the "${GAMEDAY_CONTEXT_KEY}" context names your own target (${namedTargetKeys.join(', ')}), so no lab is deployed: drop one of the two`,
      );
    }
    if (databaseMaxCapacity !== undefined) {
      problems.push(
        `"${LAB_DATABASE_MAX_CAPACITY_CONTEXT_KEY}" sizes the lab's database, but the "${GAMEDAY_CONTEXT_KEY}" context names your own target (${namedTargetKeys.join(', ')}), so no lab is deployed: drop one of the two`,
      );
    }
    const config = collect(problems, () => validateGameDayConfig(settings));
    const targetRegion = config ? regionOfArn(config.proxyArn) : undefined;
    if (region && targetRegion && region !== targetRegion)
      problems.push(
        `"${REGION_CONTEXT_KEY}" is ${region} but the target's proxy is in ${targetRegion}: the GameDay must run in the target's region`,
      );
    if (config && problems.length === 0) {
      const gameDay = new GameDayStack(app, GAMEDAY_STACK_ID, { config, env: region ? { region } : undefined });
      built = { mode: 'own-target', gameDay, config };
    }
  } else {
    const env: Environment | undefined = region ? { region } : undefined;
    const allowTag = settings.allowTag as GameDayConfig['allowTag'] | undefined;
    const lab = collect(
      problems,
      () =>
        new ShopLabStack(app, SHOP_LAB_STACK_ID, {
          env,
          enableDegradation: enableDegradation ?? true,
          allowTag: wellFormedTag(allowTag),
          ...(databaseMaxCapacity === undefined ? {} : { databaseMaxCapacity }),
        }),
    );
    const config = lab
      ? collect(problems, () =>
          validateGameDayConfig({
            // The lab's shop runs on Lambda: while the database is gone, a request holds an environment up to its
            // database connect timeout.
            lambdaSecondsPerRequest: DEFAULT_DB_CONNECT_TIMEOUT_MS / 1000,
            ...settings,
            ...lab.gameDayTarget(),
          }),
        )
      : undefined;
    if (lab && config && problems.length === 0) {
      const gameDay = new GameDayStack(app, GAMEDAY_STACK_ID, { config, env });
      built = { mode: 'lab', lab, gameDay, config };
    }
  }
  if (!built || problems.length > 0) throw new InvalidAppContext(problems);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, ...built };
}

/** The `gameday` context as an object (from cdk.json, or a JSON string from `-c`); `{}` when absent. */
function readGameDayContext(app: App, problems: string[]): Record<string, unknown> {
  let raw: unknown = app.node.tryGetContext(GAMEDAY_CONTEXT_KEY);
  if (raw === undefined) return {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (error) {
      problems.push(`the "${GAMEDAY_CONTEXT_KEY}" context is not valid JSON: ${(error as Error).message}`);
      return {};
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`the "${GAMEDAY_CONTEXT_KEY}" context must be a JSON object`);
    return {};
  }
  // The target may be given as one object, `"target": {"proxyName": ..., "profile": ...}`, beside the other settings.
  const { target, ...rest } = raw as Record<string, unknown>;
  if (target === undefined) return rest;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    problems.push(
      `"${GAMEDAY_CONTEXT_KEY}.target" must be a JSON object of the target's settings (${TARGET_KEYS.join(', ')})`,
    );
    return rest;
  }
  for (const key of Object.keys(target)) {
    if (!(TARGET_KEYS as readonly string[]).includes(key))
      problems.push(`unknown key "target.${key}" (a target names ${TARGET_KEYS.join(', ')})`);
    else if (key in rest) problems.push(`"${key}" is given both in "target" and beside it`);
  }
  return { ...rest, ...target };
}

/** `-c enableDegradation=false` arrives as a string, cdk.json may hold a boolean; undefined when unset. */
function readEnableDegradation(app: App, problems: string[]): boolean | undefined {
  const raw: unknown = app.node.tryGetContext(ENABLE_DEGRADATION_CONTEXT_KEY);
  if (raw === undefined) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  problems.push(`"${ENABLE_DEGRADATION_CONTEXT_KEY}" must be true or false (got ${JSON.stringify(raw)})`);
  return undefined;
}

/** A number, or its text as `-c key=value` passes it; the lab checks its range. */
function readLabDatabaseMaxCapacity(app: App, problems: string[]): number | undefined {
  const raw: unknown = app.node.tryGetContext(LAB_DATABASE_MAX_CAPACITY_CONTEXT_KEY);
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  problems.push(`"${LAB_DATABASE_MAX_CAPACITY_CONTEXT_KEY}" must be a number of ACUs (got ${JSON.stringify(raw)})`);
  return undefined;
}

function readRegion(app: App, problems: string[]): string | undefined {
  const raw: unknown = app.node.tryGetContext(REGION_CONTEXT_KEY);
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && REGION.test(raw)) return raw;
  problems.push(`"${REGION_CONTEXT_KEY}" must be an AWS region such as us-east-1 (got ${JSON.stringify(raw)})`);
  return undefined;
}

/** The lab tags with the configured allow tag when it is well formed; a malformed one is reported by the config check. */
function wellFormedTag(tag: unknown): GameDayConfig['allowTag'] | undefined {
  if (typeof tag !== 'object' || tag === null) return undefined;
  const { key, value } = tag as Record<string, unknown>;
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.startsWith('aws:'))) return undefined;
  if (value !== undefined && typeof value !== 'string') return undefined;
  return { key: key ?? DEFAULT_ALLOW_TAG.key, value: value ?? DEFAULT_ALLOW_TAG.value };
}

/** Runs `build`; a refused configuration adds its problems instead of throwing. */
function collect<T>(problems: string[], build: () => T): T | undefined {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidGameDayConfig || error instanceof InvalidShopLabProps) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}
