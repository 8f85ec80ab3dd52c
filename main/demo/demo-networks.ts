import { createServer, type Server } from 'node:net';

import type { DemoTarget } from './demo-organisation.ts';

const HOSTS: Omit<DemoTarget, 'port'>[] = [
  { networkId: 'office-vlan', name: 'file server' },
  { networkId: 'office-vlan', name: 'directory' },
  { networkId: 'azure-vnet', name: 'app VM' },
  { networkId: 'legacy-peers', name: 'build agent' },
];

/** The demo's stand-in hosts: TCP listeners on free loopback ports that accept and close. */
export interface DemoNetworks {
  targets: DemoTarget[];
  close(): Promise<void>;
}

export async function startDemoNetworks(): Promise<DemoNetworks> {
  const servers: Server[] = [];
  const targets: DemoTarget[] = [];

  for (const host of HOSTS) {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    servers.push(server);

    const address = server.address();
    if (address === null || typeof address === 'string')
      throw new Error('a loopback listener has no port');
    targets.push({ ...host, port: address.port });
  }

  return {
    targets,
    close: async () => {
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
