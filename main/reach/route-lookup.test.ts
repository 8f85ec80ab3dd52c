import { describe, expect, it } from 'vitest';

import {
  decideRoute,
  lookupRoutes,
  parseRouteLines,
  type CommandRunner,
  type KernelRoute,
} from './route-lookup.ts';

// Recorded with `ip -j route get ADDRESS` (iproute2 6.1) inside the lab's client namespace.
const THROUGH_TUNNEL =
  '[{"dst":"192.168.100.10","gateway":"192.168.102.1","dev":"tun0","prefsrc":"192.168.102.2","flags":[],"uid":0,"cache":[]}]';
const DIRECTLY_CONNECTED =
  '[{"dst":"198.18.0.1","dev":"to-fw1","prefsrc":"198.18.0.2","flags":[],"uid":0,"cache":[]}]';
const DEFAULT_ROUTE =
  '[{"dst":"192.168.100.10","gateway":"198.18.0.1","dev":"to-fw1","prefsrc":"198.18.0.2","flags":[],"uid":0,"cache":[]}]';
const LOCAL =
  '[{"type":"local","dst":"127.0.0.1","dev":"lo","prefsrc":"127.0.0.1","flags":[],"uid":0,"cache":["local"]}]';
const TUNNEL_SUBNET =
  '[{"dst":"192.168.102.1","dev":"tun0","prefsrc":"192.168.102.2","flags":[],"uid":0,"cache":[]}]';

// This app's tunnel as the connection driver reports it in the lab: up, with its address.
const OURS_BY_ADDRESS = { tunnel: { up: true, address: '192.168.102.2' } };
const OURS_DOWN = { tunnel: { up: false } };

function route(json: string): KernelRoute {
  return (JSON.parse(json) as KernelRoute[])[0] as KernelRoute;
}

