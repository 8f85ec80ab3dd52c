#!/bin/sh
# The deb's postrm (electron-builder passes it to fpm as --after-remove). It deletes what
# linux-after-install.sh created outside /opt/VPN Onboard, which dpkg does not know about.
# Paths start with DPKG_ROOT, as in that script; electron-builder's macro expansion rules out
# dollar-brace variables made only of letters here too.
set -eu

# During an upgrade the new version's postinst installs the same files again, and after a
# failed upgrade the old version stays installed and still needs them.
case "${1:-remove}" in
  upgrade | failed-upgrade | abort-upgrade) exit 0 ;;
esac

root="${DPKG_ROOT:-}"
root="${root%/}"
executable='/opt/VPN Onboard/vpn-onboard'
policy_name='org.vpnonboard.openvpn-helper.policy'
apparmor_target='/etc/apparmor.d/vpn-onboard'

rm -f "$root/usr/lib/vpn-onboard/openvpn-helper"
if [ -d "$root/usr/lib/vpn-onboard" ]; then
  # A file someone else put there keeps the folder.
  rmdir "$root/usr/lib/vpn-onboard" 2>/dev/null || true
fi
rm -f "$root/usr/share/polkit-1/actions/$policy_name"

# Only the link the install made: another package may own /usr/bin/vpn-onboard by now.
link="$root/usr/bin/vpn-onboard"
if [ -L "$link" ] && [ "$(readlink "$link")" = "$executable" ]; then
  rm -f "$link"
fi

if [ -f "$root$apparmor_target" ]; then
  in_chroot=false
  if command -v ischroot >/dev/null 2>&1 && ischroot; then
    in_chroot=true
  fi
  if [ -z "$root" ] && [ "$in_chroot" = false ] && [ -d /sys/kernel/security/apparmor ] &&
    command -v apparmor_parser >/dev/null 2>&1; then
    # Unload before deleting, or the profile stays in force until the next boot.
    apparmor_parser --remove "$apparmor_target" >/dev/null 2>&1 || true
  fi
  rm -f "$root$apparmor_target"
fi
