import { describe, expect, it } from 'vitest';

import {
  findIcmpTool,
  parseFpingSummary,
  parsePingOutput,
  pingHosts,
  type IcmpTool,
} from './icmp-probe.ts';
import { runCommand, type CommandRunner } from './route-lookup.ts';

// Recorded from fping 5.1 and iputils ping 20221126.
const FPING_STDERR = [
  '127.0.0.1 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.031/0.031/0.031',
  '192.168.200.4 : xmt/rcv/%loss = 1/0/100%',
  '',
].join('\n');
const PING_STDOUT = [
  'PING 192.168.100.10 (192.168.100.10) 56(84) bytes of data.',
  '64 bytes from 192.168.100.10: icmp_seq=1 ttl=63 time=0.412 ms',
  '',
  '--- 192.168.100.10 ping statistics ---',
  '1 packets transmitted, 1 received, 0% packet loss, time 0ms',
].join('\n');

describe('fping summary', () => {
  it('reads the latency of a reply', () => {
    expect(parseFpingSummary(FPING_STDERR).get('127.0.0.1')).toEqual({
      ok: true,
      latencyMs: 0.031,
    });
  });

  it('reads a lost request as a timeout', () => {
    expect(parseFpingSummary(FPING_STDERR).get('192.168.200.4')).toEqual({
      ok: false,
      reason: 'timeout',
      message: 'no echo reply',
    });
  });
});

describe('ping output', () => {
  it('reads the latency of a reply', () => {
    expect(parsePingOutput(PING_STDOUT, '', 0)).toEqual({ ok: true, latencyMs: 0.412 });
  });

  it('reads exit status 1 as a timeout', () => {
    expect(parsePingOutput('', '', 1)).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('keeps the error of exit status 2', () => {
    expect(parsePingOutput('', 'ping: connect: Network is unreachable\n', 2)).toEqual({
      ok: false,
      reason: 'error',
      message: 'ping: connect: Network is unreachable',
    });
  });
});

describe('icmp probe', () => {
  it('sends every address to one fping process', async () => {
    const calls: string[][] = [];
    const run: CommandRunner = (_command, args) => {
      calls.push(args);
      return Promise.resolve({ stdout: '', stderr: FPING_STDERR, exitCode: 1 });
    };
    const tool: IcmpTool = { kind: 'fping', path: '/usr/bin/fping' };

    const results = await pingHosts(['127.0.0.1', '192.168.200.4', '127.0.0.1'], 500, tool, run);

    expect(calls).toEqual([['-c1', '-q', '-i', '1', '-t', '500', '127.0.0.1', '192.168.200.4']]);
    expect(results.get('127.0.0.1')?.ok).toBe(true);
    expect(results.get('192.168.200.4')?.ok).toBe(false);
  });

  it('passes the timeout to ping in seconds', async () => {
    const calls: string[][] = [];
    const run: CommandRunner = (_command, args) => {
      calls.push(args);
      return Promise.resolve({ stdout: PING_STDOUT, stderr: '', exitCode: 0 });
    };

    await pingHosts(['192.168.100.10'], 1500, { kind: 'ping', path: '/usr/bin/ping' }, run);

    expect(calls).toEqual([['-n', '-c1', '-W', '1.500', '192.168.100.10']]);
  });

  const tool = findIcmpTool();
  it.skipIf(tool === undefined)('gets a real echo reply from loopback', async () => {
    const results = await pingHosts(['127.0.0.1'], 1000, tool as IcmpTool, runCommand);
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true });
  });

  it.skipIf(tool === undefined)('gets a real echo reply with ping too', async () => {
    const ping: IcmpTool = { kind: 'ping', path: 'ping' };
    const results = await pingHosts(['127.0.0.1'], 1000, ping, runCommand);
    expect(results.get('127.0.0.1')).toMatchObject({ ok: true });
  });
});
