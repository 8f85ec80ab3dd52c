// Brings the network lab up or down by hand: `npx tsx e2e/lab/lab.ts up|down`. Needs root.
import { labDown, labUp } from './lab-environment.ts';
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
    `Run commands in the client namespace with: ip netns exec ${lab.namespace('client')} ...`,
  );
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(`Lab failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
