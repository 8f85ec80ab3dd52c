import type { ConnectionErrorKind } from '../connection-state.ts';
import { NMCLI_EXIT, type NmcliError } from './nmcli-runner.ts';

/** A failed nmcli call, as the error state shows it. */
export interface NmcliFailure {
  kind: ConnectionErrorKind;
  message: string;
}

export const PLUGIN_MISSING_MESSAGE =
  "NetworkManager's OpenVPN plugin is not installed; install network-manager-openvpn " +
  '(Debian and Ubuntu: apt install network-manager-openvpn), then connect again.';

const notRunning = (): NmcliFailure => ({
  kind: 'management',
  message:
    'NetworkManager is not running; start it (systemctl start NetworkManager) and connect again.',
});

const timedOut = (): NmcliFailure => ({
  kind: 'timeout',
  message:
    'No VPN server completed the connection in time; check the network, or ask your ' +
    'administrator whether the VPN servers are up.',
});

interface Rule {
  pattern: RegExp;
  failure: (nmcliText: string) => NmcliFailure;
}

// Matched against nmcli's English messages (the runner sets LC_ALL=C), as NetworkManager 1.42
// and network-manager-openvpn 1.10.2 print them.
const RULES: Rule[] = [
  {
    pattern: /VPN service .* was not installed|failed to load VPN plugin|unknown VPN plugin/i,
    failure: () => ({ kind: 'openvpn-missing', message: PLUGIN_MISSING_MESSAGE }),
  },
  {
    pattern: /secrets were required|no valid secrets|no secrets/i,
    failure: (text) => ({
      kind: 'auth-failed',
      message:
        'NetworkManager asked for a password or another secret, which a VPN Onboard profile never ' +
        `needs (NetworkManager said: ${text}). Connect again so the profile is imported afresh; if ` +
        'that does not help, ask your administrator.',
    }),
  },
  {
    pattern: /not authori[sz]ed|insufficient privileges|permission denied/i,
    failure: (text) => ({
      kind: 'management',
      message:
        `NetworkManager did not allow this user to control the VPN (${text}). Ask your ` +
        'administrator to allow it (polkit), or log in at the computer itself.',
    }),
  },
  {
    pattern: /could not find source connection|no suitable device|base network connection/i,
    failure: () => ({
      kind: 'management',
      message:
        'NetworkManager has no network connection to start the VPN over; connect to a network ' +
        '(cable or Wi-Fi) first, then connect again.',
    }),
  },
  {
    pattern: /NetworkManager is not running|could not create NMClient object/i,
    failure: notRunning,
  },
  {
    pattern: /unknown connection|no such connection/i,
    failure: (text) => ({
      kind: 'profile',
      message: `The VPN connection is gone from NetworkManager (${text}); connect again to import the profile afresh.`,
    }),
  },
  { pattern: /timeout|timed out/i, failure: timedOut },
];

/**
 * Turns a failed nmcli call into the error state's kind and a message in plain words, with
 * what to do next. An unknown message is passed on whole, because it is the best clue there is.
 */
export function describeNmcliFailure(error: NmcliError): NmcliFailure {
  const text = error.detail;

  if (error.exitCode === NMCLI_EXIT.timeout) return timedOut();
  if (error.exitCode === NMCLI_EXIT.notRunning) return notRunning();

  const rule = RULES.find((candidate) => candidate.pattern.test(text));
  if (rule !== undefined) return rule.failure(text);

  return {
    kind: 'openvpn-exited',
    message:
      `NetworkManager could not start the VPN: ${text}. Its log (journalctl -u NetworkManager) ` +
      "has openvpn's own messages.",
  };
}
