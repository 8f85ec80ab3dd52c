import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { allowedExtraDirectives, rejectedDirectiveReason } from './directives.ts';

describe('extra directive allowlist', () => {
  it('accepts an allowlisted directive with valid arguments', () => {
    expect(rejectedDirectiveReason('tun-mtu', ['1400'])).toBeUndefined();
  });

  it('rejects directives that run programs or load code', () => {
    const dangerous = [
      'up',
      'down',
      'route-up',
      'route-pre-down',
      'ipchange',
      'tls-verify',
      'learn-address',
      'client-connect',
      'auth-user-pass-verify',
      'plugin',
      'config',
      'dns-updown',
    ];
    for (const name of dangerous) {
      expect(rejectedDirectiveReason(name, ['/bin/sh']), name).toMatch(/is not allowed because/);
    }
  });

  it('rejects script-security above 1', () => {
    expect(rejectedDirectiveReason('script-security', ['2'])).toMatch(/run programs/);
  });

  it('rejects directives the profile writes itself', () => {
    expect(rejectedDirectiveReason('remote')).toMatch(/is set from the other ca and vpn fields/);
  });

  it('rejects a name with leading dashes', () => {
    expect(rejectedDirectiveReason('--verb')).toMatch(/without leading dashes/);
  });

  it('matches the list in the reference docs', async () => {
    const docs = await readFile(
      join(import.meta.dirname, '../../docs/organisation-file.md'),
      'utf8',
    );
    const section = docs.slice(
      docs.indexOf('Only these names are'),
      docs.indexOf('only means something on Windows'),
    );
    const documented = [
      ...new Set([...section.matchAll(/`([a-z0-9-]+)`/g)].map((match) => match[1])),
    ];

    expect(documented.sort()).toEqual([...allowedExtraDirectives].sort());
  });
});
