import { StringDecoder } from 'node:string_decoder';

/**
 * A real-time notification from the OpenVPN management interface: a line that starts with `>`.
 * Kinds this app acts on are parsed into fields; the rest keep their name and raw text.
 */
export type ManagementNotification =
  | {
      kind: 'state';
      time: number;
      name: string;
      description: string;
      localAddress: string;
      remoteAddress: string;
      remotePort: number | undefined;
    }
  | { kind: 'bytecount'; bytesIn: number; bytesOut: number }
  | { kind: 'hold'; text: string }
  | { kind: 'log'; time: number; flags: string; text: string }
  | { kind: 'fatal'; text: string }
  | { kind: 'password'; text: string }
  | { kind: 'info'; text: string }
  | { kind: 'other'; name: string; text: string };

/** One line of the management interface, classified but not yet matched to a command. */
export type ManagementLine =
  | { type: 'notification'; notification: ManagementNotification }
  | { type: 'success'; text: string }
  | { type: 'error'; text: string }
  | { type: 'end' }
  | { type: 'line'; text: string };

/**
 * Splits the management interface's byte stream into lines and classifies them. Lines end in
 * CRLF (LF alone is accepted too); a line or a UTF-8 character split across reads is kept until
 * the rest arrives.
 */
export class ManagementParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Parses a chunk read from the socket and returns every line it completes. */
  push(chunk: Buffer | string): ManagementLine[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);

    const lines: ManagementLine[] = [];
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      const raw = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      lines.push(parseLine(raw));
      newline = this.pending.indexOf('\n');
    }
    return lines;
  }

  /** Text received after the last complete line, for error messages when the socket closes. */
  get incomplete(): string {
    return this.pending;
  }
}

/** Classifies one management line without its line ending. */
export function parseLine(line: string): ManagementLine {
  if (line.startsWith('>')) return { type: 'notification', notification: parseNotification(line) };
  if (line.startsWith('SUCCESS:')) return { type: 'success', text: line.slice(8).trim() };
  if (line.startsWith('ERROR:')) return { type: 'error', text: line.slice(6).trim() };
  if (line === 'END') return { type: 'end' };
  return { type: 'line', text: line };
}

function parseNotification(line: string): ManagementNotification {
  const colon = line.indexOf(':');
  const name = colon === -1 ? line.slice(1) : line.slice(1, colon);
  const text = colon === -1 ? '' : line.slice(colon + 1);

  switch (name) {
    case 'STATE':
      return parseState(text);
    case 'BYTECOUNT':
      return parseBytecount(text);
    case 'HOLD':
      return { kind: 'hold', text };
    case 'LOG':
      return parseLog(text);
    case 'FATAL':
      return { kind: 'fatal', text };
    case 'PASSWORD':
      return { kind: 'password', text };
    case 'INFO':
      return { kind: 'info', text };
    default:
      return { kind: 'other', name, text };
  }
}

/**
 * Parses the fields of a state line: `time,name,description,tun address,remote address,remote
 * port,local address,local port,tun IPv6 address`. Everything after the name is optional.
 */
export function parseState(text: string): Extract<ManagementNotification, { kind: 'state' }> {
  const fields = text.split(',');
  const port = Number.parseInt(fields[5] ?? '', 10);

  return {
    kind: 'state',
    time: Number.parseInt(fields[0] ?? '', 10),
    name: fields[1] ?? '',
    description: fields[2] ?? '',
    localAddress: fields[3] ?? '',
    remoteAddress: fields[4] ?? '',
    remotePort: Number.isNaN(port) ? undefined : port,
  };
}

function parseBytecount(text: string): ManagementNotification {
  const [bytesIn, bytesOut] = text.split(',');
  return { kind: 'bytecount', bytesIn: Number(bytesIn), bytesOut: Number(bytesOut) };
}

// A log line is `time,flags,message`, and the message itself may contain commas.
function parseLog(text: string): ManagementNotification {
  const first = text.indexOf(',');
  const second = first === -1 ? -1 : text.indexOf(',', first + 1);
  if (second === -1) return { kind: 'log', time: Number.NaN, flags: '', text };

  return {
    kind: 'log',
    time: Number.parseInt(text.slice(0, first), 10),
    flags: text.slice(first + 1, second),
    text: text.slice(second + 1),
  };
}
