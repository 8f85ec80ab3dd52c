import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import { appMenuTemplate } from './app-menu.ts';

function roles(template: ReturnType<typeof appMenuTemplate>): string[] {
  return template.flatMap((item) => {
    const submenu = Array.isArray(item.submenu) ? item.submenu : [];
    return [item.role ?? '', ...submenu.map((entry) => entry.role ?? '')];
  });
}

describe('app menu', () => {
  it('leaves out every reload command', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const all = roles(appMenuTemplate(platform));

      expect(all).not.toContain('reload');
      expect(all).not.toContain('forceReload');
    }
  });

  it('keeps copy and paste', () => {
    expect(roles(appMenuTemplate('linux'))).toEqual(expect.arrayContaining(['copy', 'paste']));
  });

  it('keeps the application menu on macOS', () => {
    expect(appMenuTemplate('darwin')[0]?.role).toBe('appMenu');
    expect(appMenuTemplate('linux')[0]?.role).toBeUndefined();
  });
});
