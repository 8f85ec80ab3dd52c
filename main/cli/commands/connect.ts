import type { Command } from 'commander';

import { canReconnect, type ConnectionState } from '../../connect/connection-state.ts';
import type { OpenvpnDriver } from '../../connect/openvpn-driver.ts';
import type { TunnelCheck } from '../../connect/tunnel-check.ts';
import {
  checkLine,
  createDriver,
  installedProfilePath,
  probeTargetsOf,
  stateLine,
} from '../connection.ts';
import { createContext, printJson, resolveOrganisation, type CommonOptions } from '../context.ts';
import { addCommonOptions } from './shared-options.ts';

// A tunnel check waits for two byte counts and the probes; this bounds how long connect waits.
const CHECK_WAIT_MS = 10_000;

export function registerConnect(program: Command): void {
  const connect = program
    .command('connect')
    .description(
      'Start openvpn with the installed profile and wait until the tunnel is connected. openvpn keeps ' +
        'running after the command returns. Needs root or CAP_NET_ADMIN.',
    );
  addCommonOptions(connect);
  connect.action(async (options: CommonOptions) => {
    const context = createContext(options);
    const organisation = await resolveOrganisation(options.org, context.dataDir);
    const driver = createDriver(context, organisation);
    await driver.installProfile(installedProfilePath(context, organisation));

    // An openvpn that an earlier connect started is reported rather than started twice.
    const running = await driver.recover({ stopUnresponsive: false });
    if (running.status === 'connected') {
      await driver.detach();
      if (context.json) printJson(context, { state: running, tunnelCheck: null });
      else context.out.write(`Already connected. ${stateLine(running)}\n`);
      return;
    }

    // The check starts at CONNECTED and takes over a second, so subscribing afterwards is in time.
    const connected = await driver.connect();
    const checked =
      probeTargetsOf(organisation).length === 0 ? undefined : await waitForCheck(driver);
    await driver.detach();

    // A failed check leaves the driver degraded, and that is the state to report.
    const state = checked?.state ?? connected;
    const check = checked?.check;

    if (context.json) {
      printJson(context, { state, tunnelCheck: check ?? null });
      return;
    }
    context.out.write(`${stateLine(state)}\n`);
    if (check !== undefined) context.out.write(`${checkLine(check)}\n`);
  });

  const disconnect = program
    .command('disconnect')
    .description(
      'Stop the openvpn that connect started and wait until it and its tun device are gone.',
    );
  addCommonOptions(disconnect);
  disconnect.action(async (options: CommonOptions) => {
    const context = createContext(options);
    const driver = createDriver(context);
    await driver.recover({ stopUnresponsive: false });
    await driver.disconnect();

    if (context.json) printJson(context, { state: driver.state() });
    else context.out.write(`${stateLine(driver.state())}\n`);
  });

  const reconnect = program
    .command('reconnect')
    .description(
      'Restart the running tunnel (openvpn SIGUSR1) and wait until it is connected again.',
    );
  addCommonOptions(reconnect);
  reconnect.action(async (options: CommonOptions) => {
    const context = createContext(options);
    const driver = createDriver(context);
    const before = await driver.recover({ stopUnresponsive: false });
    if (!canReconnect(before)) {
      throw new Error(`Cannot reconnect: ${stateLine(before)}. Run "vpn-onboard connect" first.`);
    }

    const state = await driver.reconnect();
    await driver.detach();

    if (context.json) printJson(context, { state });
    else context.out.write(`${stateLine(state)}\n`);
  });
}

/**
 * Resolves with the next tunnel check and the driver's state when it came (connected, or
 * degraded after a failed check), or undefined when no check comes in time.
 */
function waitForCheck(
  driver: OpenvpnDriver,
): Promise<{ check: TunnelCheck; state: ConnectionState } | undefined> {
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(undefined);
    }, CHECK_WAIT_MS);
    unsubscribe = driver.onTunnelCheck((check) => {
      clearTimeout(timer);
      unsubscribe();
      resolve({ check, state: driver.state() });
    });
  });
}
