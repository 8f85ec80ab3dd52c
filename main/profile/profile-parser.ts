/** One directive line of a profile: its name, its arguments and its 1-based line number. */
export interface ProfileDirective {
  name: string;
  args: string[];
  line: number;
}

/** A profile read back: directives in order, and inline blocks by tag. */
export interface ParsedProfile {
  directives: ProfileDirective[];
  blocks: Record<string, string>;
}

/** Raised for text that openvpn would not read as a profile; names the line. */
export class ProfileParseError extends Error {
  override name = 'ProfileParseError';

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const BLOCK_START = /^<([a-z][a-z0-9-]*)>$/;

/**
 * Parses an OpenVPN profile the way openvpn reads a config file: `#` and `;` start comment
 * lines, arguments are split on whitespace with double quotes, single quotes and backslash
 * escapes, and `<tag>` … `</tag>` holds an inline file.
 */
export function parseProfile(text: string): ParsedProfile {
  const lines = text.split(/\r\n|\r|\n/);
  const directives: ProfileDirective[] = [];
  const blocks: Record<string, string> = {};

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;

    const block = BLOCK_START.exec(line);
    if (block !== null) {
      const tag = block[1]!;
      const end = lines.findIndex(
        (candidate, at) => at > index && candidate.trim() === `</${tag}>`,
      );
      if (end === -1)
        throw new ProfileParseError(lineNumber, `<${tag}> is never closed with </${tag}>.`);
      if (blocks[tag] !== undefined)
        throw new ProfileParseError(lineNumber, `<${tag}> appears twice.`);

      blocks[tag] = lines.slice(index + 1, end).join('\n') + '\n';
      index = end;
      continue;
    }
    if (line.startsWith('<'))
      throw new ProfileParseError(lineNumber, `unexpected "${line.slice(0, 40)}".`);

    const [name, ...args] = tokenize(line, lineNumber);
    directives.push({ name: name!.replace(/^--/, ''), args, line: lineNumber });
  }

  return { directives, blocks };
}

function tokenize(line: string, lineNumber: number): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;

  for (let index = 0; index < line.length; index++) {
    const character = line[index]!;

    if (quote === "'") {
      if (character === "'") quote = undefined;
      else current += character;
      continue;
    }
    if (character === '\\' && quote !== undefined) {
      current += line[index + 1] ?? '';
      index++;
      continue;
    }
    if (character === '\\') {
      current += line[index + 1] ?? '';
      inToken = true;
      index++;
      continue;
    }
    if (quote === '"') {
      if (character === '"') quote = undefined;
      else current += character;
      continue;
    }
    if (character === '"' || character === "'") {
      quote = character;
      inToken = true;
      continue;
    }
    if (/\s/.test(character)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
      continue;
    }
    current += character;
    inToken = true;
  }

  if (quote !== undefined) throw new ProfileParseError(lineNumber, `unclosed ${quote} quote.`);
  if (inToken) tokens.push(current);
  return tokens;
}
