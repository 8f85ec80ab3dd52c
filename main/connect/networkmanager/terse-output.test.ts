import { describe, expect, it } from 'vitest';

import {
  numberedValues,
  parseTerseProperties,
  parseTerseTable,
  parseVpnData,
  splitList,
  splitTerseLine,
  TerseOutputError,
} from './terse-output.ts';

// Output captured from nmcli 1.42.4 with network-manager-openvpn 1.10.2, for a connection
// imported from a file named `we:ird\,name.ovpn`.
const HOSTILE_TABLE_LINE = String.raw`we\:ird\\,name:259835fa-6038-4bea-a1a8-19b56e47ae5e:vpn:`;
const HOSTILE_VPN_DATA = String.raw`ca = /home/u/.cert/nm-openvpn/we:ird\\\\\,name-ca.pem, connection-type = tls, remote = 127.0.0.1:1194:udp\, 127.0.0.1:1195:udp, verify-x509-name = name:demo-vpn-server`;

describe('splitTerseLine', () => {
  it('splits at unescaped colons', () => {
    expect(splitTerseLine('a:b:c')).toEqual(['a', 'b', 'c']);
  });

  it('keeps an escaped colon inside its field', () => {
    expect(splitTerseLine(String.raw`a\:b:c`)).toEqual(['a:b', 'c']);
  });

  it('reads an escaped backslash before a separator', () => {
    expect(splitTerseLine(String.raw`a\\:b`)).toEqual(['a\\', 'b']);
  });

  it('reads an escaped backslash before an escaped colon', () => {
    expect(splitTerseLine(String.raw`a\\\:b`)).toEqual(['a\\:b']);
  });

  it('keeps empty fields, including the last', () => {
    expect(splitTerseLine('::')).toEqual(['', '', '']);
  });

  it('keeps a lone trailing backslash', () => {
    expect(splitTerseLine('a\\')).toEqual(['a\\']);
  });

  it('keeps non-ASCII text whole', () => {
    expect(splitTerseLine('Café ☕ VPN:tun')).toEqual(['Café ☕ VPN', 'tun']);
  });

  it('reads a name with colon, backslash and comma', () => {
    expect(splitTerseLine(HOSTILE_TABLE_LINE)).toEqual([
      'we:ird\\,name',
      '259835fa-6038-4bea-a1a8-19b56e47ae5e',
      'vpn',
      '',
    ]);
  });
});

describe('parseTerseTable', () => {
  it('names each field', () => {
    const rows = parseTerseTable('tun0:tun\nlo:loopback\n', ['DEVICE', 'TYPE'] as const);

    expect(rows).toEqual([
      { DEVICE: 'tun0', TYPE: 'tun' },
      { DEVICE: 'lo', TYPE: 'loopback' },
    ]);
  });

  it('returns no rows for empty output', () => {
    expect(parseTerseTable('', ['DEVICE', 'TYPE'] as const)).toEqual([]);
  });

  it('rejects a value split by a line break', () => {
    // nmcli does not escape line breaks, so a name with one spreads over two lines.
    const output = 'new\nline\\:x:2598-uuid\n';

    expect(() => parseTerseTable(output, ['NAME', 'UUID'] as const)).toThrow(TerseOutputError);
  });
});

describe('parseTerseProperties', () => {
  it('keeps colons in values, which property lists do not escape', () => {
    const properties = parseTerseProperties(
      'connection.id:we:ird\\,name\nVPN.GATEWAY:198.18.0.1:1194:udp\n',
    );

    expect(properties.get('connection.id')).toBe('we:ird\\,name');
    expect(properties.get('VPN.GATEWAY')).toBe('198.18.0.1:1194:udp');
  });

  it('keeps an empty value', () => {
    expect(parseTerseProperties('ipv4.routes:\n').get('ipv4.routes')).toBe('');
  });

  it('joins a continuation line to the value before it', () => {
    const properties = parseTerseProperties('connection.id:new\nline\nconnection.type:vpn\n');

    expect(properties.get('connection.id')).toBe('new\nline');
    expect(properties.get('connection.type')).toBe('vpn');
  });

  it('rejects output that starts mid-value', () => {
    expect(() => parseTerseProperties('no property here\n')).toThrow(TerseOutputError);
  });
});

describe('numberedValues', () => {
  it('orders values by their number', () => {
    const properties = parseTerseProperties(
      'IP4.ADDRESS[10]:10.0.0.10/8\nIP4.ADDRESS[2]:10.0.0.2/8\nIP4.ADDRESS[1]:10.0.0.1/8\nIP4.GATEWAY:10.0.0.254\n',
    );

    expect(numberedValues(properties, 'IP4.ADDRESS')).toEqual([
      '10.0.0.1/8',
      '10.0.0.2/8',
      '10.0.0.10/8',
    ]);
  });

  it('ignores a property that only starts with the name', () => {
    const properties = parseTerseProperties('IP4.ADDRESSES:x\nIP4.ADDRESS[1]:10.0.0.1/8\n');

    expect(numberedValues(properties, 'IP4.ADDRESS')).toEqual(['10.0.0.1/8']);
  });
});

describe('parseVpnData', () => {
  it('reads escaped commas and backslashes in values', () => {
    const data = parseVpnData(HOSTILE_VPN_DATA);

    expect(data.get('ca')).toBe('/home/u/.cert/nm-openvpn/we:ird\\\\,name-ca.pem');
    expect(data.get('remote')).toBe('127.0.0.1:1194:udp, 127.0.0.1:1195:udp');
    expect(data.get('verify-x509-name')).toBe('name:demo-vpn-server');
    expect(data.get('connection-type')).toBe('tls');
    expect(data.size).toBe(4);
  });

  it('splits a value at the first " = " only', () => {
    expect(parseVpnData('tls-cipher = a = b').get('tls-cipher')).toBe('a = b');
  });

  it('keeps an empty value', () => {
    expect(parseVpnData('ping = , dev = tun').get('ping')).toBe('');
  });

  it('returns an empty map for empty data', () => {
    expect(parseVpnData('').size).toBe(0);
  });

  it('rejects an item without " = "', () => {
    expect(() => parseVpnData('ca = /a, garbage')).toThrow(TerseOutputError);
  });
});

describe('splitList', () => {
  it('splits ipv4.routes items', () => {
    expect(splitList('10.1.0.0/16, 10.2.0.0/24 10.9.9.9 50')).toEqual([
      '10.1.0.0/16',
      '10.2.0.0/24 10.9.9.9 50',
    ]);
  });

  it('returns nothing for an empty value', () => {
    expect(splitList('')).toEqual([]);
  });
});
