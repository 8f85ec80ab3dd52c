import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';

import type { Page } from '@playwright/test';

import type { NetworkDefinition } from '../../main/org/schema.ts';
import { ScriptedDriver } from '../../main/testing/scripted-driver.ts';
import { requireChromium } from './requirements.ts';
import {
  checkStep,
  expect,
  expectStep,
  test,
  type StartWizard,
  type WizardEnvironment,
} from './wizard-fixtures.ts';

requireChromium();

const SCREENSHOT = 'test-results/status-window.png';
const SMALL_SCREENSHOT = 'test-results/status-window-700x500.png';
const DARK_SCREENSHOT = 'test-results/status-window-dark.png';

// Linux ignores echo requests to a broadcast address (net.ipv4.icmp_echo_ignore_broadcasts, on by
// default) and refuses TCP connects to one, so the loopback broadcast address acts as a host
// that is switched off, without any packet leaving loopback.
const SILENT_HOST = '127.255.255.255';

/** Loopback listeners that stand in for the hosts of three networks. */
interface LoopbackNetworks {
  networks: NetworkDefinition[];
  /** The port on the licence server that refuses connections. */
  refusedPort: number;
  close(): Promise<void>;
}

async function listen(host: string): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return server;
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

/**
 * Opens the listeners for an office VLAN where everything responds, legacy peers where one port
 * refuses connections, and a cloud network, reached through the VLAN, whose only host is silent.
 */
async function startLoopbackNetworks(): Promise<LoopbackNetworks> {
  const servers = [
    await listen('127.0.0.10'),
    await listen('127.0.0.11'),
    await listen('127.0.0.20'),
  ];
  const [fileServer, directory, buildAgent] = servers.map(portOf);
  // A port that was free a moment ago and that nothing listens on, so the host replies with RST.
  const spare = await listen('127.0.0.21');
  const refusedPort = portOf(spare);
  await new Promise<void>((resolve) => spare.close(() => resolve()));

  return {
    refusedPort,
    networks: [
      {
        id: 'office-vlan',
        name: 'Office VLAN 440',
        cidrs: ['127.0.0.0/8'],
        gateway: '127.0.0.1',
        probes: [
          { host: '127.0.0.10', port: fileServer, name: 'file server' },
          { host: '127.0.0.11', port: directory, name: 'directory' },
        ],
      },
      {
        id: 'azure-vnet',
        name: 'Azure VNet',
        cidrs: ['127.0.0.0/8'],
        probes: [{ host: SILENT_HOST, port: 443, name: 'app VM' }],
        via: 'office-vlan',
      },
      {
        id: 'legacy-peers',
        name: 'Legacy VPN peers',
        cidrs: ['127.0.0.0/8'],
        probes: [
          { host: '127.0.0.20', port: buildAgent, name: 'build agent' },
          { host: '127.0.0.21', port: refusedPort, name: 'licence server' },
        ],
      },
    ],
    close: async () => {
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}

let loopback: LoopbackNetworks | undefined;

test.afterEach(async () => {
  await loopback?.close();
  loopback = undefined;
});

interface ConnectedWindow {
  wizard: WizardEnvironment;
  driver: ScriptedDriver;
  networks: LoopbackNetworks;
}

/** Starts an enrolled, connected host whose prober checks the loopback networks every second. */
async function openConnectedWindow(page: Page, startWizard: StartWizard): Promise<ConnectedWindow> {
  loopback = await startLoopbackNetworks();
  const driver = new ScriptedDriver({
    endpoint: { host: '127.0.0.1', port: 1194 },
    tunnelAddress: '192.168.102.7',
    stepMs: 300,
  });
  driver.set(driver.connectedState());

  const wizard = await startWizard({
    method: 'est',
    enrolled: true,
    driver,
    networks: loopback.networks,
    status: { intervalMs: 1_000, disconnectedIntervalMs: 1_000, timeoutMs: 500 },
  });
  driver.reportBytes({ bytesIn: 18_350_000, bytesOut: 2_430_000 });
  await wizard.open(page);
  await expectStep(page, 'VPN status');
  return { wizard, driver, networks: loopback };
}

function card(page: Page, networkId: string) {
  return page.getByTestId(`network-${networkId}`);
}

function layer(page: Page, networkId: string, name: string) {
  return card(page, networkId).locator(`[data-layer="${name}"]`);
}

test.describe('status window', () => {
  test('shows where each network breaks', async ({ page, startWizard }) => {
    const { networks } = await openConnectedWindow(page, startWizard);

    await expect(card(page, 'office-vlan').getByTestId('network-status')).toHaveText('Reachable');
    await expect(card(page, 'legacy-peers').getByTestId('network-status')).toHaveText('Degraded');
    await expect(card(page, 'azure-vnet').getByTestId('network-status')).toHaveText('Unreachable');

    await expect(card(page, 'office-vlan').getByTestId('network-explanation')).toHaveText(
      /^Office VLAN 440 is reachable \([\d.]+ ms\)\.$/,
    );
    await expect(card(page, 'legacy-peers').getByTestId('network-explanation')).toHaveText(
      `Legacy VPN peers is degraded: licence server 127.0.0.21:${networks.refusedPort} refuses connections.`,
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
    await expect(layer(page, 'legacy-peers', 'service')).toContainText('Refused');
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
