import { execFile } from 'node:child_process';
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { buildHelper } from '../../../scripts/build-helper.ts';
import { HELPER_INSTALL_PATH, POLKIT_ACTION_ID } from './helper-paths.ts';

const execFileAsync = promisify(execFile);

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url));
const INSTALL_SCRIPT = join(PROJECT, 'resources/build/linux-after-install.sh');
const REMOVE_SCRIPT = join(PROJECT, 'resources/build/linux-after-remove.sh');
const WRAPPER = join(PROJECT, 'resources/helper/openvpn-helper');
const POLICY = join(PROJECT, `resources/polkit/${POLKIT_ACTION_ID}.policy`);
const POLICY_INSTALL_PATH = `/usr/share/polkit-1/actions/${POLKIT_ACTION_ID}.policy`;
const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

interface ExtraResource {
  from: string;
  to: string;
  filter?: string[];
}

interface BuilderConfig {
  productName: string;
  executableName?: string;
  linux: { executableName?: string; extraResources: ExtraResource[] };
  deb: { afterInstall: string; afterRemove: string };
}

const config = parseYaml(
  await readFile(join(PROJECT, 'electron-builder.yml'), 'utf8'),
) as BuilderConfig;
const packageName = (
  JSON.parse(await readFile(join(PROJECT, 'package.json'), 'utf8')) as { name: string }
).name;

/**
 * The folder and executable electron-builder 26 gives the deb: /opt/<productName> (its
 * installPrefix) and, with no executableName set, the package.json name in lower case. Both names
 * are checked to be file-name safe, so its sanitising leaves them as they are.
 */
const APP_DIR = `/opt/${config.productName}`;
const EXECUTABLE = `${APP_DIR}/${packageName.toLowerCase()}`;

/** Returns the value of a `name='value'` line of a shell script. */
function shellAssignment(text: string, name: string): string | undefined {
  return new RegExp(`^${name}='([^']*)'$`, 'm').exec(text)?.[1];
}

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function runScript(path: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await execFileAsync('/bin/sh', [path, ...args], { env });
    return { code: 0, stdout, stderr } satisfies ScriptRun;
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    } satisfies ScriptRun;
  }
}

let directory: string;
let bundleFolder: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-helper-package-'));
  bundleFolder = join(directory, 'out-helper');
  await buildHelper({ outfile: join(bundleFolder, 'openvpn-helper.cjs') });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/**
 * Lays out the app as the deb unpacks it under `root`: the extraResources of
 * electron-builder.yml in resources/, with out/helper taken from a fresh bundle, and stand-ins
 * for the executable and chrome-sandbox.
 */
async function unpackApp(root: string, executableBody: string): Promise<void> {
  const appDir = join(root, APP_DIR);
  for (const resource of config.linux.extraResources) {
    const from = resource.from === 'out/helper' ? bundleFolder : join(PROJECT, resource.from);
    const to = join(appDir, 'resources', resource.to);
    await mkdir(to, { recursive: true });
    const names = resource.filter ?? (await readdir(from));
    for (const name of names) await copyFile(join(from, name), join(to, name));
  }
  await writeFile(join(root, EXECUTABLE), executableBody, { mode: 0o755 });
  await writeFile(join(appDir, 'chrome-sandbox'), '', { mode: 0o755 });
}

/** Lists every path under `root` with its type, to compare a tree before and after. */
async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  const listed: string[] = [];
  for (const entry of entries) {
    const stats = await lstat(join(root, entry));
    const type = stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? 'dir' : 'file';
    listed.push(`${type} /${entry}`);
  }
  return listed.sort();
}

