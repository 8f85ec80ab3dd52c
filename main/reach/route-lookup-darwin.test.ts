import { describe, expect, it } from 'vitest';

import {
  darwinKernelRoute,
  darwinLookupResult,
  lookupDarwinRoutes,
  parseDarwinRoute,
} from './route-lookup-darwin.ts';
import type { CommandRunner } from './route-lookup.ts';

// Outputs in the layout of macOS `route -n get ADDRESS`, written for these tests: right-aligned
// field names, then a metrics table.
const METRICS = [
  ' recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount      mtu     expire',
  '       0         0         0         0         0         0      1500         0',
];

function routeOutput(...fields: string[]): string {
  return [...fields, ...METRICS, ''].join('\n');
}

const THROUGH_TUNNEL = routeOutput(
  '   route to: 192.168.100.10',
  'destination: 192.168.100.0',
  '       mask: 255.255.255.0',
  '    gateway: 192.168.102.1',
  '  interface: utun4',
  '      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>',
);
const DEFAULT_ROUTE = routeOutput(
  '   route to: 192.168.100.10',
  'destination: default',
  '       mask: default',
  '    gateway: 10.20.0.1',
  '  interface: en0',
  '      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING,GLOBAL>',
);
const ON_LINK = routeOutput(
  '   route to: 10.20.0.37',
  'destination: 10.20.0.0',
  '       mask: 255.255.255.0',
  '    gateway: link#11',
  '  interface: en0',
  '      flags: <UP,DONE,CLONING,STATIC>',
);
const ON_LINK_HOST = routeOutput(
  '   route to: 10.20.0.1',
  'destination: 10.20.0.1',
  '  interface: en0',
  '      flags: <UP,HOST,DONE,LLINFO,WASCLONED,IFSCOPE,IFREF>',
);
const LOOPBACK = routeOutput(
  '   route to: 127.0.0.1',
  'destination: 127.0.0.1',
  '    gateway: 127.0.0.1',
  '  interface: lo0',
  '      flags: <UP,HOST,DONE,LOCAL>',
);
const REJECT = routeOutput(
  '   route to: 192.168.200.4',
  'destination: 192.168.200.0',
  '       mask: 255.255.252.0',
  '    gateway: 127.0.0.1',
  '  interface: lo0',
  '      flags: <UP,GATEWAY,DONE,STATIC,REJECT>',
);
const IPV6_THROUGH_TUNNEL = routeOutput(
  '   route to: fd00:100::10',
  'destination: fd00:100::',
  '       mask: ffff:ffff:ffff:ffff::',
  '    gateway: fd00:102::1',
  '  interface: utun4',
  '      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>',
);
const NOT_IN_TABLE = 'route: writing to routing socket: not in table\n';

function ok(stdout: string) {
  return { stdout, stderr: '', exitCode: 0 };
}

