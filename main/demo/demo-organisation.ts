import { organisationFileSchema, type OrganisationFile } from '../org/schema.ts';

/** A loopback listener that stands in for a host on an internal network. */
export interface DemoTarget {
  networkId: 'office-vlan' | 'azure-vnet' | 'legacy-peers';
  name: string;
  port: number;
}

export interface DemoOrganisationInput {
  estUrl: string;
  caCertificatePem: string;
  caFingerprint: string;
  username: string;
  tlsCryptKey: string;
  targets: DemoTarget[];
}

/**
 * Builds the demo organisation: the shape of a real one (an office VLAN, a cloud network reached
 * through it, legacy VPN peers), with every address on loopback so the demo never sends
 * anything off this machine. The VPN endpoints are never contacted by the demo.
 */
export function demoOrganisation(input: DemoOrganisationInput): OrganisationFile {
  const probes = (networkId: DemoTarget['networkId']) =>
    input.targets
      .filter((target) => target.networkId === networkId)
      .map((target) => ({ host: '127.0.0.1', port: target.port, name: target.name }));

  return organisationFileSchema.parse({
    schemaVersion: 1,
    organisation: {
      id: 'demo',
      name: 'VPN Onboard Demo',
      support: { email: 'it-support@example.org' },
    },
    ca: { certificates: [input.caCertificatePem] },
    enrollment: {
      method: 'est',
      url: input.estUrl,
      caFingerprint: input.caFingerprint,
      username: input.username,
      timeoutSeconds: 15,
    },
    key: { type: 'rsa', bits: 3072 },
    subject: {
      commonName: '{email}',
      organization: 'VPN Onboard Demo',
      organizationalUnit: 'Staff',
    },
    vpn: {
      endpoints: [
        { host: '127.0.0.1', port: 1194, proto: 'udp' },
        { host: '127.0.0.1', port: 1195, proto: 'udp' },
      ],
      tlsCrypt: input.tlsCryptKey,
      serverName: 'demo-vpn-server',
      serverNameType: 'name',
    },
    networks: [
      {
        id: 'office-vlan',
        name: 'Office VLAN 440 (demo)',
        cidrs: ['127.0.0.0/8'],
        gateway: '127.0.0.1',
        probes: probes('office-vlan'),
      },
      {
        id: 'azure-vnet',
        name: 'Azure VNet (demo)',
        cidrs: ['127.0.0.0/8'],
        probes: probes('azure-vnet'),
        via: 'office-vlan',
      },
      {
        id: 'legacy-peers',
        name: 'Legacy VPN peers (demo)',
        cidrs: ['127.0.0.0/8'],
        probes: probes('legacy-peers'),
      },
    ],
  });
}
