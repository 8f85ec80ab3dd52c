import { checkDirective, directiveRule } from '../../profile/directives.ts';
import {
  parseProfile,
  ProfileParseError,
  type ProfileDirective,
} from '../../profile/profile-parser.ts';

/** Raised when a profile contains anything the helper will not hand to a root openvpn. */
export class ProfileRejectedError extends Error {
  override name = 'ProfileRejectedError';
}

const REQUIRED_BLOCKS = ['ca', 'cert', 'key'];
const ALLOWED_BLOCKS = new Set([...REQUIRED_BLOCKS, 'tls-crypt']);

const PROTOCOLS = new Set(['udp', 'tcp']);
const SERVER_NAME_TYPES = new Set(['name', 'name-prefix', 'subject']);

/**
 * The directives the profile builder writes itself, which the extra-directive allowlist
 * rejects because an organisation must not set them, with a check of their arguments.
 */
const BUILT_IN: Readonly<Record<string, (args: readonly string[]) => boolean>> = {
  client: (args) => args.length === 0,
  dev: (args) => args.length === 1 && args[0] === 'tun',
  remote: (args) =>
    args.length === 3 && /^\d{1,5}$/.test(args[1]!) && PROTOCOLS.has(args[2]!) && args[0] !== '',
  'remote-cert-tls': (args) => args.length === 1 && args[0] === 'server',
  'verify-x509-name': (args) => args.length === 2 && SERVER_NAME_TYPES.has(args[1]!),
  // Written only to let openvpn outside Windows ignore the Windows-only names.
  'ignore-unknown-option': (args) =>
    args.length > 0 && args.every((name) => directiveRule(name)?.windowsOnly === true),
};

/**
 * Checks a profile before a root openvpn reads it. It must parse as OpenVPN reads it and
 * contain only the inline blocks VPN Onboard writes. Every directive must be one the profile
 * builder writes or one on the allowlist of extra directives. So no directive can run a
 * program, load code or name a file, even in a file VPN Onboard did not write.
 */
export function checkHelperProfile(text: string, path: string): void {
  let directives: ProfileDirective[];
  let blocks: Record<string, string>;
  try {
    ({ directives, blocks } = parseProfile(text));
  } catch (error) {
    if (!(error instanceof ProfileParseError)) throw error;
    throw new ProfileRejectedError(`${path} is not a profile VPN Onboard wrote: ${error.message}`);
  }

  for (const tag of Object.keys(blocks)) {
    if (!ALLOWED_BLOCKS.has(tag)) {
      throw new ProfileRejectedError(
        `${path} contains a <${tag}> block, which VPN Onboard never writes; enroll again to rebuild the profile.`,
      );
    }
  }
  for (const tag of REQUIRED_BLOCKS) {
    if (blocks[tag] === undefined) {
      throw new ProfileRejectedError(
        `${path} has no <${tag}> block; enroll again to rebuild the profile.`,
      );
    }
  }

  for (const directive of directives) {
    const problem = directiveProblem(directive);
    if (problem !== undefined) {
      throw new ProfileRejectedError(
        `Line ${directive.line} of ${path}: ${problem}. The helper runs only profiles VPN Onboard wrote; enroll again to rebuild it.`,
      );
    }
  }
}

function directiveProblem({ name, args }: ProfileDirective): string | undefined {
  // Object.hasOwn, so names such as "constructor" never reach Object.prototype.
  if (Object.hasOwn(BUILT_IN, name)) {
    const valid = BUILT_IN[name]!(args);
    return valid ? undefined : `${JSON.stringify(name)} has arguments VPN Onboard never writes`;
  }
  return checkDirective(name, args);
}
