import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

import type { LaunchFailure, OpenvpnLauncher } from '../openvpn-launch.ts';
import { HELPER_INSTALL_PATH, helperSocketPath, SYSTEM_OPENVPN_PATHS } from './helper-paths.ts';

export const PKEXEC_PATH = '/usr/bin/pkexec';

/**
 * Milliseconds openvpn may take to open its management interface through pkexec. The time
 * includes the administrator prompt, which a person needs longer for than openvpn needs to
 * start.
 */
export const PKEXEC_ATTACH_TIMEOUT_MS = 120_000;

// pkexec(1): 126 when the user dismissed the authentication dialog, 127 when the caller is not
// authorised or authentication failed.
const PKEXEC_DISMISSED = 126;
const PKEXEC_NOT_AUTHORISED = 127;

export const PROMPT_CANCELLED_MESSAGE =
  'You cancelled the administrator prompt, so the VPN did not start. Connect again and enter your password.';

export const NOT_AUTHORISED_MESSAGE =
  'The administrator password was not accepted, or this account may not start the VPN ' +
  '(polkit action org.vpnonboard.openvpn-helper), so the VPN did not start. Connect again and ' +
  'enter the password of an administrator, or ask your administrator for access.';

export interface PkexecLauncherOptions {
  pkexecPath?: string;
  helperPath?: string;
  /** The helper's run folder, /run/vpn-onboard by default; tests pass a folder of their own. */
  runFolder?: string;
}

/**
 * Returns a launcher that starts openvpn as root through pkexec and the privileged helper:
 * `pkexec HELPER OPENVPN --config PROFILE [--disable-dco]`. The helper puts the management
 * socket at `helperSocketPath(uid)` itself, and the launcher names that path to the driver, so
 * the driver attaches to it and reads openvpn's PID as with a direct start. The desktop's
 * polkit agent prompts for an administrator password at every start (auth_admin), so openvpn
 * gets PKEXEC_ATTACH_TIMEOUT_MS to open its interface.
 */
export function pkexecLauncher(options: PkexecLauncherOptions = {}): OpenvpnLauncher {
  const pkexecPath = options.pkexecPath ?? PKEXEC_PATH;
  const helperPath = options.helperPath ?? HELPER_INSTALL_PATH;
  const socketPath = helperSocketPath(process.getuid!(), options.runFolder);

  const launch: OpenvpnLauncher = (request) => {
    if (request.commandPrefix.length > 0) {
      throw new Error(
        `The pkexec launcher cannot run openvpn under ${request.commandPrefix.join(' ')}; use the direct launcher there.`,
      );
    }
    if (request.socketPath !== socketPath) {
      throw new Error(
        `The pkexec helper opens the management socket at ${socketPath}, not at ${request.socketPath}.`,
      );
    }
    const args = [request.openvpnPath, '--config', request.profilePath, ...request.extraArguments];
    // pkexec keeps standard output and error, so openvpn and the helper write to the log file.
    return spawn(pkexecPath, [helperPath, ...args], {
      detached: true,
      stdio: ['ignore', request.logFd, request.logFd],
    });
  };
  launch.managementSocketPath = socketPath;
  launch.attachTimeoutMs = PKEXEC_ATTACH_TIMEOUT_MS;
  launch.explainExit = explainPkexecExit;
  return launch;
}

/**
 * Explains pkexec's own exit codes for a failed authorisation; other codes are openvpn's.
 * NOTE: a shell wrapper that cannot find its program exits 127 as well, so a broken helper
 * install reads as a refused authorisation.
 */
export function explainPkexecExit(code: number | null): LaunchFailure | undefined {
  if (code === PKEXEC_DISMISSED) return { kind: 'auth-failed', message: PROMPT_CANCELLED_MESSAGE };
  if (code === PKEXEC_NOT_AUTHORISED) {
    return { kind: 'auth-failed', message: NOT_AUTHORISED_MESSAGE };
  }
  return undefined;
}

/** The installed pkexec, helper and system openvpn that the helper path needs. */
export interface HelperInstallation {
  pkexecPath: string;
  helperPath: string;
  openvpnPath: string;
}

/**
 * Finds pkexec, the installed helper and the system openvpn the helper accepts. Returns
 * undefined when one of them is missing.
 */
export function findHelperInstallation(
  isExecutable: (path: string) => boolean = executable,
): HelperInstallation | undefined {
  const openvpnPath = SYSTEM_OPENVPN_PATHS.find(isExecutable);
  if (
    !isExecutable(PKEXEC_PATH) ||
    !isExecutable(HELPER_INSTALL_PATH) ||
    openvpnPath === undefined
  ) {
    return undefined;
  }
  return { pkexecPath: PKEXEC_PATH, helperPath: HELPER_INSTALL_PATH, openvpnPath };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
