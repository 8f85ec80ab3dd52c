import { quoteText } from '../org/printable.ts';
import { ProfileError } from './profile-error.ts';

// OpenVPN 2.6 reads a config file with fgets into a 256-byte buffer and rejects a line that
// fills it, so a line may hold at most 254 bytes before its LF.
export const MAX_LINE_BYTES = 254;

// OpenVPN reads at most 16 words per line and silently drops the rest.
export const MAX_WORDS = 16;

// LF ends a line for OpenVPN, and editors and terminals also break lines at these.
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const QUOTE_OR_BACKSLASH = /["'\\]/;
const WHITESPACE = /\s/;

/**
 * Renders one directive argument for a profile line. A line break or other control character
 * could start a new directive. A quote, a backslash or a leading # or ; changes how OpenVPN
 * splits the line. All of them are rejected with the field and the value. A space is written
 * inside double quotes where `allowSpaces` is set and rejected elsewhere.
 */
export function renderArgument(value: string, field: string, allowSpaces = false): string {
  checkText(value, field);

  if (value === '') {
    throw new ProfileError(field, `${field} is empty; give it a value in the organisation file.`);
  }
  if (QUOTE_OR_BACKSLASH.test(value)) {
    throw new ProfileError(
      field,
      `${field} contains a quote or backslash, which would change how OpenVPN reads the line: ${quoteText(value)}. Remove it from the organisation file.`,
    );
  }
  if (value.startsWith('#') || value.startsWith(';')) {
    throw new ProfileError(
      field,
      `${field} starts with ${value[0]}, which OpenVPN reads as the start of a comment: ${quoteText(value)}. Remove it from the organisation file.`,
    );
  }

  if (!WHITESPACE.test(value)) return value;
  if (!allowSpaces) {
    throw new ProfileError(
      field,
      `${field} contains whitespace, which would split it into several arguments: ${quoteText(value)}. Remove the spaces from the organisation file.`,
    );
  }
  return `"${value}"`;
}

/** Checks text for a comment line, where only line breaks and control characters matter. */
export function checkText(value: string, field: string): string {
  if (LINE_BREAK.test(value)) {
    throw new ProfileError(
      field,
      `${field} contains a line break: ${quoteText(value)}. Put it on one line in the organisation file.`,
    );
  }
  if (CONTROL.test(value)) {
    throw new ProfileError(
      field,
      `${field} contains a control character: ${quoteText(value)}. Remove it from the organisation file.`,
    );
  }
  return value;
}

/** Rejects a rendered line that OpenVPN would cut in two or reject for its length. */
export function checkLineLength(line: string, field: string): string {
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > MAX_LINE_BYTES) {
    throw new ProfileError(
      field,
      `The profile line for ${field} is ${bytes} bytes long, but OpenVPN reads at most ${MAX_LINE_BYTES}: ${quoteText(line.slice(0, 60))}... Shorten the value in the organisation file.`,
    );
  }
  return line;
}
