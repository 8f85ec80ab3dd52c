import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createLogger, redact, rotatingFileSink } from './logger.ts';

describe('logger', () => {
  it('writes level, scope, message and fields', () => {
    const lines: string[] = [];
    createLogger({ sinks: [{ write: (line) => lines.push(line) }], scope: 'main' })
      .child('enroll')
      .info('Created a CSR', { org: 'demo' });

    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}main\.enroll: Created a CSR org="demo"$/,
    );
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    createLogger({ sinks: [{ write: (line) => lines.push(line) }], level: 'warn' }).info('quiet');

    expect(lines).toEqual([]);
  });

  it('redacts a private key', () => {
    const text = redact('key: -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');

    expect(text).not.toContain('MIIE');
  });

  it('redacts a basic authorization header', () => {
    expect(redact('Authorization: Basic dXNlcjpwYXNz')).not.toContain('dXNlcjpwYXNz');
  });

  it('redacts a password field', () => {
    expect(redact('password=hunter2 next')).toBe('password=[redacted] next');
  });

  it('rotates the file past 1 MiB', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-log-'));
    const file = join(directory, 'app.log');
    const log = createLogger({ sinks: [rotatingFileSink(file)] });

    for (let index = 0; index < 1200; index++) log.info('x'.repeat(1000));

    expect(readdirSync(directory).sort()).toEqual(['app.log', 'app.log.1']);
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
    expect(readFileSync(join(directory, 'app.log.1'), 'utf8').length).toBeGreaterThan(1024 * 1024);
  });

  it('creates the log file 0600', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-log-'));
    const file = join(directory, 'app.log');
    createLogger({ sinks: [rotatingFileSink(file)] }).info('hello');

    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
