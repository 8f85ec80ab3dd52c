import { quoteText } from './printable.ts';

/** The first JSON syntax error in a text: its offset and what the parser expected there. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Finds where a text stops being JSON (RFC 8259). JSON.parse reports no position for some
 * errors and quotes the surrounding text, which may contain a key, so the loader uses this
 * scan for the line, column and message instead.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    return { offset: error.offset, message: error.reason };
  }
}

class JsonScanner {
  private index = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value(0);
    this.skipWhitespace();
    if (this.index < this.text.length)
      this.fail('expected the end of the file after the top-level value');
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`expected at most ${MAX_DEPTH} levels of nesting`);
    this.skipWhitespace();

    const character = this.text[this.index];
    if (character === '{') return this.object(depth);
    if (character === '[') return this.array(depth);
    if (character === '"') return this.string();
    if (character === '-' || (character !== undefined && character >= '0' && character <= '9')) {
      return this.number();
    }
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.index));
    if (literal !== undefined) {
      this.index += literal.length;
      return;
    }
    this.fail('expected a value: an object, array, string, number, true, false or null');
  }

  private object(depth: number): void {
    this.index += 1;
    this.skipWhitespace();
    if (this.text[this.index] === '}') {
      this.index += 1;
      return;
    }

    for (;;) {
      this.skipWhitespace();
      if (this.text[this.index] !== '"') this.fail('expected a field name in double quotes');
      this.string();
      this.skipWhitespace();
      this.expect(':', 'expected ":" after the field name');
      this.value(depth + 1);
      this.skipWhitespace();
      if (this.text[this.index] === '}') {
        this.index += 1;
        return;
      }
      this.expect(',', 'expected "," or "}" after the value');
    }
  }

  private array(depth: number): void {
    this.index += 1;
    this.skipWhitespace();
    if (this.text[this.index] === ']') {
      this.index += 1;
      return;
    }

    for (;;) {
      this.value(depth + 1);
      this.skipWhitespace();
      if (this.text[this.index] === ']') {
        this.index += 1;
        return;
      }
      this.expect(',', 'expected "," or "]" after the value');
    }
  }

  private string(): void {
    this.index += 1;
    for (;;) {
      const character = this.text[this.index];
      if (character === undefined) this.fail('expected a closing double quote');
      if (character === '"') {
        this.index += 1;
        return;
      }
      if (character < ' ')
        this.fail('expected no raw control characters in a string (write \\n for a line break)');
      if (character === '\\') this.escape();
      else this.index += 1;
    }
  }

  private escape(): void {
    const next = this.text[this.index + 1];
    if (next !== undefined && '"\\/bfnrt'.includes(next)) {
      this.index += 2;
      return;
    }
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
      this.index += 6;
      return;
    }
    this.fail('expected a valid escape such as \\n, \\" or \\u00e9');
  }

  private number(): void {
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('expected a number such as 1194 or 0.5');
    this.index += match[0].length;
  }

  private expect(character: string, message: string): void {
    if (this.text[this.index] !== character) this.fail(message);
    this.index += 1;
  }

  private skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.index] ?? '')) this.index += 1;
  }

  private fail(message: string): never {
    const found = this.text[this.index];
    const got = found === undefined ? 'the end of the file' : quoteText(found);
    throw new SyntaxFailure(this.index, `${message}, got ${got}`);
  }
}
