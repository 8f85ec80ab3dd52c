import { describe, expect, it } from 'vitest';

import { describeNmcliFailure } from './nmcli-errors.ts';
import { NmcliError } from './nmcli-runner.ts';

function failure(exitCode: number | undefined, detail: string) {
  return describeNmcliFailure(new NmcliError(['connection', 'up', 'x'], exitCode, detail));
}

// Messages as nmcli 1.42.4 prints them, after errorText() removed "Error: " and the hint.
describe('describeNmcliFailure', () => {
  it('names the missing plugin on activation', () => {
    const result = failure(
      4,
      "Connection activation failed: The VPN service 'org.freedesktop.NetworkManager.openvpn' was not installed.",
    );

    expect(result.kind).toBe('openvpn-missing');
    expect(result.message).toContain('apt install network-manager-openvpn');
  });

  it('names the missing plugin on import', () => {
    const result = failure(
      1,
      'failed to load VPN plugin: unknown VPN plugin "org.freedesktop.NetworkManager.openvpn".',
    );

    expect(result.kind).toBe('openvpn-missing');
  });

  it('explains a request for secrets', () => {
    const result = failure(4, 'Connection activation failed: No valid secrets');

    expect(result.kind).toBe('auth-failed');
    expect(result.message).toContain('No valid secrets');
  });

  it('explains a missing network', () => {
    const result = failure(4, 'Connection activation failed: Could not find source connection.');

    expect(result.kind).toBe('management');
    expect(result.message).toContain('connect to a network');
  });

  it('explains a timeout by exit code', () => {
    expect(failure(3, 'Timeout expired (30 seconds)').kind).toBe('timeout');
  });

  it('explains a stopped NetworkManager by exit code', () => {
    const result = failure(8, 'NetworkManager is not running.');

    expect(result.kind).toBe('management');
    expect(result.message).toContain('systemctl start NetworkManager');
  });

  it('explains an unreachable system bus', () => {
    const result = failure(
      1,
      'Could not create NMClient object: Could not connect: No such file or directory.',
    );

    expect(result.message).toContain('NetworkManager is not running');
  });

  it('explains a missing polkit permission', () => {
    const result = failure(
      4,
      'Connection activation failed: Not authorized to control networking.',
    );

    expect(result.kind).toBe('management');
    expect(result.message).toContain('polkit');
  });

  it('explains a deleted connection', () => {
    const result = failure(10, "unknown connection '875d91ee-f3b1-40e3-8289-cf714c48da91'.");

    expect(result.kind).toBe('profile');
  });

  it('passes an unknown message on whole', () => {
    const result = failure(
      4,
      'Connection activation failed: The VPN service stopped unexpectedly.',
    );

    expect(result.kind).toBe('openvpn-exited');
    expect(result.message).toContain('The VPN service stopped unexpectedly.');
  });

  it('does not take a missing nmcli for a missing connection', () => {
    const result = failure(undefined, 'nmcli is not installed; install NetworkManager');

    expect(result.kind).toBe('openvpn-exited');
  });
});
