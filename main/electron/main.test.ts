import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import { app, protocol } from './testing/electron-fake.ts';

// main.ts registers itself with Electron when imported, so it is imported once, and the calls
// are copied before the runner clears mocks between tests.
const { organisationArgument } = await import('./main.ts');
const appEvents = app.on.mock.calls.map((call: unknown[]) => call[0]);
const lockRequests = app.requestSingleInstanceLock.mock.calls.length;
const schemes = protocol.registerSchemesAsPrivileged.mock.calls.flat(2) as {
  scheme: string;
  privileges: { secure?: boolean; standard?: boolean };
}[];

describe('electron main', () => {
  it('registers app:// as a secure scheme', () => {
    expect(schemes.map((entry) => entry.scheme)).toEqual(['app']);
    expect(schemes[0]?.privileges.secure).toBe(true);
  });

  it('takes the single-instance lock', () => {
    expect(lockRequests).toBe(1);
    expect(appEvents).toContain('second-instance');
  });

  it('locks down every web contents', () => {
    expect(appEvents).toContain('web-contents-created');
  });

  it('keeps running in the tray when the window closes', () => {
    expect(appEvents).toContain('window-all-closed');
    expect(appEvents).toContain('before-quit');
  });

  it('reads --org in both forms', () => {
    expect(organisationArgument(['electron', 'main.js', '--org', '/a.yaml'])).toBe('/a.yaml');
    expect(organisationArgument(['electron', 'main.js', '--org=/b.yaml'])).toBe('/b.yaml');
    expect(organisationArgument(['electron', 'main.js'])).toBeUndefined();
  });
});
