import { z } from 'zod';

import { quoteText } from './printable.ts';
import type { LineLocator } from './source-positions.ts';

/** One problem in an organisation file, located by field path and, where known, line. */
export interface OrganisationIssue {
  /** Field path as a reader finds it in the file, such as networks[1].cidrs[0], or empty for the whole file. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

const MAX_DISPLAYED_TEXT = 80;
const SECRET_FIELDS = /tlsCrypt|password|secret|token|privateKey/i;

/** Formats a path the way it reads in the file: networks[1].cidrs[0]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
      continue;
    }
    const key = String(segment);
    if (!/^[A-Za-z_$][\w$-]*$/.test(key)) text += `[${quoteText(key)}]`;
    else text += text === '' ? key : `.${key}`;
  }
  return text;
}

/**
 * Zod error map that states each failure with the expected value in plain words. Messages
 * written in the schema take precedence, so this covers the checks that carry none.
 */
export const plainIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeNoun(issue.expected)}`;
    case 'too_small':
      return sizeMessage(issue.origin, 'at least', issue.minimum, issue.inclusive !== false);
    case 'too_big':
      return sizeMessage(issue.origin, 'at most', issue.maximum, issue.inclusive !== false);
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern !== undefined
        ? `expected text matching ${issue.pattern}`
        : `expected a valid ${issue.format}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown fields ${issue.keys.map((key) => quoteText(key)).join(', ')}`;
    case 'invalid_union':
      return 'expected one of the forms this field allows';
    case 'invalid_value':
      return `expected ${alternatives(issue.values.map(formatPrimitive))}`;
    case 'invalid_key':
      return 'expected valid keys';
    case 'invalid_element':
      return 'expected valid elements';
    default:
      return 'expected a valid value';
  }
};

/**
 * Turns zod issues into located, readable issues. Each unknown field becomes its own issue so
 * that it gets its own line, and a missing field is named as missing rather than mistyped.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  schema: z.ZodType,
  locate: LineLocator | undefined,
): OrganisationIssue[] {
  const described: OrganisationIssue[] = [];
  // A missing field is located at its parent. The document root gives no useful line.
  const add = (path: PropertyKey[], message: string, linePath = path) => {
    const line = linePath.length === 0 ? undefined : locate?.(linePath);
    described.push(
      line === undefined
        ? { path: formatPath(path), message }
        : { path: formatPath(path), message, line },
    );
  };

  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = fieldNamesAt(schema, issue.path, data);
      for (const key of issue.keys) {
        const hint = allowed === undefined ? '' : `, expected one of ${allowed.join(', ')}`;
        add([...issue.path, key], `unknown field ${quoteText(key)}${hint}`);
      }
      continue;
    }

    const path = [...issue.path];
    if (isMissing(data, path)) {
      add(path, `required field is missing (${issue.message})`, path.slice(0, -1));
      continue;
    }
    add(path, issueText(issue, data));
  }

  return described;
}

function issueText(issue: z.core.$ZodIssue, data: unknown): string {
  const path = issue.path;
  if (path.length === 0) return rootMessage(data);

  const message = issue.message;
  if (!message.startsWith('expected') || message.includes(' got ')) return message;

  const displayed = displayedValue(valueAt(data, path), path, issue.code === 'invalid_type');
  return displayed === undefined ? message : `${message}, got ${displayed}`;
}

function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(data, path.slice(0, -1));
  return isRecord(parent) && !Object.hasOwn(parent, path[path.length - 1]!);
}

function rootMessage(data: unknown): string {
  const fields = 'schemaVersion, organisation, ca, enrollment and vpn';
  if (data === null || data === undefined) {
    return `the file is empty, expected an organisation file with ${fields}`;
  }
  return `expected an object with ${fields}, got ${kindOf(data)}`;
}

/** Shows a value when it is short and not secret, or its kind when the type was wrong. */
function displayedValue(
  value: unknown,
  path: readonly PropertyKey[],
  showKind: boolean,
): string | undefined {
  if (path.some((segment) => SECRET_FIELDS.test(String(segment)))) {
    return showKind ? kindOf(value) : undefined;
  }
  if (typeof value === 'string') {
    // A URL may carry a password in its user information part, so show it without that part.
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value)) {
      return quoteText(value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1…@'));
    }
    if (value.length <= MAX_DISPLAYED_TEXT) return quoteText(value);
    return showKind ? kindOf(value) : undefined;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return showKind ? kindOf(value) : undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof Uint8Array) return 'binary data';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function typeNoun(expected: string): string {
  const nouns: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object with named fields',
    nonoptional: 'a value',
  };
  return nouns[expected] ?? `a value of type ${expected}`;
}

function sizeMessage(
  origin: string,
  bound: string,
  limit: number | bigint,
  inclusive: boolean,
): string {
  if (origin === 'string') {
    return limit === 1 && bound === 'at least'
      ? 'expected a non-empty string'
      : `expected ${bound} ${limit} characters`;
  }
  if (origin === 'array' || origin === 'set') {
    return `expected ${bound} ${limit} ${limit === 1 ? 'item' : 'items'}`;
  }
  if (inclusive) return `expected a number ${bound} ${limit}`;
  return `expected a number ${bound === 'at least' ? 'greater' : 'less'} than ${limit}`;
}

function alternatives(options: string[]): string {
  if (options.length <= 1) return options[0] ?? 'nothing';
  return `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
}

function formatPrimitive(value: unknown): string {
  return typeof value === 'string' ? quoteText(value) : String(value);
}

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isRecord(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** Lists the field names the schema allows for the object at a path, for unknown-field hints. */
function fieldNamesAt(
  root: z.ZodType,
  path: readonly PropertyKey[],
  data: unknown,
): string[] | undefined {
  let schema = unwrap(root);
  let value = data;

  for (const segment of path) {
    schema = matchingOption(schema, value);
    if (schema instanceof z.ZodObject) {
      const field = (schema.shape as Record<string, z.ZodType | undefined>)[String(segment)];
      if (field === undefined) return undefined;
      schema = unwrap(field);
    } else if (schema instanceof z.ZodArray) {
      schema = unwrap(schema.element as z.ZodType);
    } else {
      return undefined;
    }
    value = valueAt(value, [segment]);
  }

  schema = matchingOption(schema, value);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Picks the option of a discriminated union that the data's discriminator value selects. */
function matchingOption(schema: z.ZodType, value: unknown): z.ZodType {
  if (!(schema instanceof z.ZodDiscriminatedUnion) || !isRecord(value)) return schema;

  const discriminator = schema.def.discriminator;
  const tag = value[discriminator];
  const option = (schema.options as z.ZodType[]).find((candidate) => {
    if (!(candidate instanceof z.ZodObject)) return false;
    const field = (candidate.shape as Record<string, unknown>)[discriminator];
    return field instanceof z.ZodLiteral && field.values.has(tag as z.core.util.Literal);
  });
  return option ?? schema;
}
