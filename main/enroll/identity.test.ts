import { describe, expect, it } from 'vitest';

import { IdentityError, renderSubject, suggestedNameFrom, validateIdentity } from './identity.ts';

const template = {
  commonName: '{email}',
  organization: 'Example Corp',
  organizationalUnit: '{username} staff',
};

describe('identity', () => {
  it('trims name and email', () => {
    expect(validateIdentity({ name: '  Jane Doe ', email: ' jane@example.org ' })).toEqual({
      name: 'Jane Doe',
      email: 'jane@example.org',
    });
  });

  it('rejects a name with a newline', () => {
    expect(() =>
      validateIdentity({ name: 'Jane\nremote evil.example 1194', email: 'jane@example.org' }),
    ).toThrow(IdentityError);
  });

  it.each([
    ['U+202E', 'Jane \u202eeoD'],
    ['U+200F', 'Jane\u200f Doe'],
    ['U+061C', 'Jane \u061cDoe'],
  ])('rejects a name with the bidirectional control %s', (codePoint, name) => {
    expect(() => validateIdentity({ name, email: 'jane@example.org' })).toThrow(
      `Invalid name: it contains the bidirectional control character ${codePoint}, which changes the order it is displayed in; remove it.`,
    );
  });

  it('rejects an empty name', () => {
    expect(() => validateIdentity({ name: ' ', email: 'jane@example.org' })).toThrow(
      /Missing name/,
    );
  });

  it('rejects an address without a domain', () => {
    expect(() => validateIdentity({ name: 'Jane', email: 'jane@localhost' })).toThrow(
      /Invalid email address "jane@localhost"/,
    );
  });

  it('lists every field that fails', () => {
    const error = captureError(() => validateIdentity({ name: ' ', email: 'dana' }));

    expect(error).toBeInstanceOf(IdentityError);
    expect(error?.problems.map((problem) => problem.field)).toEqual(['name', 'email']);
    expect(error?.message).toMatch(/^Missing name/);
    expect(error?.problems[1]?.message).toMatch(/^Invalid email address "dana"/);
  });

  it('lists only the email when the name passes', () => {
    const error = captureError(() => validateIdentity({ name: 'Dana', email: 'dana' }));

    expect(error?.problems.map((problem) => problem.field)).toEqual(['email']);
    expect(error?.message).toMatch(/^Invalid email address/);
  });

  it('fills the subject template', () => {
    expect(renderSubject(template, { name: 'Jane Doe', email: 'jane@example.org' })).toEqual({
      commonName: 'jane@example.org',
      emailAddress: 'jane@example.org',
      organization: 'Example Corp',
      organizationalUnit: 'jane staff',
    });
  });

  it('fills the name placeholder', () => {
    expect(
      renderSubject({ commonName: '{name}' }, { name: 'Zoë Müller', email: 'zoe@example.org' })
        .commonName,
    ).toBe('Zoë Müller');
  });

  it('rejects a common name over 64 characters', () => {
    const email = `${'a'.repeat(60)}@example.org`;

    expect(() => renderSubject({ commonName: '{email}' }, { name: 'A', email })).toThrow(
      /64 characters/,
    );
  });
});

describe('suggested name', () => {
  const passwd = (username: string, uid: number, gecos: string) =>
    [
      'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
      `${username}:x:${uid}:${uid}:${gecos}:/home/${username}:/bin/bash`,
      '',
    ].join('\n');

  it('takes the full name from GECOS', () => {
    expect(suggestedNameFrom(passwd('dana', 1000, 'Dana Example,,,'), 'dana')).toBe('Dana Example');
  });

  it('keeps a name with letters beyond ASCII', () => {
    expect(suggestedNameFrom(passwd('zoe', 1000, 'Zoë Müller'), 'zoe')).toBe('Zoë Müller');
  });

  it('keeps a surname that is also a word', () => {
    expect(suggestedNameFrom(passwd('jroot', 1000, 'Joe Root'), 'jroot')).toBe('Joe Root');
  });

  it('skips the root account', () => {
    expect(suggestedNameFrom(passwd('root', 0, 'root'), 'root')).toBeUndefined();
    expect(suggestedNameFrom(passwd('root', 0, 'Super User'), 'root')).toBeUndefined();
  });

  it('skips the nobody account', () => {
    expect(suggestedNameFrom(passwd('nobody', 65534, 'Kernel Overflow User'), 'nobody')).toBe(
      undefined,
    );
  });

  it.each([
    'admin',
    'Administrator',
    'user',
    'User1',
    'nobody',
    'Ubuntu',
    'guest',
    'System Administrator',
    'Default User',
    'pi',
  ])('skips the account label "%s"', (gecos) => {
    expect(suggestedNameFrom(passwd('ops', 1001, gecos), 'ops')).toBeUndefined();
  });

  it.each(['1001', '42 ', '-', 'A', 'dana'])('skips "%s", which names no person', (gecos) => {
    expect(suggestedNameFrom(passwd('dana', 1000, gecos), 'dana')).toBeUndefined();
  });

  it('skips an empty full name', () => {
    expect(suggestedNameFrom(passwd('dana', 1000, ',,,'), 'dana')).toBeUndefined();
  });

  it('skips a name with a control character', () => {
    expect(suggestedNameFrom(passwd('dana', 1000, 'Dana\u202eelpmaxE'), 'dana')).toBeUndefined();
  });

  it('returns nothing for an unknown account', () => {
    expect(suggestedNameFrom(passwd('dana', 1000, 'Dana Example'), 'dan')).toBeUndefined();
  });
});

function captureError(run: () => unknown): IdentityError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw error;
  }
  return undefined;
}