describe('route decision', () => {
  it('allows a route through the tunnel', () => {
    expect(decideRoute('192.168.100.10', route(THROUGH_TUNNEL), OURS_BY_ADDRESS)).toEqual({
      allowed: true,
      path: 'tunnel',
      device: 'tun0',
      gateway: '192.168.102.1',
    });
  });

  it('allows the tunnel subnet itself', () => {
    expect(decideRoute('192.168.102.1', route(TUNNEL_SUBNET), OURS_BY_ADDRESS)).toEqual({
      allowed: true,
      path: 'tunnel',
      device: 'tun0',
    });
  });

  it('allows a directly connected interface', () => {
    expect(decideRoute('198.18.0.1', route(DIRECTLY_CONNECTED))).toEqual({
      allowed: true,
      path: 'direct',
      device: 'to-fw1',
    });
  });

  it('allows this machine', () => {
    expect(decideRoute('127.0.0.1', route(LOCAL))).toMatchObject({ allowed: true, path: 'local' });
  });

  it('refuses the default route', () => {
    expect(decideRoute('192.168.100.10', route(DEFAULT_ROUTE))).toEqual({
      allowed: false,
      reason: 'no route through the VPN: 192.168.100.10 would go via 198.18.0.1 on to-fw1',
    });
  });

  it('refuses an address without a route', () => {
    expect(decideRoute('192.168.100.10', undefined)).toEqual({
      allowed: false,
      reason: 'no route through the VPN: 192.168.100.10 has no route',
    });
  });

  it('refuses unreachable and blackhole routes', () => {
    for (const type of ['unreachable', 'blackhole', 'prohibit']) {
      const decision = decideRoute('192.168.100.10', { dst: '192.168.100.10', type, dev: 'lo' });
      expect(decision.allowed).toBe(false);
    }
  });

  it('treats tap and utun devices as the tunnel', () => {
    for (const dev of ['tap0', 'utun3', 'tun']) {
      const decision = decideRoute(
        '10.0.0.1',
        { dst: '10.0.0.1', dev, gateway: '10.8.0.1' },
        { tunnel: { up: true, device: dev } },
      );
      expect(decision, dev).toMatchObject({ allowed: true, path: 'tunnel' });
    }
  });

  it('uses a custom tunnel device rule', () => {
    const decision = decideRoute('192.168.100.10', route(DEFAULT_ROUTE), {
      isTunnelDevice: (device) => device === 'to-fw1',
      tunnel: { up: true, address: '198.18.0.2' },
    });
    expect(decision).toMatchObject({ allowed: true, path: 'tunnel' });
  });

  it('allows the tunnel found by its device', () => {
    const decision = decideRoute('192.168.100.10', route(THROUGH_TUNNEL), {
      tunnel: { up: true, address: '10.99.0.9', device: 'tun0' },
    });
    expect(decision).toMatchObject({ allowed: true, path: 'tunnel', device: 'tun0' });
  });

  it('rejects a foreign tunnel while ours is down', () => {
    // Another VPN owns tun0 and routes 192.168.100.0/24, like a commercial VPN's 0.0.0.0/1.
    expect(decideRoute('192.168.100.10', route(THROUGH_TUNNEL), OURS_DOWN)).toEqual({
      allowed: false,
      reason:
        "no route through the VPN: 192.168.100.10 would go through tun0, which is not this app's tunnel",
    });
  });

  it('rejects a foreign tunnel on-link while ours is down', () => {
    const decision = decideRoute('192.168.102.1', route(TUNNEL_SUBNET), OURS_DOWN);
    expect(decision).toMatchObject({ allowed: false });
  });

  it('rejects a foreign tunnel with another source address', () => {
    const decision = decideRoute('192.168.100.10', route(THROUGH_TUNNEL), {
      tunnel: { up: true, address: '10.8.0.6' },
    });
    expect(decision).toEqual({
      allowed: false,
      reason:
        "no route through the VPN: 192.168.100.10 would go through tun0, which is not this app's tunnel: the route has source address 192.168.102.2, and the tunnel has 10.8.0.6",
    });
  });

  it('rejects a foreign tunnel with another device', () => {
    // The device decides alone, because two VPNs can hand out the same address.
    const decision = decideRoute('192.168.100.10', route(THROUGH_TUNNEL), {
      tunnel: { up: true, address: '192.168.102.2', device: 'tun1' },
    });
    expect(decision).toEqual({
      allowed: false,
      reason:
        "no route through the VPN: 192.168.100.10 would go through tun0, which is not this app's tunnel (tun1)",
    });
  });

  it('rejects a tunnel route without a source address', () => {
    const decision = decideRoute(
      '192.168.100.10',
      { dst: '192.168.100.10', dev: 'tun0', gateway: '192.168.102.1' },
      OURS_BY_ADDRESS,
    );
    expect(decision).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('the route has no source address') as string,
    });
  });

  it('compares IPv6 source addresses in any spelling', () => {
    const decision = decideRoute(
      'fd00:100::10',
      { dst: 'fd00:100::10', dev: 'tun0', prefsrc: 'fd00:102:0:0::2' },
      { tunnel: { up: true, address: 'FD00:102::2' } },
    );
    expect(decision).toMatchObject({ allowed: true, path: 'tunnel' });
  });

  it('rejects tunnel routes when our tunnel is unidentified', () => {
    const decision = decideRoute('192.168.100.10', route(THROUGH_TUNNEL), {
      tunnel: { up: true },
    });
    expect(decision).toEqual({
      allowed: false,
      reason:
        "no route through the VPN: 192.168.100.10 would go through tun0, but neither the device nor the address of this app's tunnel is known, so tun0 may belong to another VPN",
    });
  });

  it('rejects tunnel routes without tunnel rules', () => {
    const decision = decideRoute('192.168.100.10', route(THROUGH_TUNNEL));
    expect(decision).toEqual({
      allowed: false,
      reason:
        "no route through the VPN: 192.168.100.10 would go through tun0, but this app's tunnel is not known, so tun0 may belong to another VPN",
    });
  });

  it('allows direct and local routes whatever the tunnel', () => {
    for (const rules of [OURS_DOWN, OURS_BY_ADDRESS, {}]) {
      expect(decideRoute('198.18.0.1', route(DIRECTLY_CONNECTED), rules)).toMatchObject({
        allowed: true,
        path: 'direct',
      });
      expect(decideRoute('127.0.0.1', route(LOCAL), rules)).toMatchObject({
        allowed: true,
        path: 'local',
      });
    }
  });

  it('does not take an interface named like a tunnel prefix for one', () => {
    const decision = decideRoute('192.168.100.10', {
      dst: '192.168.100.10',
      dev: 'tunnel-uplink',
      gateway: '198.18.0.1',
    });
    expect(decision.allowed).toBe(false);
  });
});

