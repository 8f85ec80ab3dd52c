import { describe, expect, it } from 'vitest';

import { IdentityError, renderSubject, validateIdentity } from './identity.ts';

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
