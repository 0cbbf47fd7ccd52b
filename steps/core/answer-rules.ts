// How a target's answers are classified: the profile's rules compiled once, matched lazily (a body is parsed only when a rule reaches it).
import type { ReadClass, WriteClass } from './contracts';
import type { AnswerRule, TargetProfile } from './target-profile';

/** An answer as the send path read it: its status, the one header the rules name, and the body when a rule needs it. */
export interface TargetAnswer {
  readonly status: number;
  /** The value of the header named by the rules; undefined when the answer had none. */
  readonly header?: string;
  readonly body: string;
}

export type { ReadClass, WriteClass };

/** What the send path must keep of an answer of one kind for its rules. */
export interface ReadNeeds {
  readonly keepBody: boolean;
  /** Lower-case header name. */
  readonly keepHeader?: string;
}

type Matcher = (answer: TargetAnswer, body: LazyJson) => boolean;

/** The body parsed once, on first use; unparseable is `undefined`. */
class LazyJson {
  private parsed = false;
  private value: unknown;

  constructor(private readonly text: string) {}

  get(): unknown {
    if (!this.parsed) {
      this.parsed = true;
      try {
        this.value = JSON.parse(this.text);
      } catch {
        this.value = undefined;
      }
    }
    return this.value;
  }
}

const ABSENT = Symbol('absent');

/** Resolves a JSON Pointer (RFC 6901); ABSENT when it names nothing. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(?:0|[1-9]\d*)$/.test(token) && Number(token) < node.length)
      node = node[Number(token)];
    else if (
      typeof node === 'object' &&
      node !== null &&
      !Array.isArray(node) &&
      Object.prototype.hasOwnProperty.call(node, token)
    )
      node = (node as Record<string, unknown>)[token];
    else return ABSENT;
  }
  return node;
}

/** The value at a pointer, or undefined when it names nothing. */
export function valueAt(document: unknown, pointer: string): unknown {
  const value = resolvePointer(document, pointer);
  return value === ABSENT ? undefined : value;
}

function statusMatcher(status: NonNullable<AnswerRule['status']>): (code: number) => boolean {
  if (typeof status === 'number') return (code) => code === status;
  if (typeof status === 'string') {
    const hundreds = Number(status[0]) * 100;
    return (code) => code >= hundreds && code < hundreds + 100;
  }
  const set = new Set(status);
  return (code) => set.has(code);
}

/** One rule as a matcher: its conditions in order, cheapest first, so a status or a header decides before any body is parsed. */
function compileRule(rule: AnswerRule): Matcher {
  const checks: Matcher[] = [];
  if (rule.status !== undefined) {
    const matches = statusMatcher(rule.status);
    checks.push((a) => matches(a.status));
  }
  if (rule.header) {
    const { equals, matches, present } = rule.header;
    const pattern = matches === undefined ? undefined : new RegExp(matches);
    checks.push((a) => {
      if (present !== undefined && (a.header !== undefined) !== present) return false;
      if (equals !== undefined && a.header !== equals) return false;
      if (pattern && (a.header === undefined || !pattern.test(a.header))) return false;
      return present !== undefined || equals !== undefined || pattern !== undefined || a.header !== undefined;
    });
  }
  if (rule.json) {
    const { pointer, equals, present } = rule.json;
    checks.push((_a, body) => {
      const value = resolvePointer(body.get(), pointer);
      if (present !== undefined && (value !== ABSENT) !== present) return false;
      if (equals !== undefined && value !== equals) return false;
      return present !== undefined || equals !== undefined || value !== ABSENT;
    });
  }
  if (rule.body !== undefined) {
    const pattern = new RegExp(rule.body);
    checks.push((a) => pattern.test(a.body));
  }
  return (answer, body) => checks.every((c) => c(answer, body));
}

function compileClass(rules: readonly AnswerRule[] | undefined): Matcher | undefined {
  if (!rules || rules.length === 0) return undefined;
  const matchers = rules.map(compileRule);
  return (answer, body) => matchers.some((m) => m(answer, body));
}

function needsOf(rules: ReadonlyArray<readonly AnswerRule[] | undefined>): ReadNeeds {
  const all = rules.flatMap((r) => r ?? []);
  const header = all.find((r) => r.header)?.header?.name.toLowerCase();
  return {
    keepBody: all.some((r) => r.json !== undefined || r.body !== undefined),
    ...(header ? { keepHeader: header } : {}),
  };
}

export interface Classifier<C extends string> {
  /** What the send path keeps of an answer. */
  readonly needs: ReadNeeds;
  /** The class of an answer; an answer no rule matches failed. */
  classify(answer: TargetAnswer): C;
}

/** The read classes in the order they are tried: primary, then degraded. */
export function readClassifier(profile: Pick<TargetProfile, 'classify'>): Classifier<ReadClass> {
  const { primary, degraded } = profile.classify.reads;
  const order: Array<[ReadClass, Matcher | undefined]> = [
    ['database', compileClass(primary)],
    ['cache', compileClass(degraded)],
  ];
  return classifier(order, needsOf([primary, degraded]));
}

/** The write classes in the order they are tried: committed, deferred, rejected. */
export function writeClassifier(profile: Pick<TargetProfile, 'classify'>): Classifier<WriteClass> {
  const { committed, deferred, rejected } = profile.classify.writes;
  const order: Array<[WriteClass, Matcher | undefined]> = [
    ['ok', compileClass(committed)],
    ['queued', compileClass(deferred)],
    ['stockOut', compileClass(rejected)],
  ];
  return classifier(order, needsOf([committed, deferred, rejected]));
}

function classifier<C extends string>(order: Array<[C, Matcher | undefined]>, needs: ReadNeeds): Classifier<C> {
  const classes = order.filter((entry): entry is [C, Matcher] => entry[1] !== undefined);
  return {
    needs,
    classify(answer) {
      const body = new LazyJson(answer.body);
      for (const [name, matches] of classes) if (matches(answer, body)) return name;
      return 'failed' as C;
    },
  };
}