describe('route lines', () => {
  it('keys each route by destination', () => {
    const routes = parseRouteLines(`${THROUGH_TUNNEL}\n${LOCAL}\n`);
    expect([...routes.keys()]).toEqual(['192.168.100.10', '127.0.0.1']);
  });

  it('skips lines that are not JSON', () => {
    const routes = parseRouteLines(`RTNETLINK answers: Network is unreachable\n${LOCAL}\n`);
    expect(routes.size).toBe(1);
  });
});

describe('route lookup', () => {
  it('asks ip once for every address', async () => {
    const calls: { args: string[]; input?: string }[] = [];
    const run: CommandRunner = (_command, args, options) => {
      calls.push({ args, input: options.input });
      return Promise.resolve({ stdout: `${THROUGH_TUNNEL}\n`, stderr: '', exitCode: 0 });
    };

    const decisions = await lookupRoutes(['192.168.100.10', '192.168.200.4', '192.168.100.10'], {
      run,
      platform: 'linux',
      rules: OURS_BY_ADDRESS,
    });

    expect(calls).toEqual([
      {
        args: ['-j', '-force', '-batch', '-'],
        input: 'route get 192.168.100.10\nroute get 192.168.200.4\n',
      },
    ]);
    expect(decisions.get('192.168.100.10')).toMatchObject({ allowed: true });
    expect(decisions.get('192.168.200.4')).toMatchObject({ allowed: false });
  });

  it('refuses a value that is not an IP address without asking ip', async () => {
    const asked: string[][] = [];
    const decisions = await lookupRoutes(['fileserver.corp', '192.168.100.10'], {
      platform: 'linux',
      source: (addresses) => {
        asked.push(addresses);
        return Promise.resolve(new Map());
      },
    });

    expect(asked).toEqual([['192.168.100.10']]);
    expect(decisions.get('fileserver.corp')).toMatchObject({ allowed: false });
  });

  it('refuses every address where lookup is not implemented', async () => {
    const run: CommandRunner = () => Promise.reject(new Error('must not run'));
    const decisions = await lookupRoutes(['192.168.100.10'], { run, platform: 'freebsd' });
    expect(decisions.get('192.168.100.10')).toEqual({
      allowed: false,
      reason: 'no route through the VPN: route lookup is not implemented on freebsd',
    });
  });

  it('names a value that is not an IP address', async () => {
    const decisions = await lookupRoutes(['1.2.3.4; rm -rf /'], {
      platform: 'linux',
      source: () => Promise.resolve(new Map()),
    });
    expect(decisions.get('1.2.3.4; rm -rf /')).toEqual({
      allowed: false,
      reason:
        'no route through the VPN: "1.2.3.4; rm -rf /" is not an IP address, so its route was not looked up',
    });
  });

  it('reads real routes for loopback addresses', async () => {
    const decisions = await lookupRoutes(['127.0.0.1', '127.0.0.2'], { platform: 'linux' });
    expect(decisions.get('127.0.0.2')).toMatchObject({ allowed: true, path: 'local' });
  });
});

// `route -n get` outputs in the layout of macOS route(8), written for these tests.
const MACOS_OUTPUTS: Record<string, string> = {
  '192.168.100.10': [
    '   route to: 192.168.100.10',
    'destination: 192.168.100.0',
    '       mask: 255.255.255.0',
    '    gateway: 192.168.102.1',
    '  interface: utun4',
    '      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>',
  ].join('\n'),
  '192.168.200.4': [
    '   route to: 192.168.200.4',
    'destination: default',
    '       mask: default',
    '    gateway: 10.20.0.1',
    '  interface: en0',
    '      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>',
  ].join('\n'),
  '10.20.0.37': [
    '   route to: 10.20.0.37',
    'destination: 10.20.0.0',
    '       mask: 255.255.255.0',
    '    gateway: link#11',
    '  interface: en0',
    '      flags: <UP,DONE,CLONING,STATIC>',
  ].join('\n'),
  '127.0.0.1': [
    '   route to: 127.0.0.1',
    'destination: 127.0.0.1',
    '    gateway: 127.0.0.1',
    '  interface: lo0',
    '      flags: <UP,HOST,DONE,LOCAL>',
  ].join('\n'),
};

