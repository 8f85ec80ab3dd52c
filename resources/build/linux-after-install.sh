#!/bin/sh
# The deb's postinst (electron-builder passes it to fpm as --after-install). It runs as root
# after dpkg has unpacked the app into /opt/VPN Onboard. Setting afterInstall replaces
# electron-builder's default script, so this one also does that script's work: the
# /usr/bin/vpn-onboard link, the chrome-sandbox mode and the AppArmor profile.
#
# Every path it writes starts with DPKG_ROOT, which dpkg sets to the root of the installation it
# acts on (empty for the running system; tests set a temporary folder). Commands that act on the
# running system are skipped when DPKG_ROOT is set.
#
# electron-builder expands dollar-brace macros made only of letters in this file and fails on
# unknown ones, so shell variables are written without braces.
set -eu

root="${DPKG_ROOT:-}"
root="${root%/}"
app_dir='/opt/VPN Onboard'
executable="$app_dir/vpn-onboard"
helper_path='/usr/lib/vpn-onboard/openvpn-helper'
policy_name='org.vpnonboard.openvpn-helper.policy'
apparmor_target='/etc/apparmor.d/vpn-onboard'

# The helper and its polkit policy, so that the app can start openvpn as root through pkexec
# where NetworkManager does not run. Files root creates here are owned by root.
install -d -m 0755 "$root/usr/lib/vpn-onboard"
install -m 0755 "$root$app_dir/resources/helper/openvpn-helper" "$root$helper_path"
install -d -m 0755 "$root/usr/share/polkit-1/actions"
install -m 0644 "$root$app_dir/resources/polkit/$policy_name" \
  "$root/usr/share/polkit-1/actions/$policy_name"

install -d -m 0755 "$root/usr/bin"
ln -sfn "$executable" "$root/usr/bin/vpn-onboard"

# Chromium's sandbox uses unprivileged user namespaces where the kernel allows them. Elsewhere
# it needs chrome-sandbox to be setuid root. The check is the one electron-builder's default
# script makes.
sandbox="$root$app_dir/chrome-sandbox"
if [ -f "$sandbox" ]; then
  if [ -L /proc/self/ns/user ] && unshare --user true >/dev/null 2>&1; then
    chmod 0755 "$sandbox"
  else
    chmod 4755 "$sandbox"
  fi
fi

# Ubuntu 24.04 and later allow user namespaces only to programs with an AppArmor profile.
# electron-builder writes one into the resources. AppArmor older than ABI 4.0 cannot parse it,
# and the app runs without it there, so it is installed only when apparmor_parser accepts it.
apparmor_source="$root$app_dir/resources/apparmor-profile"
if [ -f "$apparmor_source" ] && command -v apparmor_parser >/dev/null 2>&1 &&
  apparmor_parser --skip-kernel-load --skip-cache "$apparmor_source" >/dev/null 2>&1; then
  install -d -m 0755 "$root/etc/apparmor.d"
  install -m 0644 "$apparmor_source" "$root$apparmor_target"

  in_chroot=false
  if command -v ischroot >/dev/null 2>&1 && ischroot; then
    in_chroot=true
  fi
  if [ -z "$root" ] && [ "$in_chroot" = false ] && [ -d /sys/kernel/security/apparmor ]; then
    apparmor_parser --replace --write-cache --skip-read-cache "$apparmor_target" ||
      echo "vpn-onboard: loading $apparmor_target failed; it loads at the next boot." >&2
  fi
fi
