import { chmod, link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { buildProfile } from '../../profile/profile-builder.ts';
import { createProfileInput } from '../../profile/profile-test-input.ts';
import {
  callerFrom,
  HelperRequestError,
  openvpnArguments,
  parseHelperArguments,
  profileFolderOf,
  MAX_PROFILE_BYTES,
  readCallerProfile,
  type HelperCaller,
  type HelperRequest,
} from './helper-request.ts';

const OPENVPN = '/usr/sbin/openvpn';
const PROFILE = '/home/jane/.config/VPN Onboard/profiles/example-corp.ovpn';
const SOCKET = '/run/vpn-onboard/1000/management.sock';
const VALID = [OPENVPN, '--config', PROFILE];

describe('parseHelperArguments', () => {
  it('accepts the openvpn path and profile', () => {
    expect(parseHelperArguments(VALID)).toEqual({
      openvpnPath: OPENVPN,
      profilePath: PROFILE,
      extraArguments: [],
    });
  });

  it('accepts --disable-dco once', () => {
    expect(parseHelperArguments([...VALID, '--disable-dco']).extraArguments).toEqual([
      '--disable-dco',
    ]);
  });

  it('rejects no arguments', () => {
    expect(() => parseHelperArguments([])).toThrow(HelperRequestError);
  });

  it.each([['/tmp/openvpn'], ['/bin/sh'], ['openvpn'], ['/usr/sbin/../sbin/openvpn']])(
    'rejects openvpn path %s',
    (path) => {
      expect(() => parseHelperArguments([path, ...VALID.slice(1)])).toThrow(/system openvpn/);
    },
  );

  it.each([
    ['an extra --up', [...VALID, '--up', '/bin/sh']],
    ['an extra --config', [...VALID, '--config', '/etc/shadow']],
    ['an extra --plugin', [...VALID, '--plugin', '/tmp/evil.so']],
    ['--script-security', [...VALID, '--script-security', '2']],
    ['--disable-dco twice', [...VALID, '--disable-dco', '--disable-dco']],
    ['an empty argument', [...VALID, '']],
    ['a management socket of the caller', [...VALID, '--management', '/tmp/x.sock', 'unix']],
  ])('rejects %s', (_name, argv) => {
    expect(() => parseHelperArguments(argv)).toThrow(/Unexpected argument/);
  });

  it.each([
    ['a missing profile', VALID.slice(0, 2)],
    ['options in another order', [OPENVPN, '--disable-dco', '--config', PROFILE]],
    ['--config replaced by --up', [OPENVPN, '--up', PROFILE]],
  ])('rejects %s', (_name, argv) => {
    expect(() => parseHelperArguments(argv)).toThrow(/Expected --config PROFILE/);
  });

  it.each([
    ['a relative profile', 'profiles/example-corp.ovpn'],
    ['a profile path with ..', '/home/jane/.config/VPN Onboard/profiles/../../../../etc/x.ovpn'],
    ['a profile path with //', '/home/jane//.config/VPN Onboard/profiles/example-corp.ovpn'],
  ])('rejects %s', (_name, path) => {
    const argv = [...VALID];
    argv[2] = path;

    expect(() => parseHelperArguments(argv)).toThrow(/must be absolute and normalised/);
  });
});

describe('callerFrom', () => {
  it('reads the user database line', () => {
    expect(callerFrom('1000', 'jane:x:1000:1000:Jane Doe,,,:/home/jane:/bin/bash\n')).toEqual({
      uid: 1000,
      name: 'jane',
      home: '/home/jane',
    });
  });

  it('rejects a start without pkexec', () => {
    expect(() => callerFrom(undefined, '')).toThrow(/through pkexec/);
  });

  it('rejects a PKEXEC_UID that is no number', () => {
    expect(() => callerFrom('0 ; id', '')).toThrow(/through pkexec/);
  });

  it('rejects a line of another user', () => {
    expect(() => callerFrom('1000', 'root:x:0:0:root:/root:/bin/bash')).toThrow(
      /not in the user database/,
    );
  });

  it('rejects an unknown user', () => {
    expect(() => callerFrom('4242', '')).toThrow(/not in the user database/);
  });
});

describe('openvpnArguments', () => {
  it('hands openvpn the checked copy and limits the socket to the caller', () => {
    const request = parseHelperArguments([...VALID, '--disable-dco']);
    const caller = { uid: 1000, name: 'jane', home: '/home/jane' };

    expect(
      openvpnArguments(request, '/tmp/vpn-onboard-helper-x/profile.ovpn', SOCKET, caller),
    ).toEqual([
      '--config',
      '/tmp/vpn-onboard-helper-x/profile.ovpn',
      '--management',
      SOCKET,
      'unix',
      '--management-hold',
      '--management-client-user',
      'jane',
      '--disable-dco',
    ]);
  });
});

describe('checks on the caller files', () => {
  let directory: string;
  let caller: HelperCaller;
  let profileText: string;
  let profilePath: string;

  function request(path = profilePath): HelperRequest {
    return { openvpnPath: OPENVPN, profilePath: path, extraArguments: [] };
  }

  beforeAll(async () => {
    profileText = buildProfile(await createProfileInput());
  });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-helper-test-'));
    caller = { uid: process.getuid!(), name: userInfo().username, home: join(directory, 'home') };
    await mkdir(profileFolderOf(caller.home), { recursive: true, mode: 0o700 });
    profilePath = join(profileFolderOf(caller.home), 'example-corp.ovpn');
    await writeFile(profilePath, profileText, { mode: 0o600 });
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('returns the text of a profile the builder wrote', async () => {
    expect(await readCallerProfile(request(), caller)).toBe(profileText);
  });

  it('rejects a profile of another user', async () => {
    const other = { ...caller, uid: caller.uid + 1 };

    await expect(readCallerProfile(request(), other)).rejects.toThrow(/owned by user id/);
  });

  it("rejects another user's profile folder", async () => {
    const path = '/home/mallory/.config/VPN Onboard/profiles/example-corp.ovpn';

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(
      /not an installed VPN Onboard profile/,
    );
  });

  it('rejects a file outside the profile folder', async () => {
    await expect(readCallerProfile(request('/etc/passwd'), caller)).rejects.toThrow(
      /not an installed VPN Onboard profile/,
    );
  });

  it('rejects a name that is no organisation id', async () => {
    const path = join(profileFolderOf(caller.home), 'Example Corp.ovpn');
    await writeFile(path, profileText, { mode: 0o600 });

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(/not an installed/);
  });

  it('rejects a symbolic link to a profile', async () => {
    const target = join(directory, 'elsewhere.ovpn');
    await writeFile(target, profileText, { mode: 0o600 });
    const path = join(profileFolderOf(caller.home), 'linked.ovpn');
    await symlink(target, path);

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(/symbolic link/);
  });

  it('rejects a symbolic link to /etc/shadow', async () => {
    const path = join(profileFolderOf(caller.home), 'shadow.ovpn');
    await symlink('/etc/shadow', path);

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(/symbolic link/);
  });

  it('rejects a hard link', async () => {
    const path = join(profileFolderOf(caller.home), 'second.ovpn');
    await link(profilePath, path);

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(/2 hard links/);
  });

  it('rejects a readable profile', async () => {
    await chmod(profilePath, 0o644);

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(/mode 644/);
  });

  it('rejects a folder in place of the profile', async () => {
    const path = join(profileFolderOf(caller.home), 'folder.ovpn');
    await mkdir(path, { mode: 0o700 });

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(/not a regular file/);
  });

  it('rejects a FIFO without blocking', async () => {
    const path = join(profileFolderOf(caller.home), 'fifo.ovpn');
    execFileSync('mkfifo', ['-m', '600', path]);

    await expect(readCallerProfile(request(path), caller)).rejects.toThrow(/not a regular file/);
  });

  it('rejects a profile folder that others can read', async () => {
    await chmod(profileFolderOf(caller.home), 0o755);

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(/mode 755; it must be 700/);
  });

  it('rejects a profile folder that is a symbolic link', async () => {
    const real = join(directory, 'real-profiles');
    await mkdir(real, { mode: 0o700 });
    await writeFile(join(real, 'example-corp.ovpn'), profileText, { mode: 0o600 });
    await rm(profileFolderOf(caller.home), { recursive: true });
    await symlink(real, profileFolderOf(caller.home));

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(/is a symbolic link/);
  });

  it.each([
    ['up', 'up /bin/sh'],
    ['plugin', 'plugin /tmp/evil.so'],
    ['config', 'config /etc/openvpn/other.conf'],
    ['script-security 2', 'script-security 2'],
    ['management', 'management 0.0.0.0 7505'],
    ['a second dev', 'dev tap'],
    ['constructor', 'constructor'],
    ['__proto__', '__proto__'],
  ])('rejects a profile with %s', async (_name, line) => {
    await writeFile(profilePath, profileText.replace('verb 3', `verb 3\n${line}`), { mode: 0o600 });

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(/Line \d+ of/);
  });

  it('rejects an unknown inline block', async () => {
    const text = `${profileText}<connection>\nremote 203.0.113.1 1194 udp\n</connection>\n`;
    await writeFile(profilePath, text, { mode: 0o600 });

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(/<connection> block/);
  });

  it('rejects a profile without <key>', async () => {
    const text = profileText.replace(/<key>[\s\S]*<\/key>\n/, '');
    await writeFile(profilePath, text, { mode: 0o600 });

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(/no <key> block/);
  });

  it('reads a profile of exactly the limit', async () => {
    const text = padded(profileText, MAX_PROFILE_BYTES);
    await writeFile(profilePath, text, { mode: 0o600 });

    expect(await readCallerProfile(request(), caller)).toBe(text);
  });

  it('rejects a profile one byte over the limit', async () => {
    await writeFile(profilePath, padded(profileText, MAX_PROFILE_BYTES + 1), { mode: 0o600 });

    await expect(readCallerProfile(request(), caller)).rejects.toThrow(
      `is larger than ${MAX_PROFILE_BYTES} bytes`,
    );
  });
});

/** Pads a profile with short comment lines, as OpenVPN limits lines, to exactly `bytes` bytes. */
function padded(text: string, bytes: number): string {
  const line = `#${'x'.repeat(98)}\n`;
  const lines = Math.floor((bytes - Buffer.byteLength(text)) / line.length);
  const result = text + line.repeat(lines);
  const rest = bytes - Buffer.byteLength(result);
  if (rest === 0) return result;
  return result + (rest === 1 ? '\n' : `#${'x'.repeat(rest - 2)}\n`);
}