const macosRoute: CommandRunner = (_command, args) => {
  const output = MACOS_OUTPUTS[args.at(-1) ?? ''];
  if (output === undefined) {
    return Promise.resolve({
      stdout: '',
      stderr: 'route: writing to routing socket: not in table',
      exitCode: 1,
    });
  }
  return Promise.resolve({ stdout: `${output}\n`, stderr: '', exitCode: 0 });
};

describe('route lookup on macOS', () => {
  it('decides each address from route -n get', async () => {
    const decisions = await lookupRoutes(
      ['192.168.100.10', '192.168.200.4', '10.20.0.37', '127.0.0.1', '192.168.101.7'],
      { run: macosRoute, platform: 'darwin', rules: { tunnel: { up: true, device: 'utun4' } } },
    );

    expect(decisions.get('192.168.100.10')).toEqual({
      allowed: true,
      path: 'tunnel',
      device: 'utun4',
      gateway: '192.168.102.1',
    });
    expect(decisions.get('192.168.200.4')).toEqual({
      allowed: false,
      reason: 'no route through the VPN: 192.168.200.4 would go via 10.20.0.1 on en0',
    });
    expect(decisions.get('10.20.0.37')).toEqual({ allowed: true, path: 'direct', device: 'en0' });
    expect(decisions.get('127.0.0.1')).toEqual({ allowed: true, path: 'local', device: 'lo0' });
    expect(decisions.get('192.168.101.7')).toEqual({
      allowed: false,
      reason: 'no route through the VPN: 192.168.101.7 has no route',
    });
  });

  it('rejects a foreign utun device', async () => {
    // route -n get prints no source address, so the device found for the tunnel decides.
    for (const tunnel of [{ up: true, device: 'utun7' }, { up: false }]) {
      const decisions = await lookupRoutes(['192.168.100.10'], {
        run: macosRoute,
        platform: 'darwin',
        rules: { tunnel },
      });

      expect(decisions.get('192.168.100.10'), JSON.stringify(tunnel)).toMatchObject({
        allowed: false,
        reason: expect.stringContaining(
          "192.168.100.10 would go through utun4, which is not this app's tunnel",
        ) as string,
      });
    }
  });

  it('refuses an address whose output it cannot read', async () => {
    const run: CommandRunner = () =>
      Promise.resolve({ stdout: 'interface: utun4\n', stderr: '', exitCode: 0 });

    const decisions = await lookupRoutes(['192.168.100.10'], { run, platform: 'darwin' });

    expect(decisions.get('192.168.100.10')).toEqual({
      allowed: false,
      reason:
        'no route through the VPN: could not read the route of 192.168.100.10: route -n get printed no "route to:" line',
    });
  });

  it('refuses a reject route', async () => {
    const run: CommandRunner = () =>
      Promise.resolve({
        stdout: MACOS_OUTPUTS['192.168.200.4']?.replace('PRCLONING', 'REJECT') ?? '',
        stderr: '',
        exitCode: 0,
      });

    const decisions = await lookupRoutes(['192.168.200.4'], { run, platform: 'darwin' });

    expect(decisions.get('192.168.200.4')).toEqual({
      allowed: false,
      reason: 'no route through the VPN: 192.168.200.4 has an unreachable route',
    });
  });
});

function windowsRoutes(lines: Record<string, string>): CommandRunner {
  return (_command, args) => {
    const script = args[3] ?? '';
    const stdout = Object.entries(lines)
      .filter(([address]) => script.includes(`'${address}'`))
      .map(([address, json]) => `${address} route ${json}`)
      .join('\r\n');
    return Promise.resolve({ stdout, stderr: '', exitCode: 0 });
  };
}

const OPENVPN_DCO = 'OpenVPN Data Channel Offload';

