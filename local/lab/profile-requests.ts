// Which request of a profile an HTTP request is, and where its write id travels: read off the profile's own templates.
import { valueAt } from '../../steps/core/answer-rules';
import { escapePointer, type RequestTemplate, type TargetProfile } from '../../steps/core/target-profile';

/** A request as it crossed the lab, in front of the service. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A write as the profile names it: its id (the `{{writeId}}` it was sent with) and its run, when the request carries it. */
export interface SeenWrite {
  readonly id: string;
  readonly runId: string | null;
}

/** Where a template carries one placeholder: a header, a JSON body field, or a path segment. */
type Carrier =
  | { readonly in: 'header'; readonly name: string }
  | { readonly in: 'body'; readonly pointer: string }
  | { readonly in: 'path'; readonly group: number };

interface CompiledRequest {
  readonly method: string;
  readonly path: RegExp;
  /** The placeholder each capture group of `path` holds, in order. */
  readonly groups: readonly string[];
  readonly template: RequestTemplate;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)(?::[^}]*)?\s*\}\}/g;

function compile(template: RequestTemplate): CompiledRequest {
  const groups: string[] = [];
  let source = '';
  let last = 0;
  for (const match of template.path.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(template.path.slice(last, match.index)) + '([^/?#]+)';
    groups.push(match[1]);
    last = (match.index ?? 0) + match[0].length;
  }
  source += escapeRegExp(template.path.slice(last));
  return { method: template.method, path: new RegExp(`^${source}(?:\\?.*)?$`), groups, template };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isOnly(value: unknown, name: string): boolean {
  return typeof value === 'string' && new RegExp(`^\\{\\{\\s*${name}\\s*\\}\\}$`).test(value);
}

/** The JSON Pointer of the body field that is exactly the placeholder, or undefined. */
function pointerTo(value: unknown, name: string, at = ''): string | undefined {
  if (isOnly(value, name)) return at;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = pointerTo(child, name, `${at}/${escapePointer(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function carrierOf(request: CompiledRequest, name: string): Carrier | undefined {
  const header = Object.entries(request.template.headers ?? {}).find(([, value]) => isOnly(value, name));
  if (header) return { in: 'header', name: header[0].toLowerCase() };
  const pointer = pointerTo(request.template.body, name);
  if (pointer !== undefined) return { in: 'body', pointer };
  const group = request.groups.indexOf(name);
  return group >= 0 ? { in: 'path', group } : undefined;
}

function read(carrier: Carrier | undefined, seen: SeenRequest, groups: readonly string[]): string | null {
  if (!carrier) return null;
  if (carrier.in === 'path') return decodeURIComponent(groups[carrier.group]);
  if (carrier.in === 'header') {
    const value = seen.headers[carrier.name];
    return typeof value === 'string' ? value : null;
  }
  let body: unknown;
  try {
    body = JSON.parse(seen.body);
  } catch {
    return null;
  }
  const value = valueAt(body, carrier.pointer);
  return typeof value === 'string' ? value : null;
}

/** What the lab can tell of a request by the profile: a read, a write (with its id), or neither (health, lookups). */
export interface ProfileRequests {
  kindOf(method: string, url: string): 'read' | 'write' | null;
  /** The write's id and run, read where the profile's template puts `{{writeId}}` and `{{runId}}`; null for anything else. */
  writeOf(seen: SeenRequest): SeenWrite | null;
}

export function profileRequests(profile: Pick<TargetProfile, 'reads' | 'writes'>): ProfileRequests {
  const reads = profile.reads.map((r) => compile(r.request));
  const writes = profile.writes.map((w) => {
    const compiled = compile(w.request);
    return { compiled, id: carrierOf(compiled, 'writeId'), runId: carrierOf(compiled, 'runId') };
  });
  const matching = (list: readonly CompiledRequest[], method: string, url: string) =>
    list.find((r) => r.method === method && r.path.test(url));
  return {
    kindOf(method, url) {
      if (matching(reads, method, url)) return 'read';
      return writes.some((w) => w.compiled.method === method && w.compiled.path.test(url)) ? 'write' : null;
    },
    writeOf(seen) {
      const write = writes.find((w) => w.compiled.method === seen.method && w.compiled.path.test(seen.url));
      if (!write) return null;
      const groups = write.compiled.path.exec(seen.url)?.slice(1) ?? [];
      const id = read(write.id, seen, groups);
      return id === null ? null : { id, runId: read(write.runId, seen, groups) };
    },
  };
}
