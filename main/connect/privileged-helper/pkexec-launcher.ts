import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

import type { OpenvpnLauncher } from '../openvpn-launch.ts';
import { HELPER_INSTALL_PATH, SYSTEM_OPENVPN_PATHS } from './helper-paths.ts';

export const PKEXEC_PATH = '/usr/bin/pkexec';

export interface PkexecLauncherOptions {
  pkexecPath?: string;
  helperPath?: string;
}

/**
 * Returns a launcher that starts openvpn as root through pkexec and the privileged helper:
 * `pkexec HELPER OPENVPN --config PROFILE --management SOCKET unix --management-hold ...`. The
 * desktop's polkit agent prompts for an administrator password, which polkit then keeps for a
 * few minutes (auth_admin_keep). The helper takes exactly the openvpn driver's arguments, so the
 * driver attaches to the management socket and reads openvpn's PID as with a direct start.
 */
export function pkexecLauncher(options: PkexecLauncherOptions = {}): OpenvpnLauncher {
  const pkexecPath = options.pkexecPath ?? PKEXEC_PATH;
  const helperPath = options.helperPath ?? HELPER_INSTALL_PATH;

  return (request) => {
    if (request.commandPrefix.length > 0) {
      throw new Error(
        `The pkexec launcher cannot run openvpn under ${request.commandPrefix.join(' ')}; use the direct launcher there.`,
      );
    }
    // pkexec keeps standard output and error, so openvpn and the helper write to the log file.
    return spawn(pkexecPath, [helperPath, request.openvpnPath, ...request.args], {
      detached: true,
      stdio: ['ignore', request.logFd, request.logFd],
    });
  };
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