describe('route lookup on Windows', () => {
  // Find-NetRoute objects in the shape ConvertTo-Json prints them, written for these tests.
  const run = windowsRoutes({
    '192.168.100.10':
      '[{"InterfaceAlias":"OpenVPN Data Channel Offload","InterfaceIndex":9,"NextHop":null,"DestinationPrefix":null},' +
      '{"InterfaceAlias":"OpenVPN Data Channel Offload","InterfaceIndex":9,"NextHop":"192.168.102.1","DestinationPrefix":"192.168.100.0/24"}]',
    '192.168.200.4':
      '[{"InterfaceAlias":"Wi-Fi","InterfaceIndex":14,"NextHop":null,"DestinationPrefix":null},' +
      '{"InterfaceAlias":"Wi-Fi","InterfaceIndex":14,"NextHop":"10.20.0.1","DestinationPrefix":"0.0.0.0/0"}]',
    '10.20.0.37':
      '{"InterfaceAlias":"Wi-Fi","InterfaceIndex":14,"NextHop":"0.0.0.0","DestinationPrefix":"10.20.0.0/24"}',
    '127.0.0.1':
      '{"InterfaceAlias":"Loopback Pseudo-Interface 1","InterfaceIndex":1,"NextHop":"0.0.0.0","DestinationPrefix":"127.0.0.0/8"}',
  });

  it('decides each address from Find-NetRoute', async () => {
    const decisions = await lookupRoutes(
      ['192.168.100.10', '192.168.200.4', '10.20.0.37', '127.0.0.1', '192.168.101.7'],
      { run, platform: 'win32', rules: { tunnel: { up: true, device: OPENVPN_DCO } } },
    );

    expect(decisions.get('192.168.100.10')).toEqual({
      allowed: true,
      path: 'tunnel',
      device: 'OpenVPN Data Channel Offload',
      gateway: '192.168.102.1',
    });
    expect(decisions.get('192.168.200.4')).toEqual({
      allowed: false,
      reason: 'no route through the VPN: 192.168.200.4 would go via 10.20.0.1 on Wi-Fi',
    });
    expect(decisions.get('10.20.0.37')).toEqual({ allowed: true, path: 'direct', device: 'Wi-Fi' });
    expect(decisions.get('127.0.0.1')).toMatchObject({ allowed: true, path: 'local' });
    expect(decisions.get('192.168.101.7')).toEqual({
      allowed: false,
      reason:
        'no route through the VPN: could not read the route of 192.168.101.7: PowerShell printed no line for it',
    });
  });

  it('rejects a foreign OpenVPN adapter', async () => {
    // Another OpenVPN client's adapter matches the alias rule, but is not this app's tunnel.
    for (const tunnel of [{ up: true, device: 'OpenVPN Wintun' }, { up: false }]) {
      const decisions = await lookupRoutes(['192.168.100.10'], {
        run,
        platform: 'win32',
        rules: { tunnel },
      });

      expect(decisions.get('192.168.100.10'), JSON.stringify(tunnel)).toMatchObject({
        allowed: false,
        reason: expect.stringContaining(
          `192.168.100.10 would go through ${OPENVPN_DCO}, which is not this app's tunnel`,
        ) as string,
      });
    }
  });

  it('does not take a tun-named adapter for the tunnel', async () => {
    const tunNamed = windowsRoutes({
      '192.168.100.10':
        '{"InterfaceAlias":"tun0","NextHop":"10.20.0.1","DestinationPrefix":"0.0.0.0/0"}',
    });

    const decisions = await lookupRoutes(['192.168.100.10'], { run: tunNamed, platform: 'win32' });

    expect(decisions.get('192.168.100.10')).toMatchObject({ allowed: false });
  });

  it('uses a custom tunnel adapter rule', async () => {
    const decisions = await lookupRoutes(['192.168.200.4'], {
      run,
      platform: 'win32',
      rules: {
        isTunnelDevice: (alias) => alias === 'Wi-Fi',
        tunnel: { up: true, device: 'Wi-Fi' },
      },
    });

    expect(decisions.get('192.168.200.4')).toMatchObject({ allowed: true, path: 'tunnel' });
  });
});
