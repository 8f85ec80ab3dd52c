// A stand-in for openvpn that speaks the management interface over a unix socket, so the driver
// can be tested without root. It understands `--management PATH unix` and `--management-hold`
// and ignores every other argument. FAKE_OPENVPN_MODE picks a behaviour:
//   connect (default)  goes through the connect states to CONNECTED after `hold release`
//   ignore-sigterm     like connect, but survives SIGTERM, so only SIGKILL stops it
//   password           requests a private key password after `hold release`
//   fatal              reports a fatal error and exits after `hold release`
// Usage: node --import tsx main/connect/fake-openvpn.ts [openvpn arguments]
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';

const args = process.argv.slice(2);
const socketPath = args[args.indexOf('--management') + 1];
const mode = process.env.FAKE_OPENVPN_MODE ?? 'connect';
let holding = args.includes('--management-hold');
let lastState = '0,CONNECTING,,,,,,,';
let client: Socket | undefined;
let bytes = 0;

if (socketPath === undefined || !args.includes('--management')) {
  console.error('Options error: --management PATH unix is required');
  process.exit(1);
}

const CONNECT_STATES = ['WAIT', 'AUTH', 'GET_CONFIG', 'ASSIGN_IP,,192.168.102.2', 'ADD_ROUTES'];

function send(line: string): void {
  client?.write(`${line}\r\n`);
}

function state(text: string): void {
  lastState = `${Math.floor(Date.now() / 1000)},${text}`;
  send(`>STATE:${lastState}`);
}

function connect(): void {
  for (const step of CONNECT_STATES) state(`${step},,,,,`);
  state('CONNECTED,SUCCESS,192.168.102.2,198.18.0.1,1194,,,');
}

function exit(reason: string): void {
  state(`EXITING,${reason},,,,,,`);
  rmSync(socketPath ?? '', { force: true });
  process.exit(0);
}

function afterRelease(): void {
  if (mode === 'password') {
    send(">PASSWORD:Need 'Private Key' password");
    return;
  }
  if (mode === 'fatal') {
    send('>LOG:0,F,Cannot open TUN/TAP dev /dev/net/tun: No such device');
    send('>FATAL:Cannot open TUN/TAP dev /dev/net/tun: No such device');
    exit('init_instance');
    return;
  }
  connect();
}

function handle(command: string): void {
  const [name, argument] = command.split(' ');

  switch (name) {
    case 'state':
      if (argument === 'on') send('SUCCESS: real-time state notification set to ON');
      else send(`${lastState}\r\nEND`);
      return;
    case 'log':
      send('SUCCESS: real-time log notification set to ON');
      return;
    case 'bytecount':
      send('SUCCESS: bytecount interval changed');
      return;
    case 'pid':
      send(`SUCCESS: pid=${process.pid}`);
      return;
    case 'hold':
      if (argument === 'off') {
        send('SUCCESS: hold flag set to OFF');
        return;
      }
      send('SUCCESS: hold release succeeded');
      if (holding) {
        holding = false;
        setTimeout(afterRelease, 5);
      }
      return;
    case 'signal':
      send(`SUCCESS: signal ${argument} thrown`);
      if (argument === 'SIGUSR1') {
        state(`RECONNECTING,SIGUSR1,,,,,,`);
        setTimeout(connect, 5);
      }
      if (argument === 'SIGTERM' && mode !== 'ignore-sigterm') exit('SIGTERM');
      return;
    default:
      send("ERROR: unknown command, enter 'help' for more options");
  }
}

if (mode === 'ignore-sigterm') process.on('SIGTERM', () => undefined);

const server = createServer((socket) => {
  client = socket;
  send(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info");
  if (holding) send('>HOLD:Waiting for hold release:0');

  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) handle(line.trim());
  });
  socket.on('error', () => undefined);
});
server.listen(socketPath);

setInterval(() => {
  bytes += 1000;
  if (lastState.includes('CONNECTED')) send(`>BYTECOUNT:${bytes},${bytes / 2}`);
}, 200);