describe('package paths', () => {
  it('agree on the helper path', async () => {
    const policy = await readFile(POLICY, 'utf8');
    const annotation = /key="org\.freedesktop\.policykit\.exec\.path">([^<]*)</.exec(policy)?.[1];
    const installScript = await readFile(INSTALL_SCRIPT, 'utf8');
    const removeScript = await readFile(REMOVE_SCRIPT, 'utf8');

    expect(annotation).toBe(HELPER_INSTALL_PATH);
    expect(shellAssignment(installScript, 'helper_path')).toBe(HELPER_INSTALL_PATH);
    expect(removeScript).toContain(`rm -f "$root${HELPER_INSTALL_PATH}"`);
  });

  it("match electron-builder's deb layout", async () => {
    const installScript = await readFile(INSTALL_SCRIPT, 'utf8');
    const removeScript = await readFile(REMOVE_SCRIPT, 'utf8');
    const wrapper = await readFile(WRAPPER, 'utf8');

    expect(config.productName).toMatch(/^[A-Za-z0-9 ._-]+$/);
    expect(packageName).toMatch(/^[a-z0-9._-]+$/);
    expect(config.executableName).toBeUndefined();
    expect(config.linux.executableName).toBeUndefined();
    expect(shellAssignment(installScript, 'app_dir')).toBe(APP_DIR);
    expect(shellAssignment(removeScript, 'executable')).toBe(EXECUTABLE);
    expect(shellAssignment(wrapper, 'app_dir')).toBe(APP_DIR);
  });

  it('match the scripts electron-builder.yml names', () => {
    expect(join(PROJECT, config.deb.afterInstall)).toBe(INSTALL_SCRIPT);
    expect(join(PROJECT, config.deb.afterRemove)).toBe(REMOVE_SCRIPT);
  });
});

describe('package scripts', () => {
  it.each([INSTALL_SCRIPT, REMOVE_SCRIPT, WRAPPER].map((path) => [basename(path), path]))(
    '%s passes sh -n',
    async (_name, path) => {
      await expect(execFileAsync('/bin/sh', ['-n', path])).resolves.toBeDefined();
    },
  );

  it.each([INSTALL_SCRIPT, REMOVE_SCRIPT].map((path) => [basename(path), path]))(
    '%s has no electron-builder macro',
    async (_name, path) => {
      // app-builder-lib 26 replaces each ${letters} and <%=letters%> in these scripts, and
      // fails on a name it does not know.
      const text = await readFile(path, 'utf8');

      expect(text.match(/\$\{[a-zA-Z]+\}/g)).toBeNull();
      expect(text.match(/<%=/g)).toBeNull();
    },
  );
});

