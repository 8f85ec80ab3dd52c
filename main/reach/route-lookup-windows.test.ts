import { describe, expect, it } from 'vitest';

import {
  buildFindNetRouteScript,
  isOpenVpnAdapter,
  lookupWindowsRoutes,
  parseFindNetRoute,
  parseFindNetRouteLines,
  windowsKernelRoute,
} from './route-lookup-windows.ts';
import type { CommandRunner } from './route-lookup.ts';

// JSON in the shape of `Find-NetRoute -RemoteIPAddress ADDRESS | Select-Object InterfaceAlias,
// InterfaceIndex,NextHop,DestinationPrefix | ConvertTo-Json -Compress`, written for these tests:
// first the IP address object, whose NextHop and DestinationPrefix are null, then the route.
function findNetRoute(alias: string, index: number, nextHop: string, prefix: string): string {
  return JSON.stringify([
    { InterfaceAlias: alias, InterfaceIndex: index, NextHop: null, DestinationPrefix: null },
    { InterfaceAlias: alias, InterfaceIndex: index, NextHop: nextHop, DestinationPrefix: prefix },
  ]);
}

const DEFAULT_ROUTE = findNetRoute('Wi-Fi', 14, '10.20.0.1', '0.0.0.0/0');
const THROUGH_TAP = findNetRoute('OpenVPN TAP-Windows6', 23, '192.168.102.1', '192.168.100.0/24');
const THROUGH_WINTUN = findNetRoute('OpenVPN Wintun', 31, '0.0.0.0', '192.168.100.0/24');
const ON_LINK = findNetRoute('Ethernet', 6, '0.0.0.0', '10.20.0.0/24');
const ON_LINK_IPV6 = findNetRoute('Ethernet', 6, '::', 'fd00:20::/64');
const LOOPBACK = findNetRoute('Loopback Pseudo-Interface 1', 1, '0.0.0.0', '127.0.0.0/8');

function ok(stdout: string) {
  return { stdout, stderr: '', exitCode: 0 };
}

describe('Find-NetRoute output', () => {
  it('skips the IP address object', () => {
    expect(parseFindNetRoute(DEFAULT_ROUTE)).toEqual({
      interfaceAlias: 'Wi-Fi',
      interfaceIndex: 14,
      nextHop: '10.20.0.1',
      destinationPrefix: '0.0.0.0/0',
    });
  });

  it('reads a single object', () => {
    const single =
      '{"InterfaceAlias":"Ethernet","InterfaceIndex":6,"NextHop":"0.0.0.0","DestinationPrefix":"10.20.0.0/24"}';
    expect(parseFindNetRoute(single)).toMatchObject({
      interfaceAlias: 'Ethernet',
      nextHop: '0.0.0.0',
    });
  });

  it('reads a route without index and prefix', () => {
    expect(parseFindNetRoute('[{"InterfaceAlias":"Ethernet","NextHop":"0.0.0.0"}]')).toEqual({
      interfaceAlias: 'Ethernet',
      nextHop: '0.0.0.0',
    });
  });

  it('rejects output without a route', () => {
    const addressOnly =
      '{"InterfaceAlias":"Wi-Fi","InterfaceIndex":14,"NextHop":null,"DestinationPrefix":null}';
    expect(() => parseFindNetRoute(addressOnly)).toThrow('printed no route');
    expect(() => parseFindNetRoute('')).toThrow('printed no route');
    expect(() => parseFindNetRoute('[]')).toThrow('printed no route');
  });

  it('rejects a route without an alias', () => {
    const routes = [
      '{"InterfaceIndex":6,"NextHop":"0.0.0.0","DestinationPrefix":"10.20.0.0/24"}',
      '{"InterfaceAlias":"","NextHop":"0.0.0.0"}',
      '{"InterfaceAlias":42,"NextHop":"0.0.0.0"}',
    ];
    for (const route of routes) {
      expect(() => parseFindNetRoute(route), route).toThrow('without a valid InterfaceAlias');
    }
  });

  it('rejects a route without an IP next hop', () => {
    const routes = [
      '{"InterfaceAlias":"Wi-Fi","DestinationPrefix":"0.0.0.0/0"}',
      '{"InterfaceAlias":"Wi-Fi","NextHop":"10.20.0.1; calc.exe","DestinationPrefix":"0.0.0.0/0"}',
      '{"InterfaceAlias":"Wi-Fi","NextHop":"router","DestinationPrefix":"0.0.0.0/0"}',
    ];
    for (const route of routes) {
      expect(() => parseFindNetRoute(route), route).toThrow('without an IP NextHop');
    }
  });

  it('rejects an alias with control characters', () => {
    const route = JSON.stringify({ InterfaceAlias: 'OpenVPN\nWintun', NextHop: '0.0.0.0' });
    expect(() => parseFindNetRoute(route)).toThrow('with control characters');
  });

  it('rejects routes that disagree', () => {
    const routes = JSON.stringify([
      { InterfaceAlias: 'Wi-Fi', NextHop: '10.20.0.1', DestinationPrefix: '0.0.0.0/0' },
      { InterfaceAlias: 'OpenVPN Wintun', NextHop: '0.0.0.0', DestinationPrefix: '0.0.0.0/0' },
    ]);
    expect(() => parseFindNetRoute(routes)).toThrow('printed 2 different routes');
  });

  it('rejects garbage', () => {
    expect(() => parseFindNetRoute('Find-NetRoute : Access denied')).toThrow('not JSON');
    expect(() => parseFindNetRoute('[[{"NextHop":"0.0.0.0"}]]')).toThrow('not a list of objects');
    expect(() => parseFindNetRoute('42')).toThrow('not a list of objects');
    expect(() => parseFindNetRoute('null')).toThrow('not a list of objects');
  });
});

