// Brings the network lab up or down by hand: `npx tsx e2e/lab/lab.ts up|down`. Needs root.
// VPN_ONBOARD_LAB_PREFIX sets the namespace prefix (lab- by default), so a second lab can run
// beside the first.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { CLI_PATH } from './est-server.ts';
import { labDown, labUp } from './lab-environment.ts';
import { labOrganisation } from './lab-profile.ts';
import { LAB_ADDRESSES } from './topology.ts';

const USAGE = 'Usage: npx tsx e2e/lab/lab.ts up|down';

async function main(command: string | undefined): Promise<void> {
  if (command === 'down') {
    await labDown();
    console.log('Lab removed.');
    return;
  }

  if (command !== 'up') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }

  const started = Date.now();
  const lab = await labUp();
  console.log(`Lab up in ${Date.now() - started} ms; files in ${lab.directory}.`);
  console.log(
    `  ${lab.namespace('fw1')}: openvpn PID ${lab.servers.fw1.pid} on ${LAB_ADDRESSES.fw1}:1194`,
  );
  console.log(
    `  ${lab.namespace('fw2')}: openvpn PID ${lab.servers.fw2.pid} on ${LAB_ADDRESSES.fw2}:1194`,
  );
  console.log(`  ${lab.namespace('vlan')}: HTTP on ${LAB_ADDRESSES.vlanHost}:80`);
  console.log(`  ${lab.namespace('azure')}: HTTP on ${LAB_ADDRESSES.azureHost}:80`);
  console.log(
    `  ${lab.namespace('fw1')}: EST server PID ${lab.est.pid} at ${lab.est.url} ` +
      `(user ${lab.est.username}, password in ${lab.est.passwordFile})`,
  );
  console.log(
    `Run commands in the client namespace with: ip netns exec ${lab.namespace('client')} ...`,
  );

  const organisationPath = join(lab.directory, 'organisation.json');
  await writeFile(organisationPath, JSON.stringify(labOrganisation(lab), null, 2), { mode: 0o600 });
  console.log(
    `Enroll there with: ip netns exec ${lab.namespace('client')} ${process.execPath} ${CLI_PATH} ` +
      `enroll --org ${organisationPath} --name "Jane Doe" --email jane.doe@example.org ` +
      `--password-file ${lab.est.passwordFile} --data-dir ${join(lab.directory, 'client-data')}`,
  );
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(`Lab failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
