/**
 * Unicode bidirectional controls: ARABIC LETTER MARK (U+061C), the LEFT-TO-RIGHT and
 * RIGHT-TO-LEFT MARKs (U+200E, U+200F), the embeddings and overrides (U+202A to U+202E) and the
 * isolates (U+2066 to U+2069). They change the order in which text is displayed, so what a
 * person reads differs from what the text contains: "\u202eNALV\u202c" displays as "VLAN".
 */
const BIDI_CONTROL_RANGES = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const BIDI_CONTROL_CHARACTERS = new RegExp(`[${BIDI_CONTROL_RANGES}]`);
// Control characters, the line and paragraph separators U+2028 and U+2029, and the bidi controls.
const UNSAFE_CHARACTERS = new RegExp(
  `[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROL_RANGES}]`,
  'g',
);

/** A bidirectional control character found in a text: its code point and where it is. */
export interface BidiControl {
  /** The code point as Unicode writes it, such as U+202E. */
  codePoint: string;
  /** Index of the character in the text, counting UTF-16 code units from 0. */
  index: number;
}

/** Finds the first bidirectional control character in `text`, or returns undefined. */
export function findBidiControl(text: string): BidiControl | undefined {
  const match = BIDI_CONTROL_CHARACTERS.exec(text);
  if (match === null) return undefined;
  const codePoint = `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return { codePoint, index: match.index };
}

/**
 * Quotes text for an error message with every control character, line separator and
 * bidirectional control escaped, so a value from the file can never break, fake or reorder a
 * line of output.
 */
export function quoteText(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(UNSAFE_CHARACTERS, (character) => escapeCharacter(character));
  return `"${escaped}"`;
}

function escapeCharacter(character: string): string {
  if (character === '\n') return '\\n';
  if (character === '\r') return '\\r';
  if (character === '\t') return '\\t';
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
