import { ipIn, inNamespace, run } from './namespaces.ts';

/** The lab's namespaces by role; the real name is the prefix followed by the role. */
export const ROLES = ['client', 'fw1', 'fw2', 'vlan', 'azure'] as const;

export type Role = (typeof ROLES)[number];

/** A point-to-point link: a veth pair created from inside `from`, so no end is ever in the host namespace. */
interface Link {
  from: Role;
  fromDevice: string;
  fromAddress: string;
  to: Role;
  toDevice: string;
  toAddress?: string;
}

const LINKS: Link[] = [
  {
    from: 'client',
    fromDevice: 'to-fw1',
    fromAddress: '198.18.0.2/24',
    to: 'fw1',
    toDevice: 'to-client',
    toAddress: '198.18.0.1/24',
  },
  {
    from: 'client',
    fromDevice: 'to-fw2',
    fromAddress: '198.18.1.2/24',
    to: 'fw2',
    toDevice: 'to-client',
    toAddress: '198.18.1.1/24',
  },
  {
    from: 'fw1',
    fromDevice: 'to-vlan',
    fromAddress: '192.168.100.2/24',
    to: 'vlan',
    toDevice: 'port-fw1',
  },
  {
    from: 'fw2',
    fromDevice: 'to-vlan',
    fromAddress: '192.168.100.3/24',
    to: 'vlan',
    toDevice: 'port-fw2',
  },
  {
    from: 'fw1',
    fromDevice: 'to-azure',
    fromAddress: '192.168.200.1/22',
    to: 'azure',
    toDevice: 'to-fw1',
    toAddress: '192.168.200.4/22',
  },
];

/** The addresses tests talk to, all inside the lab's namespaces. */
export const LAB_ADDRESSES = {
  fw1: '198.18.0.1',
  fw2: '198.18.1.1',
  vlanHost: '192.168.100.10',
  azureHost: '192.168.200.4',
  fw1Pool: '192.168.102.0/23',
  fw2Pool: '192.168.104.0/23',
} as const;

// Routes that send traffic for the VPN pools back through the server that owns each pool.
const ROUTES: { role: Role; destination: string; via: string }[] = [
  { role: 'vlan', destination: LAB_ADDRESSES.fw1Pool, via: '192.168.100.2' },
  { role: 'vlan', destination: LAB_ADDRESSES.fw2Pool, via: '192.168.100.3' },
  { role: 'vlan', destination: '192.168.200.0/22', via: '192.168.100.2' },
  { role: 'azure', destination: LAB_ADDRESSES.fw1Pool, via: '192.168.200.1' },
  { role: 'azure', destination: LAB_ADDRESSES.fw2Pool, via: '192.168.200.1' },
  { role: 'azure', destination: '192.168.100.0/24', via: '192.168.200.1' },
  { role: 'fw1', destination: LAB_ADDRESSES.fw2Pool, via: '192.168.100.3' },
  { role: 'fw2', destination: LAB_ADDRESSES.fw1Pool, via: '192.168.100.2' },
  { role: 'fw2', destination: '192.168.200.0/22', via: '192.168.100.2' },
];

/** Creates the namespaces, links, addresses and routes. */
export async function buildTopology(name: (role: Role) => string): Promise<void> {
  for (const role of ROLES) {
    await run('ip', ['netns', 'add', name(role)]);
    // lo starts down; without it, binding to 127.0.0.1 works but connecting fails.
    await ipIn(name(role), ['link', 'set', 'lo', 'up']);
  }

  for (const link of LINKS) {
    await ipIn(name(link.from), [
      'link',
      'add',
      link.fromDevice,
      'type',
      'veth',
      'peer',
      'name',
      link.toDevice,
      'netns',
      name(link.to),
    ]);
    await ipIn(name(link.from), ['addr', 'add', link.fromAddress, 'dev', link.fromDevice]);
    await ipIn(name(link.from), ['link', 'set', link.fromDevice, 'up']);
    if (link.toAddress !== undefined) {
      await ipIn(name(link.to), ['addr', 'add', link.toAddress, 'dev', link.toDevice]);
    }
    await ipIn(name(link.to), ['link', 'set', link.toDevice, 'up']);
  }

  // Both firewalls sit on the on-premises VLAN, which is a bridge inside the VLAN namespace.
  const vlan = name('vlan');
  await ipIn(vlan, ['link', 'add', 'br0', 'type', 'bridge']);
  await ipIn(vlan, ['link', 'set', 'port-fw1', 'master', 'br0']);
  await ipIn(vlan, ['link', 'set', 'port-fw2', 'master', 'br0']);
  await ipIn(vlan, ['addr', 'add', `${LAB_ADDRESSES.vlanHost}/24`, 'dev', 'br0']);
  await ipIn(vlan, ['link', 'set', 'br0', 'up']);

  for (const route of ROUTES) {
    await ipIn(name(route.role), ['route', 'add', route.destination, 'via', route.via]);
  }

  for (const role of ['fw1', 'fw2'] as const) {
    await inNamespace(name(role), ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  }
}

/** Takes a firewall's link to the client down or up, to simulate a failed uplink. */
export async function setUplink(
  name: (role: Role) => string,
  role: 'fw1' | 'fw2',
  up: boolean,
): Promise<void> {
  await ipIn(name(role), ['link', 'set', 'to-client', up ? 'up' : 'down']);
}
