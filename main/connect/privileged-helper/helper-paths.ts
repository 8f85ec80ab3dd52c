/**
 * The path packages install the privileged openvpn helper at. The polkit policy names the same path
 * in its `org.freedesktop.policykit.exec.path` annotation, which is how pkexec finds the action.
 */
export const HELPER_INSTALL_PATH = '/usr/lib/vpn-onboard/openvpn-helper';

/** The polkit action that allows the helper, declared in org.vpnonboard.openvpn-helper.policy. */
export const POLKIT_ACTION_ID = 'org.vpnonboard.openvpn-helper';

/**
 * The openvpn executables the helper runs. The caller names one of them, and the helper runs
 * nothing else, so a caller cannot have root run a program of its choice.
 */
export const SYSTEM_OPENVPN_PATHS = ['/usr/sbin/openvpn', '/usr/bin/openvpn', '/sbin/openvpn'];

/**
 * The folder the helper keeps management sockets in, one folder per user below it. Only root
 * can write it, so a caller can never swap its own folder for a symbolic link.
 */
export const HELPER_RUN_FOLDER = '/run/vpn-onboard';

/** The name of openvpn's management socket in the caller's folder. */
export const MANAGEMENT_SOCKET_NAME = 'management.sock';

/**
 * Returns the management socket the helper gives openvpn for user `uid`, so the app knows it
 * without being told: `<runFolder>/<uid>/management.sock`.
 */
export function helperSocketPath(uid: number, runFolder: string = HELPER_RUN_FOLDER): string {
  return `${runFolder}/${uid}/${MANAGEMENT_SOCKET_NAME}`;
}
