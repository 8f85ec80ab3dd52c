import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import { trayModel } from '../tray/tray-model.ts';
import { Menu, Notification, Tray } from './testing/electron-fake.ts';
import { createAppTray, menuTemplate, showNotice, trayIconPath } from './tray.ts';

const CONNECTED = {
  status: 'connected',
  endpoint: { host: 'fw1.vpn.example.org', port: 1194 },
  tunnelAddress: '192.168.102.2',
  since: '2026-12-04T10:00:00.000Z',
} as const;

interface TemplateItem {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

describe('electron tray', () => {
  beforeEach(() => {
    Tray.created.length = 0;
    Notification.shown.length = 0;
    Notification.supported = true;
  });

  it('uses template images on macOS only', () => {
    expect(trayIconPath('/icons', 'degraded', 'darwin')).toBe('/icons/degradedTemplate.png');
    expect(trayIconPath('/icons', 'degraded', 'linux')).toBe('/icons/degraded.png');
    expect(trayIconPath('/icons', 'error', 'win32')).toBe('/icons/error.png');
  });

  it('maps the model menu to electron items', () => {
    const onAction = vi.fn();
    const template = menuTemplate(trayModel(CONNECTED, undefined).menu, onAction) as TemplateItem[];

    expect(template[0]).toMatchObject({ id: 'status', enabled: false });
    expect(template.filter((item) => item.type === 'separator')).toHaveLength(2);
    const disconnect = template.find((item) => item.id === 'disconnect');
    expect(disconnect?.enabled).toBe(true);
    disconnect?.click?.();
    expect(onAction).toHaveBeenCalledWith('disconnect');
  });

  it('changes the image only when the icon changes', () => {
    const appTray = createAppTray('/icons', vi.fn());
    const tray = Tray.created[0]!;
    const first = tray.image;

    appTray.render(trayModel({ status: 'disconnected' }, undefined));
    expect(tray.image).toBe(first);

    appTray.render(trayModel(CONNECTED, undefined));
    const expectedPath = trayIconPath('/icons', 'connected', process.platform);
    expect(tray.image).toEqual({ path: expectedPath });
    expect(tray.tooltip).toContain('Connected to fw1.vpn.example.org:1194');
    expect(Menu.buildFromTemplate).toHaveBeenCalled();
  });

  it('opens the window on a left click', () => {
    const onAction = vi.fn();
    createAppTray('/icons', onAction);

    Tray.created[0]!.emit('click');

    expect(onAction).toHaveBeenCalledWith('open');
  });

  it('shows a notice that opens the window when clicked', () => {
    const onClick = vi.fn();

    showNotice({ key: 'connection', title: 'VPN disconnected', body: 'Stopped.' }, onClick);
    Notification.shown[0]!.emit('click');

    expect(Notification.shown[0]!.options.title).toBe('VPN disconnected');
    expect(onClick).toHaveBeenCalled();
  });

  it('skips notices where the platform has none', () => {
    Notification.supported = false;

    showNotice({ key: 'connection', title: 'VPN disconnected', body: 'Stopped.' }, vi.fn());

    expect(Notification.shown).toHaveLength(0);
  });
});
