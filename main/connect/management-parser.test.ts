import { describe, expect, it } from 'vitest';

import { ManagementParser, parseLine } from './management-parser.ts';

describe('management parser', () => {
  it('parses a state notification', () => {
    const line = parseLine('>STATE:1764853200,CONNECTED,SUCCESS,192.168.102.2,198.18.0.1,1194,,,');
    expect(line).toEqual({
      type: 'notification',
      notification: {
        kind: 'state',
        time: 1764853200,
        name: 'CONNECTED',
        description: 'SUCCESS',
        localAddress: '192.168.102.2',
        remoteAddress: '198.18.0.1',
        remotePort: 1194,
      },
    });
  });

  it('parses a state notification with only a name', () => {
    const line = parseLine('>STATE:1764853200,WAIT,,,,,,');
    expect(line).toMatchObject({
      notification: { kind: 'state', name: 'WAIT', description: '', remotePort: undefined },
    });
  });

  it('parses a reconnecting reason', () => {
    const line = parseLine('>STATE:1764853201,RECONNECTING,ping-restart,,,,,');
    expect(line).toMatchObject({
      notification: { name: 'RECONNECTING', description: 'ping-restart' },
    });
  });

  it('parses a byte count', () => {
    expect(parseLine('>BYTECOUNT:1234,5678')).toEqual({
      type: 'notification',
      notification: { kind: 'bytecount', bytesIn: 1234, bytesOut: 5678 },
    });
  });

  it('parses a hold', () => {
    expect(parseLine('>HOLD:Waiting for hold release:0')).toEqual({
      type: 'notification',
      notification: { kind: 'hold', text: 'Waiting for hold release:0' },
    });
  });

  it('parses a log line whose message contains commas', () => {
    expect(parseLine('>LOG:1764853200,W,WARNING: a, b, c')).toEqual({
      type: 'notification',
      notification: { kind: 'log', time: 1764853200, flags: 'W', text: 'WARNING: a, b, c' },
    });
  });

  it('parses a fatal error', () => {
    expect(parseLine('>FATAL:Cannot open TUN/TAP dev /dev/net/tun')).toEqual({
      type: 'notification',
      notification: { kind: 'fatal', text: 'Cannot open TUN/TAP dev /dev/net/tun' },
    });
  });

  it('parses a password request', () => {
    expect(parseLine(">PASSWORD:Need 'Private Key' password")).toEqual({
      type: 'notification',
      notification: { kind: 'password', text: "Need 'Private Key' password" },
    });
  });

  it('parses an info line', () => {
    const line = parseLine(
      ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
    );
    expect(line).toMatchObject({ notification: { kind: 'info' } });
  });

  it('keeps other notifications by name', () => {
    expect(parseLine(">NEED-OK:Need 'token-insertion-request' confirmation")).toEqual({
      type: 'notification',
      notification: {
        kind: 'other',
        name: 'NEED-OK',
        text: "Need 'token-insertion-request' confirmation",
      },
    });
  });

  it('parses success, error, end and plain lines', () => {
    expect(parseLine('SUCCESS: pid=4242')).toEqual({ type: 'success', text: 'pid=4242' });
    expect(parseLine("ERROR: unknown command, enter 'help' for more options")).toEqual({
      type: 'error',
      text: "unknown command, enter 'help' for more options",
    });
    expect(parseLine('END')).toEqual({ type: 'end' });
    expect(parseLine('1764853200,CONNECTED,SUCCESS,,,,')).toEqual({
      type: 'line',
      text: '1764853200,CONNECTED,SUCCESS,,,,',
    });
  });

  it('joins a line split across reads', () => {
    const parser = new ManagementParser();
    expect(parser.push('>BYTECOUNT:12')).toEqual([]);
    expect(parser.incomplete).toBe('>BYTECOUNT:12');
    expect(parser.push('34,56\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([
      { type: 'notification', notification: { kind: 'bytecount', bytesIn: 1234, bytesOut: 56 } },
    ]);
  });

  it('returns every line of one read in order', () => {
    const parser = new ManagementParser();
    const lines = parser.push('>HOLD:Waiting for hold release:0\r\nSUCCESS: ok\r\nEND\r\n>FATAL:x');
    expect(lines.map((line) => line.type)).toEqual(['notification', 'success', 'end']);
    expect(parser.incomplete).toBe('>FATAL:x');
  });

  it('accepts lines ending in LF only', () => {
    const parser = new ManagementParser();
    expect(parser.push('SUCCESS: a\nSUCCESS: b\n')).toEqual([
      { type: 'success', text: 'a' },
      { type: 'success', text: 'b' },
    ]);
  });

  it('keeps a UTF-8 character split across reads', () => {
    const parser = new ManagementParser();
    const bytes = Buffer.from('>LOG:1,I,Grüße\r\n');
    const split = bytes.indexOf(0xc3) + 1;

    expect(parser.push(bytes.subarray(0, split))).toEqual([]);
    expect(parser.push(bytes.subarray(split))).toEqual([
      { type: 'notification', notification: { kind: 'log', time: 1, flags: 'I', text: 'Grüße' } },
    ]);
  });
});
