import { ProfileError } from './profile-error.ts';

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const NEEDS_QUOTES = /[\s#;]/;
const FORBIDDEN = /["'\\]/;

/**
 * Renders one directive argument for an OpenVPN config line. A value with a line break or
 * other control character could start a new directive, so it is rejected; quotes and
 * backslashes would change how openvpn splits the line, so they are rejected too; whitespace,
 * `#` and `;` are kept inside double quotes.
 */
export function renderArgument(value: string, field: string): string {
  if (value === '') {
    throw new ProfileError(field, `${field} is empty; every directive argument needs a value.`);
  }
  if (CONTROL.test(value)) {
    throw new ProfileError(
      field,
      `${field} contains a line break or control character (${describe(value)}); fix the organisation file.`,
    );
  }
  if (FORBIDDEN.test(value)) {
    throw new ProfileError(
      field,
      `${field} contains a quote or backslash (${describe(value)}), which would change how OpenVPN reads the line; remove it from the organisation file.`,
    );
  }
  return NEEDS_QUOTES.test(value) ? `"${value}"` : value;
}

/** Checks text for a comment line; only control characters are a danger there. */
export function checkCommentText(value: string, field: string): string {
  if (CONTROL.test(value)) {
    throw new ProfileError(
      field,
      `${field} contains a line break or control character (${describe(value)}); fix the organisation file.`,
    );
  }
  return value;
}

function describe(value: string): string {
  return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
}
