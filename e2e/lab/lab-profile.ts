import type { TestClientCredentials } from '../../main/connect/test-profile.ts';
import { demoOrganisation } from '../../main/demo/demo-organisation.ts';
import { organisationFileSchema, type OrganisationFile } from '../../main/org/schema.ts';
import { buildProfile } from '../../main/profile/profile-builder.ts';
import { installProfile } from '../../main/profile/profile-store.ts';
import { LAB_HTTP_PORT, type Lab } from './lab-environment.ts';
import { LAB_VPN_PORT } from './openvpn-server.ts';
import { LAB_ADDRESSES } from './topology.ts';

/**
 * Builds the lab's organisation: the demo organisation with the lab's servers as endpoints and
 * the lab's EST server, on fw1, for enrollment.
 */
export function labOrganisation(lab: Lab): OrganisationFile {
  const base = demoOrganisation({
    estUrl: lab.est.url,
    caCertificatePem: lab.ca.certificatePem,
    caFingerprint: lab.est.caFingerprint,
    username: lab.est.username,
    tlsCryptKey: lab.tlsCryptKey,
    targets: [],
  });

  return organisationFileSchema.parse({
    ...base,
    organisation: { ...base.organisation, id: 'lab', name: 'VPN Onboard Lab' },
    vpn: {
      ...base.vpn,
      endpoints: [
        { host: LAB_ADDRESSES.fw1, port: LAB_VPN_PORT, proto: 'udp' },
        { host: LAB_ADDRESSES.fw2, port: LAB_VPN_PORT, proto: 'udp' },
      ],
      serverName: lab.serverName,
      serverNameType: 'name',
      // The profile builder's own failover timers are what the lab measures.
      extraDirectives: [],
    },
    networks: [
      {
        id: 'office-vlan',
        name: 'Office VLAN (lab)',
        cidrs: ['192.168.100.0/24'],
        probes: [{ host: LAB_ADDRESSES.vlanHost, port: LAB_HTTP_PORT, name: 'VLAN web server' }],
      },
      {
        id: 'azure-vnet',
        name: 'Azure VNet (lab)',
        cidrs: ['192.168.200.0/22'],
        probes: [{ host: LAB_ADDRESSES.azureHost, port: LAB_HTTP_PORT, name: 'Azure web server' }],
        via: 'office-vlan',
      },
    ],
  });
}

/**
 * Builds the lab profile with the product's profile builder and installs it in `dataDir`, for
 * certificates that EST would not issue, such as an expired one.
 */
export function installLabProfile(
  lab: Lab,
  dataDir: string,
  credentials: TestClientCredentials,
  organisationId = 'lab',
): Promise<string> {
  const organisation = labOrganisation(lab);
  const text = buildProfile({
    organisation,
    caCertificatesPem: [credentials.caPem],
    certificatePem: credentials.certificatePem,
    privateKeyPem: credentials.privateKeyPem,
    generatedAt: new Date(),
  });
  return installProfile(dataDir, organisationId, text);
}