describe('Windows route conversion', () => {
  it('keeps a next hop as the gateway', () => {
    expect(windowsKernelRoute('192.168.100.10', parseFindNetRoute(THROUGH_TAP))).toEqual({
      dst: '192.168.100.10',
      dev: 'OpenVPN TAP-Windows6',
      gateway: '192.168.102.1',
    });
  });

  it('reads 0.0.0.0 and :: as on the link', () => {
    expect(windowsKernelRoute('10.20.0.37', parseFindNetRoute(ON_LINK))).toEqual({
      dst: '10.20.0.37',
      dev: 'Ethernet',
    });
    expect(windowsKernelRoute('fd00:20::5', parseFindNetRoute(ON_LINK_IPV6))).toEqual({
      dst: 'fd00:20::5',
      dev: 'Ethernet',
    });
  });

  it('marks the loopback interface as local', () => {
    expect(windowsKernelRoute('127.0.0.1', parseFindNetRoute(LOOPBACK))).toMatchObject({
      type: 'local',
    });
  });
});

describe('OpenVPN adapter names', () => {
  it('recognises the adapters of OpenVPN drivers', () => {
    for (const alias of [
      'OpenVPN TAP-Windows6',
      'OpenVPN Wintun',
      'OpenVPN Data Channel Offload',
      'Local Area Connection (TAP-Windows Adapter V9)',
    ]) {
      expect(isOpenVpnAdapter(alias), alias).toBe(true);
    }
  });

  it('leaves other adapters out', () => {
    for (const alias of ['Wi-Fi', 'Ethernet 2', 'Loopback Pseudo-Interface 1', 'MyOpenVPNish']) {
      expect(isOpenVpnAdapter(alias), alias).toBe(false);
    }
  });
});

