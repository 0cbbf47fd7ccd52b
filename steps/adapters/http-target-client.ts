// The target over HTTP as its profile describes it: the project's own keep-alive HTTP/1.1 pool, a timeout on every request, signed requests when the target asks.
import { type Classifier, readClassifier, type TargetAnswer, valueAt, writeClassifier } from '../core/answer-rules';
import {
  compileJson,
  compilePath,
  compileText,
  type CompiledTemplate,
  type TemplateValues,
} from '../core/request-template';
import type { RequestTemplate, TargetProfile, WeightedRequest } from '../core/target-profile';
import { lookupOutcome } from '../core/write-proof';
import { TargetRequestFailed, type RunOrderRows, type TargetClient, type TargetRequestSigner } from '../ports';
import { createHttpExchange, type HttpAnswer, type HttpExchangeRequest } from './http-exchange';
import type { ReadOptions } from './http1-response';

export interface HttpTargetClientOptions {
  /**
   * Longest any one request may take.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * Signs every request (SigV4, or a header from a secret) for a target that authenticates its callers.
   * @default - requests go unsigned, as the local lab accepts them
   */
  readonly signer?: TargetRequestSigner;
}

/** The target answered its count or lookup with something the profile does not describe. */
export class TargetResponseError extends Error {
  override readonly name = 'TargetResponseError';
}

const JSON_CONTENT = 'application/json';

/** One request template, compiled: what never changes is made once (frozen headers let the pool render the head once). */
interface CompiledRequest {
  readonly name: string;
  readonly method: HttpExchangeRequest['method'];
  readonly path: CompiledTemplate;
  /** The headers when none holds a placeholder: one frozen object for every request. */
  readonly constantHeaders: Readonly<Record<string, string>> | undefined;
  readonly headers: ReadonlyArray<readonly [string, CompiledTemplate]>;
  readonly body: CompiledTemplate | undefined;
  readonly read: ReadOptions;
}

/** The request exactly as it goes on the wire when nothing of it changes (a product list): made once, frozen. */
const constantWires = new WeakMap<CompiledRequest, HttpExchangeRequest | null>();

function constantWire(request: CompiledRequest, prefix: string): HttpExchangeRequest | null {
  let wire = constantWires.get(request);
  if (wire === undefined) {
    const constant =
      request.path.constant !== undefined &&
      request.body === undefined &&
      (request.headers.length === 0 || request.constantHeaders !== undefined);
    wire = constant
      ? Object.freeze({
          method: request.method,
          path: `${prefix}${request.path.constant}`,
          ...request.read,
          ...(request.constantHeaders ? { headers: request.constantHeaders } : {}),
        })
      : null;
    constantWires.set(request, wire);
  }
  return wire;
}

function compileRequest(name: string, request: RequestTemplate, read: ReadOptions): CompiledRequest {
  const headerEntries = Object.entries(request.headers ?? {});
  // A JSON body goes with its content type, unless the profile names one.
  if (request.body !== undefined && !headerEntries.some(([key]) => key.toLowerCase() === 'content-type'))
    headerEntries.push(['content-type', JSON_CONTENT]);
  const headers = headerEntries.map(([key, value]) => [key, compileText(value)] as const);
  const constant = headers.every(([, value]) => value.constant !== undefined);
  return {
    name,
    method: request.method,
    path: compilePath(request.path),
    constantHeaders:
      constant && headers.length > 0
        ? Object.freeze(Object.fromEntries(headers.map(([key, value]) => [key, value.constant!])))
        : undefined,
    headers,
    body:
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? compileText(request.body)
          : compileJson(request.body),
    read,
  };
}

/** Picks a template by weight; one template costs no random draw. */
function picker(
  requests: readonly CompiledRequest[],
  weights: readonly number[],
): (random: () => number) => CompiledRequest {
  if (requests.length === 1) return () => requests[0];
  const total = weights.reduce((sum, w) => sum + w, 0);
  let sum = 0;
  const edges = weights.map((w) => (sum += w / total));
  return (random) => {
    const r = random();
    const index = edges.findIndex((edge) => r < edge);
    return requests[index < 0 ? requests.length - 1 : index];
  };
}

/** The error a request failed with, named for the report: a timeout, a refused connection, a reset. */
export function failureReason(error: unknown): string {
  const e = error as { name?: string; code?: string } | undefined;
  if (e?.name === 'TimeoutError') return 'timeout';
  if (e?.name === 'AbortError') return 'aborted';
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || e?.name === 'ConnectionClosed') return 'connection reset';
  if (e?.name === 'HttpProtocolError') return 'malformed answer';
  return e?.code ?? e?.name ?? 'error';
}

