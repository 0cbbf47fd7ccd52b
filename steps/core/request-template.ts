// Request templates with placeholders, compiled once into parts: a request sent thousands of times a second only joins strings.

/**
 * The placeholders a template may hold: `{{writeId}}` (unique per write, stable, so it can be looked
 * up), `{{runId}}`, `{{phase}}`, `{{sequence}}` (the request's number among those of its kind in its
 * window and worker) and `{{pick:a,b,c}}` (one of the options, uniformly at random).
 */
export const PLACEHOLDERS = Object.freeze(['writeId', 'runId', 'phase', 'sequence', 'pick'] as const);
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What one request fills the placeholders with. */
export interface TemplateValues {
  readonly runId: string;
  readonly phase: string;
  readonly sequence: number;
  readonly writeId?: string;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

/** A template that cannot be compiled; `at` is a JSON Pointer inside the templated value, when it is a JSON body. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    message: string,
    readonly at = '',
  ) {
    super(message);
  }
}

/** A compiled template: `constant` when it holds no placeholder (its rendering never changes). */
export interface CompiledTemplate {
  readonly constant: string | undefined;
  render(values: TemplateValues): string;
}

type Part = string | ((values: TemplateValues) => string);

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

interface Slot {
  readonly value: (values: TemplateValues) => string;
  /** The slot always yields a JSON number (a sequence, or a pick among numbers). */
  readonly numeric: boolean;
}

function slotOf(expression: string, allowed: readonly Placeholder[]): Slot {
  const [name, ...rest] = expression.split(':');
  const argument = rest.join(':');
  if (!(PLACEHOLDERS as readonly string[]).includes(name))
    throw new TemplateError(
      `{{${expression}}} is not a placeholder (known: ${PLACEHOLDERS.map((p) => (p === 'pick' ? '{{pick:a,b}}' : `{{${p}}}`)).join(', ')})`,
    );
  const placeholder = name as Placeholder;
  if (!allowed.includes(placeholder))
    throw new TemplateError(
      `{{${placeholder}}} cannot be used here (allowed: ${allowed.map((p) => `{{${p}}}`).join(', ')})`,
    );
  if (placeholder !== 'pick' && rest.length > 0) throw new TemplateError(`{{${placeholder}}} takes no argument`);
  switch (placeholder) {
    case 'writeId':
      return { value: (v) => v.writeId ?? '', numeric: false };
    case 'runId':
      return { value: (v) => v.runId, numeric: false };
    case 'phase':
      return { value: (v) => v.phase, numeric: false };
    case 'sequence':
      return { value: (v) => String(v.sequence), numeric: true };
    case 'pick': {
      const options = argument.split(',');
      if (argument === '' || options.some((o) => o === ''))
        throw new TemplateError(`{{pick:...}} needs a list of options, such as {{pick:1,2,3}}`);
      const last = options.length - 1;
      return {
        value: (v) => options[Math.min(last, Math.floor(v.random() * options.length))],
        numeric: options.every((o) => NUMBER.test(o)),
      };
    }
  }
}

/** A string split into its text and its placeholders. */
function tokens(text: string, allowed: readonly Placeholder[]): Array<string | Slot> {
  const out: Array<string | Slot> = [];
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > at) out.push(text.slice(at, match.index));
    out.push(slotOf(match[1].trim(), allowed));
    at = match.index + match[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  if (out.some((t) => typeof t === 'string' && (t.includes('{{') || t.includes('}}'))))
    throw new TemplateError(`${JSON.stringify(text)} holds an unclosed placeholder`);
  return out;
}

function compiled(parts: Part[]): CompiledTemplate {
  // Neighbouring text is joined at compile time: the render joins as few strings as it can.
  const merged: Part[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (typeof part === 'string' && typeof previous === 'string') merged[merged.length - 1] = previous + part;
    else merged.push(part);
  }
  if (merged.every((p) => typeof p === 'string')) {
    const constant = merged.join('');
    return { constant, render: () => constant };
  }
  return {
    constant: undefined,
    render(values) {
      let text = '';
      for (const part of merged) text += typeof part === 'string' ? part : part(values);
      return text;
    },
  };
}

/** A text template (a header value): placeholders replaced as they are. */
export function compileText(text: string, allowed: readonly Placeholder[] = PLACEHOLDERS): CompiledTemplate {
  return compiled(tokens(text, allowed).map((t) => (typeof t === 'string' ? t : t.value)));
}

/** A path template: each placeholder's value is percent-encoded, so an id never changes the route. */
export function compilePath(path: string, allowed: readonly Placeholder[] = PLACEHOLDERS): CompiledTemplate {
  return compiled(
    tokens(path, allowed).map((t) =>
      typeof t === 'string' ? t : (v: TemplateValues) => encodeURIComponent(t.value(v)),
    ),
  );
}

/**
 * A JSON body template: the value is serialized once, placeholders in its strings filled per
 * request (JSON-escaped). A string that is one placeholder with a numeric value (`{{sequence}}`,
 * `{{pick:1,2,3}}`) becomes that number.
 */
export function compileJson(value: unknown, allowed: readonly Placeholder[] = PLACEHOLDERS): CompiledTemplate {
  const parts: Part[] = [];
  const walk = (node: unknown, at: string): void => {
    try {
      if (typeof node === 'string') {
        const list = tokens(node, allowed);
        if (list.length === 1 && typeof list[0] !== 'string' && list[0].numeric) {
          parts.push(list[0].value);
          return;
        }
        parts.push('"');
        for (const t of list)
          parts.push(
            typeof t === 'string'
              ? JSON.stringify(t).slice(1, -1)
              : (v: TemplateValues) => JSON.stringify(t.value(v)).slice(1, -1),
          );
        parts.push('"');
      } else if (Array.isArray(node)) {
        parts.push('[');
        node.forEach((item, i) => {
          if (i > 0) parts.push(',');
          walk(item, `${at}/${i}`);
        });
        parts.push(']');
      } else if (typeof node === 'object' && node !== null) {
        parts.push('{');
        Object.entries(node).forEach(([key, item], i) => {
          if (i > 0) parts.push(',');
          parts.push(`${JSON.stringify(key)}:`);
          walk(item, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        });
        parts.push('}');
      } else {
        parts.push(JSON.stringify(node));
      }
    } catch (error) {
      if (error instanceof TemplateError && error.at === '') throw new TemplateError(error.message, at);
      throw error;
    }
  };
  walk(value, '');
  return compiled(parts);
}

/** Checks any templated value (a path, a header, a body) compiles with the placeholders allowed. */
export function compileTemplate(value: unknown, allowed: readonly Placeholder[]): CompiledTemplate {
  return typeof value === 'string' ? compileText(value, allowed) : compileJson(value, allowed);
}
