import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  ManagementClient,
  ManagementClosedError,
  ManagementCommandError,
} from './management-client.ts';
import type { ManagementNotification } from './management-parser.ts';

/** A stand-in for openvpn's side of the socket: it records commands and lets the test reply. */
interface FakeOpenvpn {
  server: Server;
  socketPath: string;
  peer: Promise<Socket>;
  commands: string[];
}

let directory: string;
let fake: FakeOpenvpn;
let client: ManagementClient;

async function startFake(): Promise<FakeOpenvpn> {
  const socketPath = join(directory, 'management.sock');
  const commands: string[] = [];
  let accept: (socket: Socket) => void = () => {};
  const peer = new Promise<Socket>((resolve) => (accept = resolve));

  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      commands.push(...lines);
    });
    accept(socket);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { server, socketPath, peer, commands };
}

async function waitForCommands(count: number): Promise<void> {
  for (let attempt = 0; attempt < 200 && fake.commands.length < count; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-management-'));
  fake = await startFake();
  client = await ManagementClient.connect(fake.socketPath, { commandTimeoutMs: 2_000 });
});

afterEach(async () => {
  await client.close();
  await new Promise((resolve) => fake.server.close(resolve));
  await rm(directory, { recursive: true, force: true });
});

describe('management client', () => {
  it('sends a command and returns its success text', async () => {
    const reply = client.holdRelease();
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write('SUCCESS: hold release succeeded\r\n');

    await expect(reply).resolves.toBe('hold release succeeded');
    expect(fake.commands).toEqual(['hold release']);
  });

  it('rejects a command that openvpn answers with an error', async () => {
    const reply = client.command('frobnicate');
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write("ERROR: unknown command, enter 'help' for more options\r\n");

    await expect(reply).rejects.toBeInstanceOf(ManagementCommandError);
    await expect(reply).rejects.toThrow('"frobnicate"');
  });

  it('collects a multi-line reply until END', async () => {
    const reply = client.commandLines('status');
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write('OpenVPN STATISTICS\r\nTUN/TAP read bytes,0\r\nEND\r\n');

    await expect(reply).resolves.toEqual(['OpenVPN STATISTICS', 'TUN/TAP read bytes,0']);
  });

  it('matches replies to commands in the order sent', async () => {
    const first = client.stateOn();
    const second = client.command('frobnicate');
    const third = client.bytecount(1);
    const peer = await fake.peer;
    await waitForCommands(3);
    peer.write(
      'SUCCESS: real-time state notification set to ON\r\nERROR: unknown command\r\n' +
        'SUCCESS: bytecount interval changed\r\n',
    );

    await expect(first).resolves.toBe('real-time state notification set to ON');
    await expect(second).rejects.toThrow('unknown command');
    await expect(third).resolves.toBe('bytecount interval changed');
    expect(fake.commands).toEqual(['state on', 'frobnicate', 'bytecount 1']);
  });

  it('delivers notifications that arrive inside a multi-line reply', async () => {
    const notifications: ManagementNotification[] = [];
    client.onNotification((notification) => notifications.push(notification));

    const reply = client.commandLines('state');
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write('1764853200,WAIT,,,,,,\r\n>BYTECOUNT:10,20\r\n1764853201,AUTH,,,,,,\r\nEND\r\n');

    await expect(reply).resolves.toEqual(['1764853200,WAIT,,,,,,', '1764853201,AUTH,,,,,,']);
    expect(notifications).toEqual([{ kind: 'bytecount', bytesIn: 10, bytesOut: 20 }]);
  });

  it('reads the current state', async () => {
    const reply = client.state();
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write('1764853200,CONNECTED,SUCCESS,192.168.102.2,198.18.0.1,1194,,,\r\nEND\r\n');

    await expect(reply).resolves.toMatchObject({
      name: 'CONNECTED',
      localAddress: '192.168.102.2',
      remoteAddress: '198.18.0.1',
    });
  });

  it('reads the openvpn PID', async () => {
    const reply = client.pid();
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write('SUCCESS: pid=4242\r\n');

    await expect(reply).resolves.toBe(4242);
  });

  it('sends signals by name', async () => {
    const reply = client.signal('SIGUSR1');
    const peer = await fake.peer;
    await waitForCommands(1);
    peer.write('SUCCESS: signal SIGUSR1 thrown\r\n');

    await expect(reply).resolves.toBe('signal SIGUSR1 thrown');
    expect(fake.commands).toEqual(['signal SIGUSR1']);
  });

  it('handles replies and notifications split across writes', async () => {
    const notifications: ManagementNotification[] = [];
    client.onNotification((notification) => notifications.push(notification));

    const reply = client.stateOn();
    const peer = await fake.peer;
    await waitForCommands(1);
    for (const piece of [
      '>STATE:17648',
      '53200,CONNECTED,SUCCESS,',
      '192.168.102.2,198.18.0.1,1194,,,\r',
      '\nSUCC',
      'ESS: on\r\n',
    ]) {
      peer.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    await expect(reply).resolves.toBe('on');
    expect(notifications).toMatchObject([{ kind: 'state', name: 'CONNECTED', remotePort: 1194 }]);
  });

  it('rejects waiting commands when the socket closes', async () => {
    const closes: (Error | undefined)[] = [];
    client.onClose((error) => closes.push(error));

    const first = client.signal('SIGTERM');
    const second = client.commandLines('status');
    const peer = await fake.peer;
    await waitForCommands(2);
    peer.destroy();

    await expect(first).rejects.toBeInstanceOf(ManagementClosedError);
    await expect(second).rejects.toThrow(
      `The openvpn management interface at ${fake.socketPath} closed before it replied to "status"`,
    );
    expect(closes).toHaveLength(1);
    expect(client.isClosed).toBe(true);
  });

  it('rejects a command sent after the socket closed', async () => {
    (await fake.peer).destroy();
    await new Promise<void>((resolve) => client.onClose(() => resolve()));

    await expect(client.holdRelease()).rejects.toThrow('is closed');
  });

  it('closes the connection when a reply times out', async () => {
    const quick = await ManagementClient.connect(fake.socketPath, { commandTimeoutMs: 50 });

    await expect(quick.stateOn()).rejects.toThrow('did not reply to "state on" within 50 ms');
    expect(quick.isClosed).toBe(true);
  });

  it('rejects a command containing a line break', async () => {
    await expect(client.command('hold release\nsignal SIGTERM')).rejects.toThrow('single line');
  });

  it('rejects connecting to a missing socket', async () => {
    await expect(ManagementClient.connect(join(directory, 'missing.sock'))).rejects.toThrow(
      'ENOENT',
    );
  });
});
