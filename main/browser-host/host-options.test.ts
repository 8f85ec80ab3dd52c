import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseHostOptions } from './host-options.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HOST_MAIN = join(ROOT, 'main', 'browser-host', 'main.ts');

/** Returns the arguments that `npm run web -- EXTRA...` passes to the browser host. */
function webScriptArguments(extra: string[]): string[] {
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const command = packageJson.scripts.web ?? '';
  const host = 'tsx main/browser-host/main.ts';
  const index = command.indexOf(host);
  if (index === -1) throw new Error(`The web script does not start ${host}: ${command}`);
  const own = command.slice(index + host.length).trim();
  return [...(own === '' ? [] : own.split(/\s+/)), ...extra];
}

describe('browser host options', () => {
  it('runs the EST demo without --demo or --org', () => {
    expect(parseHostOptions([]).source).toEqual({ kind: 'demo', method: 'est' });
  });

  it('runs the manual demo', () => {
    expect(parseHostOptions(['--demo', 'manual']).source).toEqual({
      kind: 'demo',
      method: 'manual',
    });
  });

  it('enrolls with an organisation file', () => {
    expect(parseHostOptions(['--org', 'example.yaml']).source).toEqual({
      kind: 'file',
      path: 'example.yaml',
    });
  });

  it('rejects --demo together with --org', () => {
    expect(() => parseHostOptions(['--demo', 'est', '--org', 'example.yaml'])).toThrow(
      'Invalid options: pass either --demo est|manual or --org FILE, not both.',
    );
  });

  it('rejects an unknown demo method', () => {
    expect(() => parseHostOptions(['--demo', 'vault'])).toThrow(
      'Invalid --demo "vault": expected "est" or "manual".',
    );
  });

  it('rejects an empty --org', () => {
    expect(() => parseHostOptions(['--org', ''])).toThrow(
      'Invalid --org "": expected the path of an organisation file.',
    );
  });

  it('rejects demo CA settings with --org', () => {
    expect(() => parseHostOptions(['--org', 'example.yaml', '--pending-polls', '3'])).toThrow(
      'Invalid --pending-polls with --org: it sets the demo CA, so leave it out or use --demo instead of --org.',
    );
  });

  it('reads the demo CA settings', () => {
    const options = parseHostOptions(['--pending-polls', '3', '--retry-after', '2']);

    expect(options.pendingPolls).toBe(3);
    expect(options.retryAfterSeconds).toBe(2);
  });

  it.each([
    [
      ['--pending-polls', 'many'],
      'Invalid --pending-polls "many": expected a whole number from 0 to 1000.',
    ],
    [
      ['--retry-after', '1e12'],
      'Invalid --retry-after "1e12": expected a whole number from 1 to 3600.',
    ],
    [['--port', '70000'], 'Invalid --port "70000": expected a whole number from 0 to 65535.'],
  ])('rejects %j', (args, message) => {
    expect(() => parseHostOptions(args)).toThrow(message);
  });

  it('rejects --openvpn without --connect', () => {
    expect(() => parseHostOptions(['--openvpn', '/usr/sbin/openvpn'])).toThrow(
      'Invalid --openvpn without --connect: add --connect to let the wizard start openvpn.',
    );
  });

  it('names an unknown option', () => {
    expect(() => parseHostOptions(['--orgs', 'example.yaml'])).toThrow(/'--orgs'/);
  });
});

describe('npm run web', () => {
  it('accepts -- --org FILE', () => {
    expect(parseHostOptions(webScriptArguments(['--org', 'example.yaml'])).source).toEqual({
      kind: 'file',
      path: 'example.yaml',
    });
  });

  it('accepts -- --demo manual', () => {
    expect(parseHostOptions(webScriptArguments(['--demo', 'manual'])).source).toEqual({
      kind: 'demo',
      method: 'manual',
    });
  });

  it('runs the EST demo without options', () => {
    expect(parseHostOptions(webScriptArguments([])).source).toEqual({
      kind: 'demo',
      method: 'est',
    });
  });
});

describe('browser host command', () => {
  it('exits 2 with the message when given both --demo and --org', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', HOST_MAIN, '--demo', 'est', '--org', 'example.yaml'],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^Invalid options: pass either --demo est\|manual or --org FILE, not both\.\n\nUsage: /,
    );
  });

  it('exits 2 naming an empty --data-dir', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', HOST_MAIN, '--org', 'example.yaml', '--data-dir', ''],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Invalid --data-dir "": expected the path of a directory/);
  });
});
