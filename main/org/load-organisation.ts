import { open } from 'node:fs/promises';
import { extname } from 'node:path';

import { LineCounter, parseDocument, type Document } from 'yaml';

import { describeIssues, plainIssueMessage, type OrganisationIssue } from './issue-messages.ts';
import { findJsonSyntaxError } from './json-syntax.ts';
import { organisationFileSchema, type OrganisationFile } from './schema.ts';
import { createLineLocator, type LineLocator } from './source-positions.ts';

export type { OrganisationIssue } from './issue-messages.ts';

/** Origin of an organisation file's text: the name used in messages and, optionally, the format. */
export interface OrganisationSource {
  name: string;
  format?: 'json' | 'yaml';
}

// An organisation file is a few kilobytes. The cap stops a wrong path, such as a disk image,
// from being read into memory whole.
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_LISTED_ISSUES = 20;

/** Raised when an organisation file cannot be read, parsed or validated. */
export class OrganisationFileError extends Error {
  override name = 'OrganisationFileError';

  constructor(
    readonly source: string,
    readonly issues: OrganisationIssue[],
    message = formatIssues(source, issues),
  ) {
    super(message);
  }
}

/**
 * Reads and validates an organisation file. The format follows the extension (.json, .yaml,
 * .yml); any other name is parsed as JSON and, if that fails, as YAML.
 */
export async function loadOrganisationFile(path: string): Promise<OrganisationFile> {
  const text = await readOrganisationText(path);
  const extension = extname(path).toLowerCase();
  const format =
    extension === '.json'
      ? 'json'
      : extension === '.yaml' || extension === '.yml'
        ? 'yaml'
        : undefined;
  return parseOrganisation(text, format === undefined ? { name: path } : { name: path, format });
}

/** Parses and validates organisation file text, applying the schema's defaults. */
export function parseOrganisation(text: string, source: OrganisationSource): OrganisationFile {
  const content = text.replace(/^\uFEFF/, '');
  const format = source.format ?? (looksLikeJson(content) ? 'json' : 'yaml');
  const { data, locate } =
    format === 'json' ? parseJson(content, source.name) : parseYaml(content, source.name);

  const result = organisationFileSchema.safeParse(data, { error: plainIssueMessage });
  if (result.success) return result.data;

  const issues = describeIssues(result.error.issues, data, organisationFileSchema, locate);
  throw new OrganisationFileError(source.name, sortByLine(issues));
}

async function readOrganisationText(path: string): Promise<string> {
  const fail = (problem: string, advice: string) =>
    new OrganisationFileError(
      path,
      [{ path: '', message: problem }],
      `Cannot read the organisation file ${path}: ${problem}. ${advice}`,
    );
  const askAdmin = 'Check the path, or ask your administrator for the organisation file.';

  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fail(readProblem(error), askAdmin);
  }

  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw fail('it is not a regular file', askAdmin);
    if (stats.size > MAX_FILE_BYTES) {
      throw fail(
        `it has ${stats.size} bytes and organisation files are at most ${MAX_FILE_BYTES}`,
        askAdmin,
      );
    }

    const bytes = await handle.readFile();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw fail('it is not UTF-8 text', 'Save it as UTF-8 and try again.');
    }
  } catch (error) {
    if (error instanceof OrganisationFileError) throw error;
    throw fail(readProblem(error), askAdmin);
  } finally {
    await handle.close();
  }
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

interface ParsedText {
  data: unknown;
  locate: LineLocator | undefined;
}

function parseJson(text: string, name: string): ParsedText {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const found = findJsonSyntaxError(text);
    const message = `invalid JSON: ${found?.message ?? 'the text is not valid JSON'}`;
    throw new OrganisationFileError(name, [
      { path: '', message, ...linePosition(text, found?.offset ?? 0) },
    ]);
  }

  // JSON is YAML 1.2, so the YAML parser supplies line numbers and catches duplicate keys,
  // which JSON.parse would resolve silently by keeping the last one.
  const { document, lineCounter } = parseSafely(text);
  const duplicate = document?.errors.find((error) => error.code === 'DUPLICATE_KEY');
  if (document !== undefined && duplicate !== undefined) {
    const { line, col } = lineCounter.linePos(duplicate.pos[0]);
    throw new OrganisationFileError(name, [
      {
        path: '',
        message: 'invalid JSON: a field name appears twice in the same object',
        line,
        column: col,
      },
    ]);
  }

  const usable = document !== undefined && document.errors.length === 0;
  return { data, locate: usable ? createLineLocator(document, lineCounter) : undefined };
}

function parseYaml(text: string, name: string): ParsedText {
  const { document, lineCounter } = parseSafely(text);
  if (document === undefined) {
    throw new OrganisationFileError(name, [
      { path: '', message: 'invalid YAML: nesting is too deep to read' },
    ]);
  }

  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    const detail = yamlErrorText(syntaxError.code, syntaxError.message);
    throw new OrganisationFileError(name, [
      { path: '', message: `invalid YAML: ${detail}`, line, column: col },
    ]);
  }

  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // toJS raises when aliases expand beyond maxAliasCount, the guard against alias bombs.
    const detail = error instanceof Error ? error.message : String(error);
    throw new OrganisationFileError(name, [{ path: '', message: `invalid YAML: ${detail}` }]);
  }
  return { data, locate: createLineLocator(document, lineCounter) };
}

function yamlErrorText(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return 'expected one YAML document, but the file contains a second "---"';
  if (code === 'DUPLICATE_KEY') return 'a field name appears twice in the same mapping';
  if (message.includes('Maximum call stack size exceeded')) return 'nesting is too deep to read';
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function parseSafely(text: string): { document: Document | undefined; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  try {
    return { document: parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter };
  } catch (error) {
    if (error instanceof RangeError) return { document: undefined, lineCounter };
    throw error;
  }
}

function linePosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

function sortByLine(issues: OrganisationIssue[]): OrganisationIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.order - b.order)
    .map(({ issue }) => issue);
}

/** Formats one line per issue, compiler style (`file: path (line N): message`), so each can be found. */
function formatIssues(source: string, issues: OrganisationIssue[]): string {
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const position =
      issue.line === undefined
        ? ''
        : issue.column === undefined
          ? `(line ${issue.line})`
          : `(line ${issue.line}, column ${issue.column})`;
    if (issue.path === '') {
      return position === ''
        ? `${source}: ${issue.message}`
        : `${source} ${position}: ${issue.message}`;
    }
    const location = position === '' ? issue.path : `${issue.path} ${position}`;
    return `${source}: ${location}: ${issue.message}`;
  });

  const hidden = issues.length - MAX_LISTED_ISSUES;
  if (hidden > 0)
    lines.push(`${source}: ${hidden} more ${hidden === 1 ? 'problem' : 'problems'} not shown`);
  return lines.join('\n');
}