/** A client of the target its profile describes, sending to `baseUrl` (whose path prefixes every request's). */
export function createHttpTargetClient(
  baseUrl: string,
  profile: TargetProfile,
  options: HttpTargetClientOptions = {},
): TargetClient {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const prefix = base.pathname.replace(/\/$/, '');
  const exchange = createHttpExchange(base.origin, options.timeoutMs ?? 5_000);
  const signer = options.signer;
  const reads = readClassifier(profile);
  const writes = writeClassifier(profile);
  const compileAll = (requests: readonly WeightedRequest[], read: ReadOptions) =>
    picker(
      requests.map((r) => compileRequest(r.name, r.request, read)),
      requests.map((r) => r.weight ?? 1),
    );
  // Reads keep their body: an answer counts only once its body arrived whole, and a cut-off body is a failed read.
  const pickRead = compileAll(profile.reads, {
    keepBody: true,
    ...(reads.needs.keepHeader ? { keepHeader: reads.needs.keepHeader } : {}),
  });
  const pickWrite = compileAll(profile.writes, writes.needs);
  const whole: ReadOptions = { keepBody: true };
  const health = compileRequest('health', { method: 'GET', path: profile.health.path }, whole);
  const proof = profile.proof;
  const proofRequest = proof.method === 'none' ? undefined : compileRequest('proof', proof.request, whole);

  const send = <T>(
    request: CompiledRequest,
    values: TemplateValues,
    read: (answer: HttpAnswer) => T,
    signal?: AbortSignal,
  ): Promise<T> => {
    const fixed = signer ? null : constantWire(request, prefix);
    if (fixed) return exchange(fixed, read, signal);
    const path = `${prefix}${request.path.render(values)}`;
    const headers =
      request.constantHeaders ??
      (request.headers.length === 0
        ? undefined
        : Object.fromEntries(request.headers.map(([key, value]) => [key, value.render(values)])));
    const body = request.body?.render(values);
    const wire: HttpExchangeRequest = {
      method: request.method,
      path,
      ...request.read,
      ...(headers ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
    };
    if (!signer) return exchange(wire, read, signal);
    return signer
      .sign({ method: request.method, url: new URL(path, base.origin), headers: headers ?? {}, body })
      .then((signed) => exchange({ ...wire, headers: signed }, read, signal));
  };
  const named = <T>(request: CompiledRequest, call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => Promise.reject(new TargetRequestFailed(request.name, failureReason(error), error)));
  const noValues: TemplateValues = { runId: '', phase: '', sequence: 0, random: Math.random };
  const asAnswer = (answer: HttpAnswer): TargetAnswer => ({
    status: answer.status,
    body: answer.body,
    ...(answer.header !== undefined ? { header: answer.header } : {}),
  });
  /** Sends the request `pick` picks and classifies its answer, naming the request when it fails. */
  const classified = <C extends string>(
    pick: (random: () => number) => CompiledRequest,
    classifier: Classifier<C>,
    values: TemplateValues,
    signal?: AbortSignal,
  ): Promise<{ request: string; status: number; outcome: C }> => {
    const request = pick(values.random);
    const read = (answer: HttpAnswer) => ({
      request: request.name,
      status: answer.status,
      outcome: classifier.classify(asAnswer(answer)),
    });
    return named(request, send(request, values, read, signal));
  };
  const parsed = (answer: HttpAnswer): unknown => {
    try {
      return JSON.parse(answer.body);
    } catch {
      return undefined;
    }
  };

  return {
    async health() {
      try {
        return await send(health, noValues, (answer) => {
          if (answer.status < 200 || answer.status >= 300 || profile.health.degradationPointer === undefined)
            return { healthy: answer.status >= 200 && answer.status < 300, degradation: null };
          const value = valueAt(parsed(answer), profile.health.degradationPointer);
          return { healthy: true, degradation: typeof value === 'boolean' ? value : null };
        });
      } catch {
        return { healthy: false, degradation: null };
      }
    },

    read: (values, signal) => classified(pickRead, reads, values, signal),

    write: (values, signal) => classified(pickWrite, writes, values, signal),

    async recordedCounts(runId) {
      if (proof.method !== 'count' || !proofRequest)
        throw new TargetResponseError(`the profile proves writes by ${proof.method}, not by a count per run`);
      const values = { ...noValues, runId };
      const { status, body } = await send(proofRequest, values, (answer) => ({
        status: answer.status,
        body: parsed(answer),
      }));
      const where = `${proof.request.method} ${proofRequest.path.render(values)}`;
      if (status < 200 || status >= 300) throw new TargetResponseError(`${where} answered ${status}`);
      const committed = valueAt(body, proof.committedPointer);
      const rejected = valueAt(body, proof.rejectedPointer);
      if (!isCount(committed) || !isCount(rejected))
        throw new TargetResponseError(
          `${where} answered without counts at ${proof.committedPointer} and ${proof.rejectedPointer}`,
        );
      const rows: RunOrderRows = { committed, rejected };
      const viaQueue = proof.viaQueuePointer === undefined ? undefined : valueAt(body, proof.viaQueuePointer);
      if (isCount(viaQueue)) rows.viaQueue = viaQueue;
      const last = proof.lastViaQueueAtPointer === undefined ? undefined : valueAt(body, proof.lastViaQueueAtPointer);
      if (last === null || (typeof last === 'string' && !Number.isNaN(Date.parse(last)))) rows.lastViaQueueAt = last;
      return rows;
    },

    lookup(runId, writeId, signal) {
      if (proof.method !== 'lookup' || !proofRequest)
        return Promise.reject(new TargetResponseError(`the profile proves writes by ${proof.method}, not by lookup`));
      return send(
        proofRequest,
        { ...noValues, runId, writeId },
        (answer) => lookupOutcome(proof, answer.status, answer.body),
        signal,
      );
    },
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