describe('Find-NetRoute script', () => {
  it('quotes each address once and has no double quotes', () => {
    const script = buildFindNetRouteScript(['192.168.100.10', 'fd00:100::10']);

    expect(script).toContain("foreach ($address in @('192.168.100.10','fd00:100::10'))");
    expect(script).toContain(
      'Find-NetRoute -RemoteIPAddress $address | Select-Object InterfaceAlias,InterfaceIndex,NextHop,DestinationPrefix | ConvertTo-Json -Compress',
    );
    expect(script).not.toContain('"');
    expect(script).not.toContain('\n');
  });

  it('refuses anything but a plain IP address', () => {
    const hostile = [
      '1.2.3.4; rm -rf /',
      "1.2.3.4'); Remove-Item C:\\ -Recurse; ('",
      '$(Stop-Computer)',
      'fe80::1%12',
      '',
      'fileserver.corp',
    ];
    for (const value of hostile) {
      expect(() => buildFindNetRouteScript([value]), value).toThrow('is not a plain IP address');
    }
  });
});

describe('Find-NetRoute script output', () => {
  it('lookups each address from its own line', () => {
    const stdout = [`192.168.100.10 route ${THROUGH_TAP}`, `10.20.0.37 route ${ON_LINK}`, ''].join(
      '\r\n',
    );

    const lookups = parseFindNetRouteLines(stdout, ['192.168.100.10', '10.20.0.37']);

    expect(lookups.get('192.168.100.10')).toMatchObject({ route: { dev: 'OpenVPN TAP-Windows6' } });
    expect(lookups.get('10.20.0.37')).toEqual({ route: { dst: '10.20.0.37', dev: 'Ethernet' } });
  });

  it('fails an address whose lookup threw', () => {
    const stdout = '192.168.100.10 error No matching MSFT_NetRoute objects found\r\n';

    const lookups = parseFindNetRouteLines(stdout, ['192.168.100.10']);

    expect(lookups.get('192.168.100.10')).toEqual({
      failure:
        'could not read the route of 192.168.100.10: Find-NetRoute failed: No matching MSFT_NetRoute objects found',
    });
  });

  it('fails an address without a line', () => {
    const lookups = parseFindNetRouteLines(`10.20.0.37 route ${ON_LINK}\n`, [
      '10.20.0.37',
      '192.168.100.10',
    ]);

    expect(lookups.get('192.168.100.10')).toEqual({
      failure: 'could not read the route of 192.168.100.10: PowerShell printed no line for it',
    });
  });

  it('fails an address with two lines', () => {
    const stdout = `192.168.100.10 route ${THROUGH_TAP}\n192.168.100.10 route ${DEFAULT_ROUTE}\n`;

    const lookups = parseFindNetRouteLines(stdout, ['192.168.100.10']);

    expect(lookups.get('192.168.100.10')).toMatchObject({
      failure: expect.stringContaining('printed 2 lines') as string,
    });
  });

  it('fails an empty route line', () => {
    const lookups = parseFindNetRouteLines('192.168.100.10 route \n', ['192.168.100.10']);

    expect(lookups.get('192.168.100.10')).toEqual({
      failure: 'could not read the route of 192.168.100.10: Find-NetRoute printed no route',
    });
  });

  it('ignores lines for addresses it did not ask for', () => {
    const stdout = `10.0.0.1 route ${ON_LINK}\nWARNING: something\n`;

    const lookups = parseFindNetRouteLines(stdout, ['192.168.100.10']);

    expect([...lookups.keys()]).toEqual(['192.168.100.10']);
    expect(lookups.get('192.168.100.10')).toMatchObject({ failure: expect.any(String) as string });
  });

  it('fails a huge line', () => {
    const huge = `192.168.100.10 route [${'{"InterfaceAlias":"x","NextHop":"0.0.0.0"},'.repeat(50_000)}{}]\n`;

    const lookups = parseFindNetRouteLines(huge, ['192.168.100.10']);

    expect(lookups.get('192.168.100.10')).toMatchObject({
      failure: expect.stringMatching(/Find-NetRoute printed \d+ characters/) as string,
    });
  });
});