describe('macOS route output', () => {
  it('reads every field', () => {
    expect(parseDarwinRoute(DEFAULT_ROUTE)).toEqual({
      routeTo: '192.168.100.10',
      destination: 'default',
      mask: 'default',
      gateway: '10.20.0.1',
      interface: 'en0',
      flags: ['UP', 'GATEWAY', 'DONE', 'STATIC', 'PRCLONING', 'GLOBAL'],
    });
  });

  it('reads a route without gateway and mask', () => {
    expect(parseDarwinRoute(ON_LINK_HOST)).toEqual({
      routeTo: '10.20.0.1',
      destination: '10.20.0.1',
      interface: 'en0',
      flags: ['UP', 'HOST', 'DONE', 'LLINFO', 'WASCLONED', 'IFSCOPE', 'IFREF'],
    });
  });

  it('rejects output without an interface', () => {
    const output = routeOutput('   route to: 10.0.0.1', '      flags: <UP,DONE>');
    expect(() => parseDarwinRoute(output)).toThrow('printed no "interface:" line');
  });

  it('rejects output without flags', () => {
    const output = routeOutput('   route to: 10.0.0.1', '  interface: en0');
    expect(() => parseDarwinRoute(output)).toThrow('printed no "flags:" line');
  });

  it('rejects output without route to', () => {
    const output = routeOutput('  interface: en0', '      flags: <UP,DONE>');
    expect(() => parseDarwinRoute(output)).toThrow('printed no "route to:" line');
  });

  it('rejects a field given twice', () => {
    const output = `${THROUGH_TUNNEL}  interface: en0\n`;
    expect(() => parseDarwinRoute(output)).toThrow('printed the "interface:" line twice');
  });

  it('rejects malformed flags', () => {
    for (const flags of ['UP,GATEWAY', '<UP GATEWAY>', '<up,gateway>', '<UP,,DONE>']) {
      const output = routeOutput(
        '   route to: 10.0.0.1',
        '  interface: en0',
        `      flags: ${flags}`,
      );
      expect(() => parseDarwinRoute(output), flags).toThrow('printed invalid flags');
    }
  });

  it('rejects an interface that is not a name', () => {
    for (const device of ['en0; rm -rf /', '$(reboot)', 'en 0', 'averyveryverylongname0']) {
      const output = routeOutput(
        '   route to: 10.0.0.1',
        `  interface: ${device}`,
        '      flags: <UP>',
      );
      expect(() => parseDarwinRoute(output), device).toThrow('printed an invalid interface');
    }
  });

  it('rejects garbage', () => {
    expect(() => parseDarwinRoute('')).toThrow('printed no "route to:" line');
    expect(() => parseDarwinRoute('\u0000\u0001binary\nnoise: yes\n')).toThrow(/printed no/);
  });

  it('rejects huge output', () => {
    const huge = THROUGH_TUNNEL + 'x'.repeat(5_000_000);
    expect(() => parseDarwinRoute(huge)).toThrow(
      `printed ${huge.length} characters, more than the 16384 a route can take`,
    );
  });
});

describe('macOS route conversion', () => {
  it('keeps the gateway of a GATEWAY route', () => {
    expect(darwinKernelRoute('192.168.100.10', parseDarwinRoute(THROUGH_TUNNEL))).toEqual({
      dst: '192.168.100.10',
      dev: 'utun4',
      gateway: '192.168.102.1',
    });
  });

  it('drops a link-level gateway', () => {
    expect(darwinKernelRoute('10.20.0.37', parseDarwinRoute(ON_LINK))).toEqual({
      dst: '10.20.0.37',
      dev: 'en0',
    });
  });

  it('marks loopback as local', () => {
    expect(darwinKernelRoute('127.0.0.1', parseDarwinRoute(LOOPBACK))).toMatchObject({
      type: 'local',
    });
  });

  it('marks reject and blackhole routes', () => {
    expect(darwinKernelRoute('192.168.200.4', parseDarwinRoute(REJECT)).type).toBe('unreachable');
    const blackhole = REJECT.replace('REJECT', 'BLACKHOLE');
    expect(darwinKernelRoute('192.168.200.4', parseDarwinRoute(blackhole)).type).toBe('blackhole');
  });

  it('rejects a GATEWAY flag without an IP gateway', () => {
    const withoutLine = DEFAULT_ROUTE.replace('    gateway: 10.20.0.1\n', '');
    const linkLevel = DEFAULT_ROUTE.replace('10.20.0.1', 'link#4');
    expect(() => darwinKernelRoute('192.168.100.10', parseDarwinRoute(withoutLine))).toThrow(
      'printed the GATEWAY flag with gateway ""',
    );
    expect(() => darwinKernelRoute('192.168.100.10', parseDarwinRoute(linkLevel))).toThrow(
      'printed the GATEWAY flag with gateway "link#4"',
    );
  });

  it('rejects a route for another address', () => {
    expect(() => darwinKernelRoute('192.168.100.11', parseDarwinRoute(THROUGH_TUNNEL))).toThrow(
      'printed the route to 192.168.100.10 instead',
    );
  });

  it('matches IPv6 addresses in any spelling', () => {
    const route = darwinKernelRoute('fd00:100:0:0::10', parseDarwinRoute(IPV6_THROUGH_TUNNEL));
    expect(route).toEqual({ dst: 'fd00:100:0:0::10', dev: 'utun4', gateway: 'fd00:102::1' });
  });
});

