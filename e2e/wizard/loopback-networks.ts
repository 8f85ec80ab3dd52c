import { createServer, type Server } from 'node:net';

import type { Page } from '@playwright/test';

import type { NetworkDefinition } from '../../main/org/schema.ts';
import { ScriptedDriver } from '../../main/testing/scripted-driver.ts';
import { expectStep, type StartWizard, type WizardEnvironment } from './wizard-fixtures.ts';

// Linux ignores echo requests to a broadcast address (net.ipv4.icmp_echo_ignore_broadcasts, on by
// default) and refuses TCP connects to one, so the loopback broadcast address acts as a host
// that is switched off, without any packet leaving loopback.
const SILENT_HOST = '127.255.255.255';

/** Loopback listeners that stand in for the hosts of three networks. */
export interface LoopbackNetworks {
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

/** Returns a port on `host` that was free a moment ago and has no listener, so it refuses. */
async function refusingPort(host: string): Promise<number> {
  const spare = await listen(host);
  const port = portOf(spare);
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  return port;
}

/**
 * Opens the listeners for an office VLAN where everything responds, legacy peers where one port
 * refuses connections, and a cloud network, reached through the VLAN, whose only host is silent.
 */
export async function startLoopbackNetworks(): Promise<LoopbackNetworks> {
  const servers = [
    await listen('127.0.0.10'),
    await listen('127.0.0.11'),
    await listen('127.0.0.20'),
  ];
  const [fileServer, directory, buildAgent] = servers.map(portOf);
  const refusedPort = await refusingPort('127.0.0.21');

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

/** Returns a network whose host replies to echo requests while both its service ports refuse. */
export async function refusingNetwork(): Promise<NetworkDefinition> {
  const host = '127.0.0.30';
  const ports = [await refusingPort(host), await refusingPort(host)];
  return {
    id: 'print-servers',
    name: 'Print servers',
    cidrs: ['127.0.0.0/8'],
    probes: ports.map((port, index) => ({ host, port, name: `printer ${index + 1}` })),
  };
}

const opened: LoopbackNetworks[] = [];

/** Closes the listeners every `openStatusWindow` opened; call it after each test. */
export async function closeLoopbackNetworks(): Promise<void> {
  await Promise.all(opened.splice(0).map((networks) => networks.close()));
}

export interface StatusWindow {
  wizard: WizardEnvironment;
  driver: ScriptedDriver | undefined;
  networks: LoopbackNetworks;
}

export interface StatusWindowOptions {
  /** The tunnel's state at the start; without a driver this host cannot connect. */
  tunnel?: 'connected' | 'disconnected' | 'no-driver';
  /** Networks to probe after the three loopback networks. */
  extraNetworks?: NetworkDefinition[];
}

/** Starts an enrolled host whose prober checks the loopback networks every second. */
export async function openStatusWindow(
  page: Page,
  startWizard: StartWizard,
  options: StatusWindowOptions = {},
): Promise<StatusWindow> {
  const tunnel = options.tunnel ?? 'connected';
  const networks = await startLoopbackNetworks();
  opened.push(networks);
  const driver =
    tunnel === 'no-driver'
      ? undefined
      : new ScriptedDriver({
          endpoint: { host: '127.0.0.1', port: 1194 },
          tunnelAddress: '192.168.102.7',
          // Long enough for a loaded CI machine to render and a spec to see the state in between.
          stepMs: 1_000,
        });
  if (tunnel === 'connected') driver?.set(driver.connectedState());

  const wizard = await startWizard({
    method: 'est',
    enrolled: true,
    driver,
    networks: [...networks.networks, ...(options.extraNetworks ?? [])],
    status: { intervalMs: 1_000, disconnectedIntervalMs: 1_000, timeoutMs: 500 },
  });
  if (tunnel === 'connected') driver?.reportBytes({ bytesIn: 18_350_000, bytesOut: 2_430_000 });
  await wizard.open(page);
  await expectStep(page, 'VPN status');
  return { wizard, driver, networks };
}

/** Returns the card of one network in the status window. */
export function card(page: Page, networkId: string) {
  return page.getByTestId(`network-${networkId}`);
}

/** Returns one layer row of a network card. */
export function layer(page: Page, networkId: string, name: string) {
  return card(page, networkId).locator(`[data-layer="${name}"]`);
}
