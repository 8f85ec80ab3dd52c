import { MAX_LINE_BYTES, MAX_WORDS } from './profile-values.ts';

/** One directive line of a profile: its name, its arguments and its 1-based line number. */
export interface ProfileDirective {
  name: string;
  args: string[];
  line: number;
}

/** A profile read back: directives in order, and inline blocks by tag with LF endings. */
export interface ParsedProfile {
  directives: ProfileDirective[];
  blocks: Record<string, string>;
}

/** Raised for text that OpenVPN would reject or read differently than it looks; names the line. */
export class ProfileParseError extends Error {
  override name = 'ProfileParseError';
  readonly line: number;

  constructor(line: number, message: string) {
    super(`Line ${line} of the profile: ${message}`);
    this.line = line;
  }
}

// The characters C's isspace() matches in the C locale, which OpenVPN splits arguments on.
const SPACE = new Set([' ', '\t', '\n', '\u000b', '\u000c', '\r']);
const UTF8_BOM = '\ufeff';

/**
 * Parses an OpenVPN profile the way OpenVPN 2.6 reads a config file. Lines end at LF, and CR
 * counts as whitespace. A word starting with # or ; ends the line as a comment. Double and
 * single quotes group a word only when they open it, and outside single quotes a backslash
 * escapes only a backslash, a double quote or whitespace. A `<tag>` line opens an inline block,
 * which the first line starting with `</tag>` closes.
 *
 * It is stricter than OpenVPN where OpenVPN would silently read a profile differently than it
 * looks: a NUL character, a line longer than OpenVPN's buffer, more than 16 words, text after
 * a closing tag and a repeated block all throw a ProfileParseError.
 */
export function parseProfile(text: string): ParsedProfile {
  const lines = (text.startsWith(UTF8_BOM) ? text.slice(1) : text).split('\n');
  if (lines.at(-1) === '') lines.pop();

  const directives: ProfileDirective[] = [];
  const blocks: Record<string, string> = {};

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!;
    checkLine(line, lineNumber);

    const words = splitWords(line, lineNumber);
    if (words.length === 0) continue;

    const name = stripDoubleDash(words[0]!);
    const tag = words.length === 1 ? blockTag(name) : undefined;
    if (tag !== undefined) {
      const end = findBlockEnd(lines, index, tag);
      if (Object.hasOwn(blocks, tag)) {
        throw new ProfileParseError(lineNumber, `<${tag}> appears a second time.`);
      }

      // OpenVPN reads a longer line in pieces, and a piece starting with </tag> would end the block.
      for (let inside = index + 1; inside < end; inside++) checkLine(lines[inside]!, inside + 1);
      blocks[tag] = blockContent(lines.slice(index + 1, end));
      index = end;
      continue;
    }
    if (name.startsWith('<')) {
      throw new ProfileParseError(
        lineNumber,
        `${JSON.stringify(name)} is not an inline block tag alone on its line.`,
      );
    }

    directives.push({ name, args: words.slice(1), line: lineNumber });
  }

  return { directives, blocks };
}

function checkLine(line: string, lineNumber: number): void {
  if (line.includes('\u0000')) {
    throw new ProfileParseError(
      lineNumber,
      'contains a NUL character, where OpenVPN stops reading.',
    );
  }
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) {
    throw new ProfileParseError(
      lineNumber,
      `is longer than the ${MAX_LINE_BYTES} bytes OpenVPN reads in one line.`,
    );
  }
}

/** Splits one line into words with OpenVPN's rules for quotes, backslashes and comments. */
function splitWords(line: string, lineNumber: number): string[] {
  const words: string[] = [];
  let word = '';
  let state: 'between' | 'plain' | 'double' | 'single' = 'between';
  let escaped = false;

  for (const character of line) {
    if (!escaped && character === '\\' && state !== 'single') {
      escaped = true;
      continue;
    }

    if (state === 'between') {
      if (SPACE.has(character)) {
        escaped = false;
        continue;
      }
      // OpenVPN starts a comment here even after a backslash.
      if (character === '#' || character === ';') {
        escaped = false;
        break;
      }

      if (!escaped && character === '"') {
        state = 'double';
        continue;
      }
      if (!escaped && character === "'") {
        state = 'single';
        continue;
      }
      state = 'plain';
    } else if (isClosing(state, character, escaped)) {
      words.push(word);
      word = '';
      state = 'between';
      continue;
    }

    if (escaped && !(character === '\\' || character === '"' || SPACE.has(character))) {
      throw new ProfileParseError(
        lineNumber,
        `a backslash escapes ${JSON.stringify(character)}, but OpenVPN only accepts \\\\, \\" and \\ followed by a space.`,
      );
    }
    escaped = false;
    word += character;
  }

  if (escaped) throw new ProfileParseError(lineNumber, 'ends with a backslash.');
  if (state === 'double') throw new ProfileParseError(lineNumber, 'has no closing " quote.');
  if (state === 'single') throw new ProfileParseError(lineNumber, "has no closing ' quote.");
  if (state === 'plain') words.push(word);

  if (words.length > MAX_WORDS) {
    throw new ProfileParseError(
      lineNumber,
      `has ${words.length} words, but OpenVPN reads only the first ${MAX_WORDS}.`,
    );
  }
  return words;
}

function isClosing(state: 'plain' | 'double' | 'single', character: string, escaped: boolean) {
  if (state === 'single') return character === "'";
  if (escaped) return false;
  return state === 'plain' ? SPACE.has(character) : character === '"';
}

function stripDoubleDash(name: string): string {
  return name.length >= 3 && name.startsWith('--') ? name.slice(2) : name;
}

function blockTag(word: string): string | undefined {
  if (word.length < 2 || !word.startsWith('<') || !word.endsWith('>')) return undefined;
  if (word.startsWith('</')) return undefined;
  return word.slice(1, -1);
}

function findBlockEnd(lines: readonly string[], start: number, tag: string): number {
  const closing = `</${tag}>`;

  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]!.trimStart();
    if (!line.startsWith(closing)) continue;

    if (line.slice(closing.length).trim() !== '') {
      throw new ProfileParseError(
        index + 1,
        `text after ${closing}, which OpenVPN would silently ignore.`,
      );
    }
    return index;
  }
  throw new ProfileParseError(start + 1, `<${tag}> is never closed with ${closing}.`);
}

function blockContent(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)).join('\n') + '\n';
}
