import { describe, expect, it } from 'vitest';

import { NetworkManagerRecordError, parseNetworkManagerRecord } from './connection-record.ts';

const FOLDER = '/home/jane/.cert/nm-openvpn';

const VALID = {
  version: 1,
  uuid: '0c6d5f3e-1111-4222-8333-944455556666',
  name: 'vpn-onboard-example-corp',
  importName: 'vpn-onboard-example-corp-0123abcd',
  profilePath: '/home/jane/.config/VPN Onboard/profiles/example-corp.ovpn',
  profileSha256: 'a'.repeat(64),
  endpoints: [{ host: '198.18.0.1', port: 1194 }],
  files: [`${FOLDER}/vpn-onboard-example-corp-0123abcd-ca.pem`],
};

describe('parseNetworkManagerRecord', () => {
  it('accepts a record the import wrote', () => {
    expect(parseNetworkManagerRecord(VALID, FOLDER)).toEqual(VALID);
  });

  it.each([
    ['a connection name as UUID', { uuid: 'vpn-onboard-example-corp' }],
    ['an uppercase UUID', { uuid: VALID.uuid.toUpperCase() }],
    ['a UUID with an option after it', { uuid: `${VALID.uuid} --ask` }],
    ['a name of another product', { name: 'Wired connection 1' }],
    ['an importName without random part', { importName: 'vpn-onboard-example-corp' }],
    ['an importName of another connection', { importName: 'vpn-onboard-other-0123abcd' }],
    ['an importName with a longer suffix', { importName: 'vpn-onboard-example-corp-0123abcd-x' }],
    ['a file outside the folder', { files: ['/home/jane/.ssh/id_ed25519'] }],
    [
      'a file in a subfolder',
      { files: [`${FOLDER}/sub/vpn-onboard-example-corp-0123abcd-ca.pem`] },
    ],
    [
      'a file climbing out',
      { files: [`${FOLDER}/../../vpn-onboard-example-corp-0123abcd-ca.pem`] },
    ],
    ['a relative file', { files: ['vpn-onboard-example-corp-0123abcd-ca.pem'] }],
    ['a file of another import', { files: [`${FOLDER}/vpn-onboard-example-corp-99999999-ca.pem`] }],
    ['a file of the folder itself', { files: [FOLDER] }],
  ])('rejects %s', (_name, change) => {
    expect(() => parseNetworkManagerRecord({ ...VALID, ...change }, FOLDER)).toThrow(
      NetworkManagerRecordError,
    );
  });

  it('rejects a torn record', () => {
    expect(() => parseNetworkManagerRecord({ version: 1, uuid: VALID.uuid }, FOLDER)).toThrow(
      /Invalid NetworkManager record: name/,
    );
  });
});
