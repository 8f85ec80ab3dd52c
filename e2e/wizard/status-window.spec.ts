import { mkdir } from 'node:fs/promises';

import type { Page } from '@playwright/test';

import {
  card,
  closeLoopbackNetworks,
  layer,
  openStatusWindow,
  type StatusWindow,
} from './loopback-networks.ts';
import { requireChromium } from './requirements.ts';
import { checkStep, expect, test, type StartWizard } from './wizard-fixtures.ts';

requireChromium();

const SCREENSHOT = 'test-results/status-window.png';
const SMALL_SCREENSHOT = 'test-results/status-window-700x500.png';
const DARK_SCREENSHOT = 'test-results/status-window-dark.png';

test.afterEach(async () => {
  await closeLoopbackNetworks();
});

/** Starts an enrolled, connected host whose prober checks the loopback networks every second. */
async function openConnectedWindow(
  page: Page,
  startWizard: StartWizard,
): Promise<StatusWindow & { driver: NonNullable<StatusWindow['driver']> }> {
  const opened = await openStatusWindow(page, startWizard);
  if (opened.driver === undefined) throw new Error('A connected window has a driver.');
  return { ...opened, driver: opened.driver };
}

test.describe('status window', () => {
  test('shows where each network breaks', async ({ page, startWizard }) => {
    const { networks } = await openConnectedWindow(page, startWizard);

    await expect(card(page, 'office-vlan').getByTestId('network-status')).toHaveText('Reachable');
    await expect(card(page, 'legacy-peers').getByTestId('network-status')).toHaveText('Degraded');
    await expect(card(page, 'azure-vnet').getByTestId('network-status')).toHaveText('Unreachable');

    // The stand-in hosts are loopback addresses, so every probe took a local route, not the tunnel.
    await expect(card(page, 'office-vlan').getByTestId('network-explanation')).toHaveText(
      /^Office VLAN 440 is reachable directly, not through the VPN \([\d.]+ ms\)\.$/,
    );
    await expect(card(page, 'legacy-peers').getByTestId('network-explanation')).toHaveText(
      `Legacy VPN peers is degraded (reached directly, not through the VPN): licence server 127.0.0.21:${networks.refusedPort} refuses connections.`,
    );
    await expect(card(page, 'azure-vnet').getByTestId('network-explanation')).toHaveText(
      'Azure VNet is unreachable while Office VLAN 440 is fine: the link from Office VLAN 440 to Azure VNet is down.',
    );
  });

  test('shows each layer of the path', async ({ page, startWizard }) => {
    await openConnectedWindow(page, startWizard);

    await expect(layer(page, 'office-vlan', 'tunnel')).toContainText('Up');
    await expect(layer(page, 'office-vlan', 'gateway')).toContainText(/[\d.]+ ms/);
    await expect(layer(page, 'office-vlan', 'service')).toContainText(/[\d.]+ ms/);
    await expect(layer(page, 'legacy-peers', 'service')).toContainText('1 of 2 refused');
    await expect(layer(page, 'legacy-peers', 'host')).toContainText(/[\d.]+ ms/);
    await expect(layer(page, 'azure-vnet', 'host')).toContainText('Down');
    await expect(card(page, 'azure-vnet')).toContainText('via Office VLAN 440');
  });

  test('shows the tunnel, traffic and certificate', async ({ page, startWizard }) => {
    await openConnectedWindow(page, startWizard);

    await expect(page.getByTestId('status-connection-state')).toHaveText(
      'Connected to 127.0.0.1:1194 as 192.168.102.7',
    );
    await expect(page.getByTestId('status-endpoint')).toHaveText('127.0.0.1:1194');
    await expect(page.getByTestId('status-tunnel-address')).toHaveText('192.168.102.7');
    await expect(page.getByTestId('status-traffic')).toHaveText('↓received 17 MiB ↑sent 2.3 MiB');
    await expect(page.getByTestId('status-certificate')).toContainText(/days left/);
  });

  test('enables the buttons the state allows', async ({ page, startWizard }) => {
    const { driver } = await openConnectedWindow(page, startWizard);
    const buttons = (name: string) => page.getByRole('button', { name, exact: true });

    await expect(buttons('Connect')).toBeDisabled();
    await expect(buttons('Reconnect')).toBeEnabled();
    await expect(buttons('Disconnect')).toBeEnabled();

    await buttons('Disconnect').click();

    await expect(page.getByTestId('status-connection-state')).toHaveText('Disconnected');
    await expect(buttons('Connect')).toBeEnabled();
    await expect(buttons('Reconnect')).toBeDisabled();
    await expect(buttons('Disconnect')).toBeDisabled();
    await expect(layer(page, 'office-vlan', 'tunnel')).toContainText('Down');
    expect(driver.calls).toEqual(['disconnect']);
  });

  test('reconnects on Ctrl+Shift+R', async ({ page, startWizard }) => {
    const { driver } = await openConnectedWindow(page, startWizard);
    const reconnect = page.getByRole('button', { name: 'Reconnect', exact: true });
    await expect(reconnect).toHaveAttribute('aria-keyshortcuts', 'Control+Shift+R');
    await expect(reconnect).toContainText('Ctrl+Shift+R');
    await page.evaluate(() => ((window as { beforeShortcut?: boolean }).beforeShortcut = true));

    await page.keyboard.press('Control+Shift+R');

    await expect(page.getByTestId('status-connection-state')).toHaveText(
      'Reconnecting: requested by the user',
    );
    await expect(page.getByTestId('status-connection-state')).toHaveText(/^Connected to /);
    expect(driver.calls).toEqual(['reconnect']);
    // The browser's own Ctrl+Shift+R reloads the page; the window keeps its state instead.
    const sameDocument = await page.evaluate(
      () => (window as { beforeShortcut?: boolean }).beforeShortcut,
    );
    expect(sameDocument).toBe(true);
  });

  test('looks finished at 900x640', async ({ page, startWizard }, testInfo) => {
    await openConnectedWindow(page, startWizard);

    // Wait until each sparkline has a few rounds to draw.
    await expect(card(page, 'office-vlan').getByRole('img')).toHaveAccessibleName(
      /over the last ([6-9]|\d\d) checks/,
      { timeout: 20_000 },
    );
    await checkStep(page, testInfo, 'status-window');

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await testInfo.attach('status window at 900x640', {
      path: SCREENSHOT,
      contentType: 'image/png',
    });
  });

  test('stays usable at 700x500', async ({ page, startWizard }, testInfo) => {
    await page.setViewportSize({ width: 700, height: 500 });
    await openConnectedWindow(page, startWizard);
    await expect(card(page, 'azure-vnet').getByTestId('network-status')).toHaveText('Unreachable');

    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, 'horizontal overflow at 700x500').toBeLessThanOrEqual(0);
    await expect(page.getByRole('button', { name: 'Reconnect', exact: true })).toBeInViewport();
    await checkStep(page, testInfo, 'status-window-700x500');
    await page.screenshot({ path: SMALL_SCREENSHOT });
    await testInfo.attach('status window at 700x500', {
      path: SMALL_SCREENSHOT,
      contentType: 'image/png',
    });

    // The cards below the fold scroll into view inside the window, under its fixed bar.
    await card(page, 'legacy-peers').getByTestId('network-explanation').scrollIntoViewIfNeeded();
    await expect(card(page, 'legacy-peers').getByTestId('network-explanation')).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Setup' })).toBeInViewport();
  });

  test('stays readable in the dark theme', async ({ page, startWizard }, testInfo) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openConnectedWindow(page, startWizard);
    await expect(card(page, 'legacy-peers').getByTestId('network-status')).toHaveText('Degraded');
    await expect(card(page, 'azure-vnet').getByTestId('network-status')).toHaveText('Unreachable');

    await checkStep(page, testInfo, 'status-window-dark');
    await page.screenshot({ path: DARK_SCREENSHOT });
    await testInfo.attach('status window in the dark theme', {
      path: DARK_SCREENSHOT,
      contentType: 'image/png',
    });
  });
});