describe('Windows route lookup', () => {
  it('runs one PowerShell for a round', async () => {
    const calls: { command: string; args: string[] }[] = [];
    const run: CommandRunner = (command, args) => {
      calls.push({ command, args });
      return Promise.resolve(
        ok(`192.168.100.10 route ${THROUGH_WINTUN}\r\n10.20.0.37 route ${ON_LINK}\r\n`),
      );
    };

    const lookups = await lookupWindowsRoutes(['192.168.100.10', '10.20.0.37'], run);

    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toMatch(/\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe$/);
    expect(calls[0]?.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    expect(calls[0]?.args).toHaveLength(4);
    expect(lookups.get('192.168.100.10')).toEqual({
      route: { dst: '192.168.100.10', dev: 'OpenVPN Wintun' },
    });
  });

  it('splits a long list over processes run one after another', async () => {
    const batches: number[] = [];
    let running = 0;
    const run: CommandRunner = async (_command, args) => {
      running += 1;
      expect(running).toBe(1);
      const addresses = [...(args[3] ?? '').matchAll(/'([0-9.]+)'/g)].map((match) => match[1]);
      batches.push(addresses.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return ok(addresses.map((address) => `${address} route ${ON_LINK}`).join('\r\n'));
    };
    const addresses = Array.from(
      { length: 130 },
      (_, index) => `10.20.${index >> 8}.${index & 255}`,
    );

    const lookups = await lookupWindowsRoutes(addresses, run);

    expect(batches).toEqual([64, 64, 2]);
    expect([...lookups.values()].every((lookup) => 'route' in lookup)).toBe(true);
  });

  it('never passes a value that is not a plain IP address', async () => {
    const scripts: string[] = [];
    const run: CommandRunner = (_command, args) => {
      scripts.push(args[3] ?? '');
      return Promise.resolve(ok(`192.168.100.10 route ${THROUGH_TAP}\n`));
    };

    const lookups = await lookupWindowsRoutes(
      ['1.2.3.4; rm -rf /', 'fe80::1%12', '192.168.100.10'],
      run,
    );

    expect(scripts).toHaveLength(1);
    expect(scripts[0]).not.toContain('rm -rf');
    expect(scripts[0]).not.toContain('fe80');
    expect(lookups.get('1.2.3.4; rm -rf /')).toEqual({
      failure:
        '"1.2.3.4; rm -rf /" is not a plain IP address, so PowerShell was not asked for its route',
    });
    expect(lookups.get('fe80::1%12')).toMatchObject({ failure: expect.any(String) as string });
    expect(lookups.get('192.168.100.10')).toMatchObject({ route: { gateway: '192.168.102.1' } });
  });

  it('keeps the lines printed before a timeout', async () => {
    const run: CommandRunner = () =>
      Promise.resolve({
        stdout: `192.168.100.10 route ${THROUGH_TAP}\r\n`,
        stderr: '',
        exitCode: -1,
      });

    const lookups = await lookupWindowsRoutes(['192.168.100.10', '192.168.100.11'], run);

    expect(lookups.get('192.168.100.10')).toMatchObject({ route: { dev: 'OpenVPN TAP-Windows6' } });
    expect(lookups.get('192.168.100.11')).toEqual({
      failure:
        'could not read the route of 192.168.100.11: PowerShell printed no line for it (PowerShell: exit status -1)',
    });
  });

  it('fails every address when PowerShell is missing', async () => {
    const run: CommandRunner = () =>
      Promise.resolve({ stdout: '', stderr: 'spawn powershell.exe ENOENT', exitCode: -1 });

    const lookups = await lookupWindowsRoutes(['192.168.100.10'], run);

    expect(lookups.get('192.168.100.10')).toEqual({
      failure:
        'could not read the route of 192.168.100.10: PowerShell printed nothing (PowerShell: spawn powershell.exe ENOENT)',
    });
  });

  it('fails every address when the runner throws', async () => {
    const run: CommandRunner = () => Promise.reject(new Error('spawn EPERM'));

    const lookups = await lookupWindowsRoutes(['192.168.100.10'], run);

    expect(lookups.get('192.168.100.10')).toEqual({
      failure: 'could not run PowerShell for the route of 192.168.100.10: spawn EPERM',
    });
  });
});
