import { describe, expect, it } from 'vitest';

import { describeWith } from '../testing/requirements.ts';
import { checkConfigWithOpenvpn } from './openvpn-config-check.ts';
import { parseProfile, ProfileParseError } from './profile-parser.ts';

function only(text: string) {
  const [directive] = parseProfile(text).directives;
  return directive;
}

function parseError(text: string): ProfileParseError {
  try {
    parseProfile(text);
  } catch (error) {
    if (error instanceof ProfileParseError) return error;
    throw error;
  }
  throw new Error('expected parseProfile to throw a ProfileParseError');
}

describe('profile parser', () => {
  it('reads directives with their line numbers', () => {
    expect(parseProfile('client\n\nremote vpn.example.org 1194 udp\n').directives).toEqual([
      { name: 'client', args: [], line: 1 },
      { name: 'remote', args: ['vpn.example.org', '1194', 'udp'], line: 3 },
    ]);
  });

  it('skips comment lines', () => {
    expect(parseProfile('# up /bin/sh\n; down /bin/sh\n  # indented\nverb 3\n').directives).toEqual(
      [{ name: 'verb', args: ['3'], line: 4 }],
    );
  });

  it('ends a line at a word starting with # or ;', () => {
    expect(only('verb 3 # up /bin/sh')?.args).toEqual(['3']);
    expect(only('verb 3 ;up')?.args).toEqual(['3']);
  });

  it('keeps # inside a word', () => {
    expect(only('auth SHA#256')?.args).toEqual(['SHA#256']);
  });

  it('reads double-quoted arguments', () => {
    expect(only('verify-x509-name "C=NL, O=Example Corp" subject')?.args).toEqual([
      'C=NL, O=Example Corp',
      'subject',
    ]);
  });

  it('reads single-quoted arguments literally', () => {
    expect(only("pull-filter ignore 'a\\b \"c'")?.args).toEqual(['ignore', 'a\\b "c']);
  });

  it('reads backslash escapes', () => {
    expect(only('setting "a\\"b" c\\ d e\\\\f')?.args).toEqual(['a"b', 'c d', 'e\\f']);
  });

  it('opens quotes only at the start of a word', () => {
    expect(only('auth ab"cd')?.args).toEqual(['ab"cd']);
  });

  it('ends a word at its closing quote', () => {
    expect(only('auth "ab"cd')?.args).toEqual(['ab', 'cd']);
  });

  it('keeps an empty quoted argument', () => {
    expect(only('auth ""')?.args).toEqual(['']);
  });

  it('strips two leading dashes from a name', () => {
    expect(only('--verb 3')?.name).toBe('verb');
  });

  it('treats CR as whitespace', () => {
    expect(parseProfile('client\r\nverb 3\r\n').directives.map((line) => line.args)).toEqual([
      [],
      ['3'],
    ]);
  });

  it('keeps a bare CR inside one line', () => {
    expect(only('verb 3\rup /bin/sh')).toEqual({
      name: 'verb',
      args: ['3', 'up', '/bin/sh'],
      line: 1,
    });
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(only('\ufeffclient')?.name).toBe('client');
  });

  it('reads an inline block', () => {
    expect(parseProfile('<ca>\nAAAA\nBBBB\n</ca>\nverb 3\n')).toEqual({
      directives: [{ name: 'verb', args: ['3'], line: 5 }],
      blocks: { ca: 'AAAA\nBBBB\n' },
    });
  });

  it('reads block content with CRLF as LF', () => {
    expect(parseProfile('<ca>\r\nAAAA\r\n</ca>\r\n').blocks).toEqual({ ca: 'AAAA\n' });
  });

  it('closes a block at an indented tag', () => {
    expect(parseProfile('<ca>\nAAAA\n   </ca>\n').blocks).toEqual({ ca: 'AAAA\n' });
  });

  it('keeps directive-like lines inside a block', () => {
    const parsed = parseProfile('<cert>\nup /bin/sh\n</cert>\n');

    expect(parsed.directives).toEqual([]);
    expect(parsed.blocks.cert).toBe('up /bin/sh\n');
  });
});

describe('profile parser errors', () => {
  it.each([
    ['an unclosed block', 'client\n<cert>\nAAAA\n', 2, /<cert> is never closed/],
    ['an unclosed double quote', 'client\nauth "SHA256\n', 2, /no closing " quote/],
    ['an unclosed single quote', "auth 'SHA256\n", 1, /no closing ' quote/],
    ['a backslash before a letter', 'verb \\3\n', 1, /backslash escapes "3"/],
    ['a trailing backslash', 'verb 3\\\n', 1, /ends with a backslash/],
    ['text after a closing tag', '<ca>\nAAAA\n</ca> verb 3\n', 3, /text after <\/ca>/],
    ['a repeated block', '<ca>\nA\n</ca>\n<ca>\nB\n</ca>\n', 4, /<ca> appears a second time/],
    ['a stray closing tag', 'client\n</cert>\n', 2, /not an inline block tag/],
    ['a tag with arguments', '<cert> x\n', 1, /not an inline block tag/],
    ['a NUL character', 'verb 3\u0000up\n', 1, /NUL character/],
    ['a line too long', `# ${'x'.repeat(253)}\n`, 1, /longer than the 254 bytes/],
    ['a block line too long', `<ca>\n${'A'.repeat(300)}\n</ca>\n`, 2, /longer than/],
    ['more than 16 words', `route ${Array(16).fill('x').join(' ')}\n`, 1, /17 words/],
  ])('rejects %s', (_case, text, line, message) => {
    const error = parseError(text);

    expect(error.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  it('names the line in the message', () => {
    expect(parseError('client\nverb "3\n').message).toMatch(/^Line 2 of the profile: /);
  });
});

describeWith(['openvpn'], 'profile parser against openvpn', () => {
  function openvpnAccepts(text: string): boolean {
    return (
      checkConfigWithOpenvpn(`client\ndev tun\nremote 127.0.0.1 1194 udp\n${text}`).status === 0
    );
  }

  // Each line is accepted by openvpn only if it splits into exactly "verb" and "3".
  it.each([
    'verb 3 # comment',
    'verb "3"',
    "verb '3'",
    '--verb 3',
    'verb 3\r',
    '  verb\t3',
    'verb 3 \\#x',
  ])('splits %j as openvpn does', (line) => {
    expect(only(line)).toEqual({ name: 'verb', args: ['3'], line: 1 });
    expect(openvpnAccepts(`${line}\n`)).toBe(true);
  });

  it.each(['verb 3\rmute 2', 'verb "3" x', 'verb "3"x'])('splits %j into extra words', (line) => {
    expect(only(line)!.args.length).toBeGreaterThan(1);
    expect(openvpnAccepts(`${line}\n`)).toBe(false);
  });
});
