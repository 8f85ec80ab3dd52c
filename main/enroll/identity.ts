import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

import type { CsrSubject } from '../pki/csr.ts';
import type { SubjectTemplate } from '../org/schema.ts';

/** The person enrolling, as they typed it or as the OS knows them. */
export interface Identity {
  name: string;
  email: string;
}

/** Raised when the identity cannot fill the organisation's subject template. */
export class IdentityError extends Error {
  override name = 'IdentityError';
}

// Control characters, line separators and bidirectional overrides, which can make a name in a
// certificate read differently from what it contains.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const EMAIL =
  /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const PLACEHOLDER = /\{(name|email|username)\}/g;

/** Checks a name and email address and returns them trimmed. */
export function validateIdentity(identity: Identity): Identity {
  const name = identity.name.trim();
  const email = identity.email.trim();

  if (name === '') {
    throw new IdentityError('Missing name: enter your full name as your organisation knows it.');
  }
  if (CONTROL_CHARACTERS.test(name)) {
    throw new IdentityError(
      'Invalid name: it contains a line break or control character; type it on one line.',
    );
  }
  if (name.length > 64) {
    throw new IdentityError(
      `Invalid name: it has ${name.length} characters and certificates allow 64; shorten it.`,
    );
  }
  if (!EMAIL.test(email) || email.length > 128) {
    throw new IdentityError(
      `Invalid email address "${printable(email)}": expected an address such as jane.doe@example.org.`,
    );
  }
  return { name, email };
}

/** Fills the organisation's subject template with the person's values. */
export function renderSubject(template: SubjectTemplate, identity: Identity): CsrSubject {
  const { name, email } = validateIdentity(identity);
  const username = email.split('@')[0] ?? email;
  const values: Record<string, string> = { name, email, username };
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (_match, key: string) => values[key] ?? '');

  const subject: CsrSubject = { commonName: fill(template.commonName), emailAddress: email };
  if (template.organization !== undefined) subject.organization = fill(template.organization);
  if (template.organizationalUnit !== undefined)
    subject.organizationalUnit = fill(template.organizationalUnit);
  if (template.country !== undefined) subject.country = template.country;
  if (template.state !== undefined) subject.state = fill(template.state);
  if (template.locality !== undefined) subject.locality = fill(template.locality);

  if (subject.commonName.length > 64) {
    throw new IdentityError(
      `Invalid common name "${subject.commonName}": certificates allow 64 characters; use a shorter name or email address.`,
    );
  }
  return subject;
}

/** Suggests a name from the OS account (the GECOS field on Linux), for prefilling forms. */
export function suggestedName(): string | undefined {
  const account = userInfo();
  if (process.platform !== 'linux') return undefined;

  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${account.username}:`));
    const gecos = line?.split(':')[4]?.split(',')[0]?.trim();
    return gecos ? gecos : undefined;
  } catch {
    return undefined;
  }
}

function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80);
}
