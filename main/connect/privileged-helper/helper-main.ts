// The privileged openvpn helper: `pkexec /usr/lib/vpn-onboard/openvpn-helper OPENVPN --config
// PROFILE [--disable-dco]`. It runs as root, so it trusts nothing of its caller but PKEXEC_UID,
// which pkexec sets. runHelper checks the arguments and the profile, creates the socket folder
// /run/vpn-onboard/<uid>, then starts openvpn. This file passes signals on
// to openvpn and exits with its exit code. Messages go to standard error, which the app writes
// to openvpn's log.
import { spawnSync } from 'node:child_process';

import { runHelper } from './helper-run.ts';
import { callerFrom, HelperRequestError } from './helper-request.ts';
import { ProfileRejectedError } from './profile-allowlist.ts';

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'];
const REJECTED_EXIT_CODE = 2;

async function main(): Promise<number> {
  const uid = process.env.PKEXEC_UID;
  const passwd = spawnSync('getent', ['passwd', uid ?? ''], { encoding: 'utf8' });
  const caller = callerFrom(uid, passwd.stdout ?? '');

  const run = await runHelper(process.argv.slice(2), caller);
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => run.child.kill(signal));
  }
  return run.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const rejected = error instanceof HelperRequestError || error instanceof ProfileRejectedError;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`vpn-onboard openvpn helper: ${message}`);
    process.exit(rejected ? REJECTED_EXIT_CODE : 1);
  },
);
