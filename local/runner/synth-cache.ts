// The local runner's synthesized GameDay, cached on disk by the hash of every input the synthesis reads.
import { createHash, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GameDayConfig } from '../../infra/config';
import { DEFAULT_CACHE_DIR, PROJECT_ROOT } from '../lab/cache-dir';
import type { CfnTemplate } from './definition';

/** Bump when the shape of a cache entry changes. */
const ENTRY_FORMAT = 1;

/**
 * The lab-dependent values of a local config (they carry the emulators' ports, which change with
 * every lab): synthesized as placeholders and put back into the cached template afterwards, so one
 * entry serves every lab. A placeholder keeps its URL's path (a queue URL names its queue) and
 * replaces the origin with a host that occurs nowhere else.
 */
const LAB_FIELDS = ['shopUrl', 'orderQueueUrl', 'dlqUrl'] as const;
const placeholderOf = (field: string, value: string) =>
  value.replace(/^https?:\/\/[^/]+/, `http://${field.toLowerCase()}.gameday-lab.invalid`);

/**
 * The project files the synthesis reads: the import closure of `infra/synth.ts`, found by reading
 * import specifiers (static, dynamic, re-exports and `require`). Packages are keyed by the lock file.
 */
export function synthInputFiles(entry: string = path.join(PROJECT_ROOT, 'infra', 'synth.ts')): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(specifier)) {
      const name = match[1];
      if (!name.startsWith('.')) continue;
      const resolved = resolveRelative(path.dirname(file), name);
      if (!resolved)
        throw new Error(`${path.relative(PROJECT_ROOT, file)} imports ${name}, which the synth cache cannot find`);
      pending.push(resolved);
    }
  }
  return [...seen].sort();
}

function resolveRelative(dir: string, name: string): string | null {
  const base = path.resolve(dir, name);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith(path.sep) && path.extname(candidate) !== '') return candidate;
  }
  return null;
}

/** The cache key: the entry format, the config (lab values as placeholders), the CDK environment, the lock file and every input file. */
export function synthCacheKey(config: GameDayConfig, files: readonly string[] = synthInputFiles()): string {
  const hash = createHash('sha256');
  hash.update(`format ${ENTRY_FORMAT}\n`);
  hash.update(JSON.stringify(withPlaceholders(config)));
  const cdkEnv = Object.entries(process.env)
    .filter(([name]) => name.startsWith('CDK_'))
    .sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify(cdkEnv));
  hashProjectFiles(hash, files);
  return hash.digest('hex').slice(0, 32);
}

/** Feeds the lock file (the packages) and each of `files` (name and content) into `hash`. */
export function hashProjectFiles(hash: Hash, files: readonly string[]): void {
  for (const file of [path.join(PROJECT_ROOT, 'package-lock.json'), ...files]) {
    hash.update(`\n${path.relative(PROJECT_ROOT, file)}\n`);
    hash.update(readFileSync(file));
  }
}

function withPlaceholders(config: GameDayConfig): GameDayConfig {
  const replaced = LAB_FIELDS.filter((field) => typeof config[field] === 'string').map((field): [string, string] => [
    field,
    placeholderOf(field, config[field] as string),
  ]);
  return { ...config, ...Object.fromEntries(replaced) };
}

/**
 * The part of a template the local runner reads: every resource's type (Ref and Fn::GetAtt name
 * them), the state machine's definition and the functions' environment. Asset hashes and the rest
 * are left out, so nothing in an entry depends on files outside its key.
 */
export function runnerView(template: CfnTemplate): CfnTemplate {
  const Resources: CfnTemplate['Resources'] = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::StepFunctions::StateMachine')
      Resources[id] = { Type: resource.Type, Properties: { DefinitionString: properties.DefinitionString } };
    else if (resource.Type === 'AWS::Lambda::Function')
      Resources[id] = { Type: resource.Type, Properties: { Environment: properties.Environment } };
    else Resources[id] = { Type: resource.Type };
  }
  return { Resources };
}

/** Puts the lab's values where the placeholders were; refuses a template in which one survived in another form. */
function withLabValues(template: CfnTemplate, config: GameDayConfig): CfnTemplate {
  const inner = (value: string) => JSON.stringify(value).slice(1, -1);
  let text = JSON.stringify(template);
  for (const field of LAB_FIELDS) {
    const value = config[field];
    if (typeof value === 'string') text = text.split(inner(placeholderOf(field, value))).join(inner(value));
  }
  if (text.includes('gameday-lab.invalid'))
    throw new Error('the synthesized template holds a lab placeholder in a form the cache cannot replace');
  return JSON.parse(text) as CfnTemplate;
}

export interface LocalTemplate {
  template: CfnTemplate;
  /** true when read from the cache: it was validated as a state machine when it was stored. */
  cached: boolean;
  /** Stores the entry; call it once the definition proved runnable. A no-op for a cached one. */
  store(): void;
}

export interface LocalTemplateOptions {
  /** @default DEFAULT_CACHE_DIR */
  readonly cacheDir?: string;
  /** The files the key is made of. @default - the import closure of `infra/synth.ts` */
  readonly inputFiles?: readonly string[];
  /** @default - the in-process synthesis of the GameDay stack (no bundling, no validation) */
  readonly synthesize?: (config: GameDayConfig) => CfnTemplate;
}

/** The runner's view of the GameDay template for `config`: from the cache when its inputs are unchanged, else synthesized. */
export async function localGameDayTemplate(
  config: GameDayConfig,
  options: LocalTemplateOptions = {},
): Promise<LocalTemplate> {
  const dir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const files = options.inputFiles ?? synthInputFiles();
  const file = path.join(dir, `synth-${synthCacheKey(config, files)}.json`);
  if (existsSync(file)) {
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { template: CfnTemplate };
      return { template: withLabValues(entry.template, config), cached: true, store: () => undefined };
    } catch {
      // An unreadable entry (cut short, hand-edited) is synthesized again and overwritten.
    }
  }
  const synthesize = options.synthesize ?? (await defaultSynthesize(files));
  const view = runnerView(synthesize(withPlaceholders(config)));
  // This process synthesizes with the code it loaded: if the files changed since, its template is not theirs.
  const stale = options.synthesize === undefined && changedSinceLoaded(files);
  return {
    template: withLabValues(view, config),
    cached: false,
    store() {
      if (stale) return;
      try {
        mkdirSync(dir, { recursive: true });
        const partial = `${file}.${process.pid}.tmp`;
        writeFileSync(partial, JSON.stringify({ template: view }));
        renameSync(partial, file);
      } catch {
        // The cache only saves time: a project it cannot write to (read-only, installed) still runs.
      }
    },
  };
}

/**
 * Each input file's content hash when this process loaded the in-process synthesis; null before. A process that
 * runs on (the fault matrix, a long run) keeps the code it loaded: a file edited or added since is not in it.
 */
let loadedInputs: Map<string, string> | null = null;

function contentHashes(files: readonly string[]): Map<string, string> {
  return new Map(files.map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

function changedSinceLoaded(files: readonly string[]): boolean {
  const loaded = loadedInputs;
  if (loaded === null) return false;
  return [...contentHashes(files)].some(([f, hash]) => loaded.get(f) !== hash);
}

async function defaultSynthesize(files: readonly string[]): Promise<(config: GameDayConfig) => CfnTemplate> {
  loadedInputs ??= contentHashes(files);
  // The CDK is loaded only on a miss: a cached run never pays for it.
  const { synthesizeGameDay } = await import('../../infra/synth');
  return (config) => synthesizeGameDay(config).template as CfnTemplate;
}
