import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

import type { CsrSubject } from '../pki/csr.ts';
import { findBidiControl } from '../org/printable.ts';
import type { SubjectTemplate } from '../org/schema.ts';

/** The person enrolling, as they typed it or as the OS knows them. */
export interface Identity {
  name: string;
  email: string;
}

/** A field of the identity and what is wrong with it. */
export interface IdentityProblem {
  field: 'name' | 'email';
  message: string;
}

/** Raised when the identity cannot fill the organisation's subject template. */
export class IdentityError extends Error {
  override name = 'IdentityError';

  /** Every field that failed its check, name first; empty for problems of the whole subject. */
  readonly problems: readonly IdentityProblem[];

  constructor(message: string, problems: readonly IdentityProblem[] = []) {
    super(message);
    this.problems = problems;
  }
}

// Control characters and line separators, which could split a line of the subject or a log.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const EMAIL =
  /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const PLACEHOLDER = /\{(name|email|username)\}/g;

/**
 * Checks a name and email address and returns them trimmed. Raises an IdentityError whose
 * message is the first problem and whose `problems` lists every field that failed.
 */
export function validateIdentity(identity: Identity): Identity {
  const name = identity.name.trim();
  const email = identity.email.trim();

  const problems = [nameProblem(name), emailProblem(email)].filter(
    (problem): problem is IdentityProblem => problem !== undefined,
  );
  const [first] = problems;
  if (first !== undefined) throw new IdentityError(first.message, problems);
  return { name, email };
}

function nameProblem(name: string): IdentityProblem | undefined {
  const problem = (message: string): IdentityProblem => ({ field: 'name', message });

  if (name === '') {
    return problem('Missing name: enter your full name as your organisation knows it.');
  }
  if (CONTROL_CHARACTERS.test(name)) {
    return problem(
      'Invalid name: it contains a line break or control character; type it on one line.',
    );
  }
  // Bidirectional controls make a name in a certificate read differently from what it contains.
  const bidi = findBidiControl(name);
  if (bidi !== undefined) {
    return problem(
      `Invalid name: it contains the bidirectional control character ${bidi.codePoint}, which changes the order it is displayed in; remove it.`,
    );
  }
  if (name.length > 64) {
    return problem(
      `Invalid name: it has ${name.length} characters and certificates allow 64; shorten it.`,
    );
  }
  return undefined;
}

function emailProblem(email: string): IdentityProblem | undefined {
  if (EMAIL.test(email) && email.length <= 128) return undefined;
  return {
    field: 'email',
    message: `Invalid email address "${printable(email)}": expected an address such as jane.doe@example.org.`,
  };
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

/**
 * Suggests a name from the OS account (the GECOS field on Linux), for prefilling forms. Returns
 * undefined elsewhere, and when the field contains no person's name (see `suggestedNameFrom`).
 */
export function suggestedName(): string | undefined {
  if (process.platform !== 'linux') return undefined;

  try {
    return suggestedNameFrom(readFileSync('/etc/passwd', 'utf8'), userInfo().username);
  } catch {
    return undefined;
  }
}

// User ids of accounts that belong to no person: root and the overflow user "nobody".
const SYSTEM_UIDS = new Set(['0', '65534']);

// Full names that installers, images and distributions give to shared or system accounts. A
// name is compared in lower case and without trailing digits, so "Admin2" and "user01" match.
const ACCOUNT_NAMES = new Set([
  'admin',
  'administrator',
  'centos',
  'debian',
  'default',
  'default user',
  'demo',
  'ec2-user',
  'fedora',
  'guest',
  'kernel overflow user',
  'local admin',
  'localadmin',
  'nobody',
  'operator',
  'owner',
  'pi',
  'root',
  'super user',
  'superuser',
  'sysadmin',
  'system',
  'system administrator',
  'test',
  'ubuntu',
  'user',
  'vagrant',
]);

/**
 * Picks the full name of `username` from passwd(5) text. Returns undefined when the account is
 * root or nobody, or when its full name is not a person's name: empty, a label such as "admin"
 * or "Super User", the login name itself, or without two letters (such as "1001").
 */
export function suggestedNameFrom(passwd: string, username: string): string | undefined {
  const fields = passwd
    .split('\n')
    .find((entry) => entry.startsWith(`${username}:`))
    ?.split(':');
  const uid = fields?.[2];
  const gecos = fields?.[4]?.split(',')[0]?.trim();
  if (uid === undefined || gecos === undefined || SYSTEM_UIDS.has(uid)) return undefined;

  return isPersonName(gecos, username) ? gecos : undefined;
}

function isPersonName(name: string, username: string): boolean {
  if (nameProblem(name) !== undefined) return false;
  if (name === username) return false;

  const letters = name.match(/\p{L}/gu) ?? [];
  if (letters.length < 2) return false;

  const label = name.toLowerCase().replace(/[\s\d_-]+$/u, '');
  return !ACCOUNT_NAMES.has(label);
}

function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80);
}