describe('macOS route lookup result', () => {
  it('reads a route that was not found as no route', () => {
    const lookup = darwinLookupResult('192.168.100.10', {
      stdout: '',
      stderr: NOT_IN_TABLE,
      exitCode: 1,
    });
    expect(lookup).toEqual({ route: undefined });
  });

  it('reads the FreeBSD wording of no route', () => {
    const lookup = darwinLookupResult('192.168.100.10', {
      stdout: '',
      stderr: 'route: route has not been found\n',
      exitCode: 1,
    });
    expect(lookup).toEqual({ route: undefined });
  });

  it('fails on another error', () => {
    const lookup = darwinLookupResult('192.168.100.10', {
      stdout: '',
      stderr: 'route: bad address: 192.168.100.10\n',
      exitCode: 68,
    });
    expect(lookup).toEqual({
      failure:
        'could not read the route of 192.168.100.10: route -n get failed: route: bad address: 192.168.100.10',
    });
  });

  it('fails on a zero exit with unreadable output', () => {
    const lookup = darwinLookupResult('192.168.100.10', ok('Segmentation fault\n'));
    expect(lookup).toEqual({
      failure:
        'could not read the route of 192.168.100.10: route -n get printed no "route to:" line',
    });
  });

  it('fails on a complete route with a non-zero exit', () => {
    const lookup = darwinLookupResult('192.168.100.10', {
      stdout: THROUGH_TUNNEL,
      stderr: '',
      exitCode: 1,
    });
    expect(lookup).toMatchObject({ failure: expect.stringContaining('exit status 1') as string });
  });
});

describe('macOS route lookup', () => {
  it('runs route without a shell for each address', async () => {
    const calls: { command: string; args: string[]; timeoutMs: number }[] = [];
    const run: CommandRunner = (command, args, options) => {
      calls.push({ command, args, timeoutMs: options.timeoutMs });
      const address = args.at(-1);
      return Promise.resolve(
        ok(address === '192.168.100.10' ? THROUGH_TUNNEL : IPV6_THROUGH_TUNNEL),
      );
    };

    const lookups = await lookupDarwinRoutes(['192.168.100.10', 'fd00:100::10'], run);

    expect(calls).toEqual([
      { command: '/sbin/route', args: ['-n', 'get', '-inet', '192.168.100.10'], timeoutMs: 3_000 },
      { command: '/sbin/route', args: ['-n', 'get', '-inet6', 'fd00:100::10'], timeoutMs: 3_000 },
    ]);
    expect(lookups.get('192.168.100.10')).toMatchObject({ route: { dev: 'utun4' } });
    expect(lookups.get('fd00:100::10')).toMatchObject({ route: { dev: 'utun4' } });
  });

  it('never passes a value that is not an IP address', async () => {
    const commands: string[][] = [];
    const run: CommandRunner = (_command, args) => {
      commands.push(args);
      return Promise.resolve(ok(''));
    };
    const hostile = ['1.2.3.4; rm -rf /', '$(reboot)', '-f', '192.168.100.10 -interface en0'];

    const lookups = await lookupDarwinRoutes(hostile, run);

    expect(commands).toEqual([]);
    for (const value of hostile) {
      expect(lookups.get(value), value).toEqual({
        failure: `${JSON.stringify(value)} is not an IP address`,
      });
    }
  });

  it('runs at most the given number at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const run: CommandRunner = async (_command, args) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running -= 1;
      return ok(THROUGH_TUNNEL.replace('192.168.100.10', args.at(-1) ?? ''));
    };
    const addresses = Array.from({ length: 10 }, (_, index) => `192.168.100.${index + 1}`);

    const lookups = await lookupDarwinRoutes(addresses, run, { concurrency: 3 });

    expect(maxRunning).toBe(3);
    expect(lookups.size).toBe(10);
    expect(lookups.get('192.168.100.7')).toMatchObject({ route: { dst: '192.168.100.7' } });
  });

  it('fails an address whose runner throws', async () => {
    const run: CommandRunner = () => Promise.reject(new Error('spawn /sbin/route EACCES'));

    const lookups = await lookupDarwinRoutes(['192.168.100.10'], run);

    expect(lookups.get('192.168.100.10')).toEqual({
      failure: 'could not run route -n get for 192.168.100.10: spawn /sbin/route EACCES',
    });
  });
});
