// A target profile: the service a GameDay sends its traffic to, as data. Validated against the published JSON Schema, every error named by its JSON Pointer.
import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../schema/target-profile.schema.json';
import type { TargetLabels } from './contracts';
import { compileTemplate, PLACEHOLDERS, type Placeholder, TemplateError } from './request-template';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestTemplate {
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface WeightedRequest {
  readonly name: string;
  /** @default 1 */
  readonly weight?: number;
  readonly request: RequestTemplate;
}

/** One rule: every condition it gives must match. */
export interface AnswerRule {
  readonly status?: number | readonly number[] | string;
  readonly header?: {
    readonly name: string;
    readonly equals?: string;
    readonly matches?: string;
    readonly present?: boolean;
  };
  readonly json?: {
    readonly pointer: string;
    readonly equals?: string | number | boolean | null;
    readonly present?: boolean;
  };
  readonly body?: string;
}

export interface LookupProof {
  readonly method: 'lookup';
  readonly request: RequestTemplate;
  readonly recorded: readonly number[];
  readonly missing: readonly number[];
  readonly finalState?: { readonly pointer: string; readonly values: ReadonlyArray<string | number | boolean> };
  readonly copiesPointer?: string;
  /** @default 1000 */
  readonly sampleLimit?: number;
  /** @default 100 */
  readonly ratePerSecond?: number;
  /** @default 8 */
  readonly concurrency?: number;
  /** @default 30 */
  readonly settleSeconds?: number;
}

export interface CountProof {
  readonly method: 'count';
  readonly request: RequestTemplate;
  readonly committedPointer: string;
  readonly rejectedPointer: string;
  readonly viaQueuePointer?: string;
  readonly lastViaQueueAtPointer?: string;
}

export type WriteProofSpec = LookupProof | CountProof | { readonly method: 'none' };

export type { TargetLabels };

export interface LocalService {
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** @default 'PORT' */
  readonly portEnv?: string;
  /** @default 'DATABASE_URL' */
  readonly databaseUrlEnv?: string;
  /** @default false */
  readonly usesQueue?: boolean;
  /** @default 60 */
  readonly healthTimeoutSeconds?: number;
  /** @default 5 */
  readonly stopTimeoutSeconds?: number;
}

export interface TargetProfile {
  readonly name: string;
  readonly description?: string;
  readonly health: { readonly path: string; readonly degradationPointer?: string };
  readonly reads: readonly WeightedRequest[];
  readonly writes: readonly WeightedRequest[];
  readonly classify: {
    readonly reads: { readonly primary: readonly AnswerRule[]; readonly degraded?: readonly AnswerRule[] };
    readonly writes: {
      readonly committed: readonly AnswerRule[];
      readonly deferred?: readonly AnswerRule[];
      readonly rejected?: readonly AnswerRule[];
    };
  };
  readonly proof: WriteProofSpec;
  readonly labels?: Partial<TargetLabels>;
  readonly auth?: {
    readonly type: 'none' | 'iam' | 'header';
    readonly headerName?: string;
    readonly secretArn?: string;
    readonly executeApiArn?: string;
  };
  readonly local?: LocalService;
}

/** The words a profile without labels gets: the classes' own names. */
export const DEFAULT_LABELS: TargetLabels = Object.freeze({
  primary: 'PRIMARY',
  degraded: 'DEGRADED',
  committed: 'COMMITTED',
  deferred: 'DEFERRED',
  rejected: 'REJECTED',
  degradedReads: 'Reads served degraded',
  deferredWrites: 'Writes deferred',
  lostWrites: 'Writes lost',
  noDegraded: 'none',
  noDeferred: 'none',
});

/** A profile's labels over the defaults. */
export function labelsOf(profile: Pick<TargetProfile, 'labels'>): TargetLabels {
  return { ...DEFAULT_LABELS, ...profile.labels };
}

/** One problem of a profile: where (a JSON Pointer into the profile) and what. */
export interface ProfileProblem {
  readonly pointer: string;
  readonly message: string;
}

/** A profile was refused; `problems` names each field by its JSON Pointer. */
export class InvalidTargetProfile extends Error {
  override readonly name = 'InvalidTargetProfile';

  constructor(
    readonly problems: readonly ProfileProblem[],
    source = 'the target profile',
  ) {
    super(`${source} is invalid:\n  - ${problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('\n  - ')}`);
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Compiled once per process: compiling the schema costs a few milliseconds, checking a profile far less. */
function schemaValidator(): ReturnType<Ajv['compile']> {
  validator ??= new Ajv({ allErrors: true, strict: false, useDefaults: false }).compile(schema);
  return validator;
}

/** Where each request template's placeholders are allowed. */
const READ_PLACEHOLDERS: readonly Placeholder[] = ['runId', 'phase', 'sequence', 'pick'];
const WRITE_PLACEHOLDERS: readonly Placeholder[] = PLACEHOLDERS;
const LOOKUP_PLACEHOLDERS: readonly Placeholder[] = ['writeId', 'runId'];
const COUNT_PLACEHOLDERS: readonly Placeholder[] = ['runId'];

/**
 * Checks a profile against the schema, then the rules a schema cannot say (placeholders that exist
 * where they are used, regular expressions that compile, one header per kind of request), and
 * returns it typed.
 * @throws InvalidTargetProfile naming every problem by its JSON Pointer
 */
export function parseTargetProfile(raw: unknown, source?: string): TargetProfile {
  const check = schemaValidator();
  if (!check(raw)) throw new InvalidTargetProfile(schemaProblems(check.errors ?? []), source);
  const profile = raw as TargetProfile;
  const problems: ProfileProblem[] = [];
  const templates = (requests: readonly WeightedRequest[], at: string, allowed: readonly Placeholder[]) =>
    requests.forEach((r, i) => checkTemplate(r.request, `${at}/${i}/request`, allowed, problems));
  templates(profile.reads, '/reads', READ_PLACEHOLDERS);
  templates(profile.writes, '/writes', WRITE_PLACEHOLDERS);
  if (profile.proof.method === 'lookup')
    checkTemplate(profile.proof.request, '/proof/request', LOOKUP_PLACEHOLDERS, problems);
  if (profile.proof.method === 'count')
    checkTemplate(profile.proof.request, '/proof/request', COUNT_PLACEHOLDERS, problems);
  if (profile.proof.method === 'lookup') {
    const overlap = profile.proof.recorded.filter(
      (status) => profile.proof.method === 'lookup' && profile.proof.missing.includes(status),
    );
    if (overlap.length > 0)
      problems.push({
        pointer: '/proof/missing',
        message: `status ${overlap.join(', ')} is both recorded and missing`,
      });
  }
  for (const kind of ['reads', 'writes'] as const) {
    const classes = profile.classify[kind] as Record<string, readonly AnswerRule[] | undefined>;
    const headers = new Set<string>();
    for (const [name, rules] of Object.entries(classes)) {
      rules?.forEach((rule, i) => {
        const at = `/classify/${kind}/${name}/${i}`;
        if (rule.header) headers.add(rule.header.name.toLowerCase());
        if (rule.header?.matches !== undefined) checkRegex(rule.header.matches, `${at}/header/matches`, problems);
        if (rule.body !== undefined) checkRegex(rule.body, `${at}/body`, problems);
        if (typeof rule.status === 'string' && !/^[1-5]xx$/.test(rule.status))
          problems.push({
            pointer: `${at}/status`,
            message: 'must be a status, a list of them, or a class such as "2xx"',
          });
      });
    }
    // The send path keeps one header of each answer (it reads no others): a kind's rules may name one.
    if (headers.size > 1)
      problems.push({
        pointer: `/classify/${kind}`,
        message: `the rules name the headers ${[...headers].join(', ')}; the ${kind} of a profile may be classified by one header`,
      });
  }
  if (problems.length > 0) throw new InvalidTargetProfile(problems, source);
  return profile;
}

function checkTemplate(
  request: RequestTemplate,
  at: string,
  allowed: readonly Placeholder[],
  problems: ProfileProblem[],
): void {
  const parts: Array<[string, unknown]> = [
    [`${at}/path`, request.path],
    ...Object.entries(request.headers ?? {}).map(([name, value]): [string, unknown] => [
      `${at}/headers/${escapePointer(name)}`,
      value,
    ]),
  ];
  if (request.body !== undefined) parts.push([`${at}/body`, request.body]);
  for (const [pointer, value] of parts) {
    try {
      compileTemplate(value, allowed);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.push({ pointer: error.at ? `${pointer}${error.at}` : pointer, message: error.message });
    }
  }
}

function checkRegex(pattern: string, pointer: string, problems: ProfileProblem[]): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    problems.push({ pointer, message: `is not a regular expression: ${(error as Error).message}` });
  }
}

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Ajv's errors as problems: one per field, the most telling first. A `oneOf` that no branch matched
 * (the proof) reports the errors of the branch its `method` picks, not of every branch.
 */
function schemaProblems(errors: readonly ErrorObject[]): ProfileProblem[] {
  const byPointer = new Map<string, string>();
  const proofMethod = errors.find((e) => e.instancePath === '/proof' && e.keyword === 'oneOf');
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    // The proof's branches each complain; keep those of the branch whose method the profile names.
    if (
      proofMethod &&
      error.instancePath.startsWith('/proof') &&
      error.schemaPath.startsWith('#/properties/proof/oneOf/')
    ) {
      const branch = Number(error.schemaPath.split('/')[4]);
      const methods = ['lookup', 'count', 'none'];
      const named = error.instancePath === '/proof/method' ? undefined : methods.indexOf(String(methodOf(errors)));
      if (named !== undefined && named >= 0 && branch !== named) continue;
    }
    const pointer =
      error.keyword === 'required'
        ? `${error.instancePath}/${escapePointer(String((error.params as { missingProperty: string }).missingProperty))}`
        : error.keyword === 'additionalProperties'
          ? `${error.instancePath}/${escapePointer(String((error.params as { additionalProperty: string }).additionalProperty))}`
          : error.instancePath;
    const message =
      error.keyword === 'required'
        ? 'is required'
        : error.keyword === 'additionalProperties'
          ? 'is not a field of a target profile here'
          : error.keyword === 'enum'
            ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
            : error.keyword === 'const'
              ? `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`
              : (error.message ?? 'is invalid');
    if (!byPointer.has(pointer)) byPointer.set(pointer, message);
  }
  if (byPointer.size === 0 && proofMethod) byPointer.set('/proof/method', 'must be "lookup", "count" or "none"');
  return [...byPointer].map(([pointer, message]) => ({ pointer, message }));
}

/** The proof's method as the raw errors' data shows it (ajv gives each error the data it checked). */
function methodOf(errors: readonly ErrorObject[]): unknown {
  const proof = errors.find((e) => e.instancePath === '/proof')?.data;
  return typeof proof === 'object' && proof !== null ? (proof as { method?: unknown }).method : undefined;
}