describe('after-install and after-remove scripts', () => {
  let root: string;
  let before: string[];

  beforeEach(async () => {
    root = await mkdtemp(join(directory, 'root-'));
    // The folders a Debian system with polkit and AppArmor has already.
    for (const folder of ['usr/bin', 'usr/lib', 'usr/share/polkit-1/actions', 'etc/apparmor.d']) {
      await mkdir(join(root, folder), { recursive: true });
    }
    await unpackApp(root, '#!/bin/sh\n');
    before = await listTree(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function run(script: string, args: string[] = [], path = SYSTEM_PATH) {
    return runScript(script, args, { DPKG_ROOT: root, PATH: path });
  }

  it('installs the wrapper as the helper', async () => {
    expect((await run(INSTALL_SCRIPT, ['configure'])).code).toBe(0);

    const installed = join(root, HELPER_INSTALL_PATH);
    const stats = await lstat(installed);
    expect(stats.isFile()).toBe(true);
    expect(stats.mode & 0o7777).toBe(0o755);
    expect(stats.uid).toBe(process.getuid!());
    expect(await readFile(installed, 'utf8')).toBe(await readFile(WRAPPER, 'utf8'));
  });

  it('installs the polkit policy', async () => {
    await run(INSTALL_SCRIPT, ['configure']);

    const installed = join(root, POLICY_INSTALL_PATH);
    expect((await lstat(installed)).mode & 0o7777).toBe(0o644);
    expect(await readFile(installed, 'utf8')).toBe(await readFile(POLICY, 'utf8'));
  });

  it('links /usr/bin/vpn-onboard to the app', async () => {
    await run(INSTALL_SCRIPT, ['configure']);

    expect(await readlink(join(root, 'usr/bin/vpn-onboard'))).toBe(EXECUTABLE);
  });

  it('sets the chrome-sandbox mode', async () => {
    await run(INSTALL_SCRIPT, ['configure']);

    const mode = (await lstat(join(root, APP_DIR, 'chrome-sandbox'))).mode & 0o7777;
    expect([0o755, 0o4755]).toContain(mode);
  });

  it('creates nothing else outside the app folder', async () => {
    await run(INSTALL_SCRIPT, ['configure']);

    const added = (await listTree(root)).filter((entry) => !before.includes(entry));
    expect(added).toEqual(
      [
        'dir /usr/lib/vpn-onboard',
        `file ${HELPER_INSTALL_PATH}`,
        `file ${POLICY_INSTALL_PATH}`,
        'link /usr/bin/vpn-onboard',
      ].sort(),
    );
  });

  it('can run twice', async () => {
    await run(INSTALL_SCRIPT, ['configure']);

    expect((await run(INSTALL_SCRIPT, ['configure'])).code).toBe(0);
  });

  it('fails without the helper in the app folder', async () => {
    await rm(join(root, APP_DIR, 'resources/helper/openvpn-helper'));

    const { code, stderr } = await run(INSTALL_SCRIPT, ['configure']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('openvpn-helper');
  });

  it('removes exactly what the install created', async () => {
    await run(INSTALL_SCRIPT, ['configure']);

    expect((await run(REMOVE_SCRIPT, ['remove'])).code).toBe(0);
    expect(await listTree(root)).toEqual(before);
  });

  it('removes nothing more on purge', async () => {
    await run(INSTALL_SCRIPT, ['configure']);
    await run(REMOVE_SCRIPT, ['remove']);

    expect((await run(REMOVE_SCRIPT, ['purge'])).code).toBe(0);
    expect(await listTree(root)).toEqual(before);
  });

  it.each(['upgrade', 'failed-upgrade', 'abort-upgrade'])('keeps the files on %s', async (step) => {
    await run(INSTALL_SCRIPT, ['configure']);
    const installed = await listTree(root);

    expect((await run(REMOVE_SCRIPT, [step, '0.2.0'])).code).toBe(0);
    expect(await listTree(root)).toEqual(installed);
  });

  it('keeps a /usr/bin/vpn-onboard of another package', async () => {
    await run(INSTALL_SCRIPT, ['configure']);
    await rm(join(root, 'usr/bin/vpn-onboard'));
    await symlink('/usr/share/other/vpn-onboard', join(root, 'usr/bin/vpn-onboard'));

    await run(REMOVE_SCRIPT, ['remove']);

    expect(await readlink(join(root, 'usr/bin/vpn-onboard'))).toBe('/usr/share/other/vpn-onboard');
  });

  it('keeps the helper folder when it holds another file', async () => {
    await run(INSTALL_SCRIPT, ['configure']);
    await writeFile(join(root, 'usr/lib/vpn-onboard/local-note'), '');

    expect((await run(REMOVE_SCRIPT, ['remove'])).code).toBe(0);
    expect(await readdir(join(root, 'usr/lib/vpn-onboard'))).toEqual(['local-note']);
  });

  describe('with apparmor_parser', () => {
    let binFolder: string;
    let callLog: string;

    /** Puts a stand-in apparmor_parser first on PATH that logs its arguments and exits with `code`. */
    async function fakeApparmorParser(code: number): Promise<string> {
      binFolder = join(root, 'test-bin');
      callLog = join(root, 'apparmor-calls');
      await mkdir(binFolder);
      const path = join(binFolder, 'apparmor_parser');
      await writeFile(path, `#!/bin/sh\necho "$*" >> '${callLog}'\nexit ${code}\n`);
      await chmod(path, 0o755);
      return `${binFolder}:${SYSTEM_PATH}`;
    }

    async function calls(): Promise<string[]> {
      const text = await readFile(callLog, 'utf8').catch(() => '');
      return text.trim().split('\n').filter(Boolean);
    }

    beforeEach(async () => {
      await writeFile(join(root, APP_DIR, 'resources/apparmor-profile'), 'profile test {}\n');
    });

    it('installs an accepted profile', async () => {
      const path = await fakeApparmorParser(0);

      expect((await run(INSTALL_SCRIPT, ['configure'], path)).code).toBe(0);

      expect(await readFile(join(root, 'etc/apparmor.d/vpn-onboard'), 'utf8')).toBe(
        'profile test {}\n',
      );
      // Only the dry run: loading into the kernel is skipped when DPKG_ROOT names another root.
      const logged = await calls();
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^--skip-kernel-load --skip-cache .*apparmor-profile$/);
    });

    it('skips a profile it rejects', async () => {
      const path = await fakeApparmorParser(1);

      expect((await run(INSTALL_SCRIPT, ['configure'], path)).code).toBe(0);

      expect(await readdir(join(root, 'etc/apparmor.d'))).toEqual([]);
    });

    it('removes the installed profile', async () => {
      const path = await fakeApparmorParser(0);
      await run(INSTALL_SCRIPT, ['configure'], path);

      expect((await run(REMOVE_SCRIPT, ['remove'], path)).code).toBe(0);

      expect(await readdir(join(root, 'etc/apparmor.d'))).toEqual([]);
      // The install's dry run and no unload, as DPKG_ROOT names another root.
      expect(await calls()).toHaveLength(1);
    });
  });
});

describe('helper wrapper', () => {
  let appRoot: string;
  let wrapperCopy: string;

  /**
   * Copies the wrapper with app_dir pointing at an app laid out under `appRoot` whose executable
   * is `executableBody`, since the real one names /opt.
   */
  async function prepareWrapper(executableBody: string): Promise<void> {
    appRoot = await mkdtemp(join(directory, 'app-'));
    await unpackApp(appRoot, executableBody);
    const text = await readFile(WRAPPER, 'utf8');
    wrapperCopy = join(appRoot, 'openvpn-helper');
    await writeFile(
      wrapperCopy,
      text.replace(`app_dir='${APP_DIR}'`, `app_dir='${join(appRoot, APP_DIR)}'`),
    );
  }

  afterEach(async () => {
    await rm(appRoot, { recursive: true, force: true });
  });

  it('runs the bundle with a clean environment', async () => {
    const report = 'console.log(JSON.stringify({ env: process.env, argv: process.argv.slice(2) }))';
    await prepareWrapper(`#!${process.execPath}\n${report}\n`);

    const { code, stdout } = await runScript(wrapperCopy, ['/usr/sbin/openvpn', 'a b'], {
      PATH: SYSTEM_PATH,
      PKEXEC_UID: '1000',
      NODE_OPTIONS: '--require /tmp/evil.js',
      LD_PRELOAD: '/tmp/evil.so',
      ELECTRON_ENABLE_LOGGING: '1',
    });

    expect(code).toBe(0);
    const seen = JSON.parse(stdout) as { env: Record<string, string>; argv: string[] };
    expect(seen.env).toEqual({
      PATH: SYSTEM_PATH,
      PKEXEC_UID: '1000',
      ELECTRON_RUN_AS_NODE: '1',
    });
    expect(seen.argv).toEqual([
      join(appRoot, APP_DIR, 'resources/helper/openvpn-helper.cjs'),
      '/usr/sbin/openvpn',
      'a b',
    ]);
  });

  it('rejects bad helper arguments', async () => {
    // Node stands in for the Electron binary, which runs the bundle the same way as Node.
    await prepareWrapper(`#!/bin/sh\nexec '${process.execPath}' "$@"\n`);

    const { code, stderr } = await runScript(wrapperCopy, ['/bin/sh', '-c', 'id'], {
      PATH: SYSTEM_PATH,
      PKEXEC_UID: String(process.getuid!()),
    });

    expect(code).toBe(2);
    expect(stderr).toMatch(/The first argument must be the system openvpn/);
  });

  it('rejects a missing PKEXEC_UID', async () => {
    await prepareWrapper(`#!/bin/sh\nexec '${process.execPath}' "$@"\n`);

    const { code, stderr } = await runScript(wrapperCopy, ['/usr/sbin/openvpn'], {
      PATH: SYSTEM_PATH,
    });

    expect(code).toBe(2);
    expect(stderr).toMatch(/PKEXEC_UID is missing/);
  });
});
