import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildHelper } from '../../../scripts/build-helper.ts';

const execFileAsync = promisify(execFile);

interface HelperExit {
  code: number;
  stderr: string;
}

let directory: string;
let bundlePath: string;
let bundleText: string;
let inputs: string[];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-helper-bundle-'));
  bundlePath = join(directory, 'openvpn-helper.cjs');
  inputs = await buildHelper({ outfile: bundlePath });
  bundleText = await readFile(bundlePath, 'utf8');
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Runs the bundle under plain Node with only the given environment. */
async function runBundle(args: string[], env: Record<string, string> = {}): Promise<HelperExit> {
  try {
    const { stderr } = await execFileAsync(process.execPath, [bundlePath, ...args], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

describe('helper bundle', () => {
  it('contains no electron import', () => {
    expect(bundleText).not.toMatch(/require\(["']electron["']\)/);
    expect(inputs.filter((input) => input.includes('electron'))).toEqual([]);
  });

  it('requires only Node built-in modules', () => {
    const required = [...bundleText.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!);
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !builtins.has(name))).toEqual([]);
  });

  it('contains the helper sources and nothing from node_modules', () => {
    expect(inputs).toContain('main/connect/privileged-helper/helper-main.ts');
    expect(inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
  });

  it('rejects a start without pkexec', async () => {
    const { code, stderr } = await runBundle(['/usr/sbin/openvpn']);

    expect(code).toBe(2);
    expect(stderr).toMatch(/PKEXEC_UID is missing.*start the helper through pkexec/);
  });

  it('rejects no arguments', async () => {
    const { code, stderr } = await runBundle([], { PKEXEC_UID: String(process.getuid!()) });

    expect(code).toBe(2);
    expect(stderr).toMatch(/The first argument must be the system openvpn/);
  });

  it('rejects a program other than openvpn', async () => {
    const { code, stderr } = await runBundle(['/bin/sh', '-c', 'id'], {
      PKEXEC_UID: String(process.getuid!()),
    });

    expect(code).toBe(2);
    expect(stderr).toContain('not "/bin/sh"');
  });

  it('rejects an extra openvpn option', async () => {
    const args = [
      '/usr/sbin/openvpn',
      '--config',
      '/home/jane/.config/VPN Onboard/profiles/example-corp.ovpn',
      '--up',
      '/bin/sh',
    ];
    const { code, stderr } = await runBundle(args, { PKEXEC_UID: String(process.getuid!()) });

    expect(code).toBe(2);
    expect(stderr).toMatch(/Unexpected argument "--up"/);
  });
});

describe('buildHelper', () => {
  it('fails when the helper imports electron', async () => {
    const entryPoint = join(directory, 'imports-electron.ts');
    await writeFile(entryPoint, "import { app } from 'electron';\nconsole.log(app);\n");

    await expect(
      buildHelper({ entryPoint, outfile: join(directory, 'imports-electron.cjs') }),
    ).rejects.toThrow(/imports electron, but the privileged helper runs as plain Node/);
  });
});
