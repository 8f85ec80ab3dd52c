import { allowedDirectiveNames, checkDirective } from '../profile/directives.ts';
import { quoteText } from './printable.ts';

/**
 * OpenVPN client directives that an organisation file may add to the profile. The profile
 * builder's rules are the one source, so a file that loads is a file that builds.
 */
export const allowedExtraDirectives: ReadonlySet<string> = new Set(allowedDirectiveNames());

/** Directives the profile writer sets from other fields of the organisation file. */
const managedDirectives = new Set([
  'ca',
  'cert',
  'client',
  'dev',
  'key',
  'proto',
  'remote',
  'remote-cert-tls',
  'tls-client',
  'tls-crypt',
  'verify-x509-name',
]);

/**
 * Returns why an extra directive is rejected, or undefined when it may go into the profile:
 * directives set from other fields, then the profile builder's denylist, allowlist, argument
 * count and argument values.
 */
export function rejectedDirectiveReason(
  name: string,
  args: readonly string[] = [],
): string | undefined {
  if (managedDirectives.has(name)) {
    return `${quoteText(name)} is set from the other ca and vpn fields, so remove it from extraDirectives`;
  }
  return checkDirective(name, args);
}
