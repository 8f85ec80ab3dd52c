import { mkdir } from 'node:fs/promises';

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import {
  card,
  closeLoopbackNetworks,
  layer,
  openStatusWindow,
  refusingNetwork,
} from './loopback-networks.ts';
import { requireChromium } from './requirements.ts';
import { checkStep, expect, test } from './wizard-fixtures.ts';

requireChromium();

test.afterEach(async () => {
  await closeLoopbackNetworks();
});

function button(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir('test-results/status-states', { recursive: true });
  await page.screenshot({ path: `test-results/status-states/${name}.png` });
}

test.describe('status window states', () => {
  test('explains a refused reconnect shortcut', async ({ page, startWizard }) => {
    const { driver } = await openStatusWindow(page, startWizard, { tunnel: 'disconnected' });
    const notice = page.getByTestId('status-shortcut-notice');
    await expect(page.getByTestId('status-connection-state')).toHaveText('Disconnected');

    await page.keyboard.press('Control+Shift+R');

    await expect(notice).toHaveText(
      'Not connected, so there is nothing to reconnect. Use Connect.',
    );
    await expect(notice).toHaveAttribute('role', 'status');
    await expect(notice).toBeInViewport();
    await screenshot(page, 'shortcut-refused');
    expect(driver?.calls).toEqual([]);
    // The notice is brief: it goes by itself after a few seconds.
    await expect(notice).toHaveText('', { timeout: 10_000 });
  });

  test('explains the shortcut without buttons', async ({ page, startWizard }) => {
    await openStatusWindow(page, startWizard, { tunnel: 'no-driver' });
    await expect(button(page, 'Reconnect')).toHaveCount(0);

    await page.keyboard.press('Control+Shift+R');

    await expect(page.getByTestId('status-shortcut-notice')).toHaveText(
      'This preview cannot start the VPN, so there is nothing to reconnect.',
    );
  });

  test('says first that the preview cannot connect', async ({ page, startWizard }, testInfo) => {
    await openStatusWindow(page, startWizard, { tunnel: 'no-driver' });
    const note = page.getByTestId('status-connect-unavailable');

    await expect(note).toHaveText(/^This browser preview cannot start the VPN\b/);
    await expect(note).toHaveText(/Developer detail: .*--connect/);
    await checkStep(page, testInfo, 'status-no-driver');
  });

  test('marks the last known state once the link is lost', async ({ page, startWizard }) => {
    const { wizard } = await openStatusWindow(page, startWizard);
    await expect(card(page, 'office-vlan').getByTestId('network-status')).toHaveText('Reachable');
    await expect(page.getByTestId('status-stale-note')).toHaveCount(0);

    await wizard.served.host.close();

    await expect(page.getByTestId('status-stale-note')).toHaveText(
      /^Last known state, \d\d:\d\d:\d\d\./,
    );
    await expect(page.getByTestId('status-content')).toHaveClass(/status-stale/);
    await expect(page.getByRole('alert')).toContainText('The connection to the app closed.');
    for (const name of ['Reconnect', 'Disconnect', 'Check now']) {
      await expect(button(page, name), name).toBeDisabled();
    }
    await expect(button(page, 'Connect')).toBeDisabled();
    await expect(button(page, 'Reload')).toBeEnabled();
    // The dimmed view must stay legible, so it is held to the same axe rules as every step.
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} (${violation.nodes.length} nodes)`);
    expect(serious, 'axe violations in the stale view').toEqual([]);
    await screenshot(page, 'stale-900x640');
    await page.setViewportSize({ width: 700, height: 500 });
    await screenshot(page, 'stale-700x500');

    await page.keyboard.press('Control+Shift+R');
    const notice = page.getByTestId('status-shortcut-notice');
    await expect(notice).toHaveText(
      'Not connected to the app, so nothing can be reconnected. Reload the page.',
    );
    await expect(notice).toBeInViewport();
    await screenshot(page, 'stale-shortcut-700x500');
  });

  test('tells a first status from a change', async ({ page, startWizard }) => {
    const { networks } = await openStatusWindow(page, startWizard);
    const office = card(page, 'office-vlan');
    await expect(office.getByTestId('network-status')).toHaveText('Reachable');
    await expect(office.getByTestId('network-changed')).toHaveText(/^no change since \d\d:\d\d$/);

    // With the listeners gone the office ports refuse too, while the legacy peers, degraded by a
    // refused port already, stay as they were.
    await networks.close();

    await expect(office.getByTestId('network-status')).toHaveText('Degraded');
    await expect(office.getByTestId('network-changed')).toHaveText(/^changed \d\d:\d\d:\d\d$/);
    await expect(card(page, 'legacy-peers').getByTestId('network-changed')).toHaveText(
      /^no change since \d\d:\d\d$/,
    );
  });

  test('does not show a ping as a healthy latency', async ({ page, startWizard }, testInfo) => {
    const printers = await refusingNetwork();
    await openStatusWindow(page, startWizard, { extraNetworks: [printers] });
    const printerCard = card(page, 'print-servers');

    await expect(printerCard.getByTestId('network-status')).toHaveText('Degraded');
    await expect(layer(page, 'print-servers', 'host')).toContainText(/[\d.]+ ms/);
    await expect(layer(page, 'print-servers', 'service')).toContainText('2 of 2 refused');
    await expect(printerCard.getByTestId('network-latency')).toContainText(/^ping [\d.]+ ms/);
    await expect(printerCard.getByTestId('network-latency')).toHaveClass(/latency-muted/);
    await expect(card(page, 'office-vlan').getByTestId('network-latency')).not.toHaveClass(
      /latency-muted/,
    );

    await printerCard.scrollIntoViewIfNeeded();
    await screenshot(page, 'refusing-network');
    await checkStep(page, testInfo, 'status-refusing-network');
  });
});
