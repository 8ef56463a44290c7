#!/bin/bash
# check_install.sh BUILD_DIR [DAEMON_BUILT] [CTL_BUILT] — `cmake --install`
# into a scratch DESTDIR with prefix /usr puts everything in place: man
# pages, the systemd unit (starting the installed daemon), the examples, and
# the configuration skeleton under /etc/ikev2d with private modes; a second
# install keeps an operator's edited ipsec.conf. DAEMON_BUILT / CTL_BUILT
# (1 or 0) say whether the ikev2d and ikectl binaries exist in this build.
set -euo pipefail
build=$1
daemon_built=${2:-0}
ctl_built=${3:-0}
root=$(mktemp -d /tmp/ikev2d-check-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
fail() {
  echo "check_install: FAIL: $*" >&2
  exit 1
}
install_once() {
  DESTDIR="$root" cmake --install "$build" --prefix /usr >"$root.log" 2>&1 ||
    { cat "$root.log" >&2; rm -f "$root.log"; fail "cmake --install failed"; }
  rm -f "$root.log"
}
expect_file() {
  [ -f "$root$1" ] || fail "not installed: $1"
}
expect_mode() {
  local mode
  mode=$(stat -c %a "$root$1")
  [ "$mode" = "$2" ] || fail "$1 has mode $mode, expected $2"
}

install_once
for page in man8/ikev2d.8 man8/ikectl.8 man5/ikev2d.conf.5 man5/ikev2d.secrets.5; do
  expect_file /usr/share/man/$page
done
expect_file /usr/lib/systemd/system/ikev2d.service
grep -qxF "ExecStart=/usr/sbin/ikev2d --foreground" "$root/usr/lib/systemd/system/ikev2d.service" ||
  fail "the installed unit does not start /usr/sbin/ikev2d"
for example in ipsec.conf.site-to-site ipsec.conf.roadwarrior ipsec.conf.transport \
  ipsec.secrets.example ipsec.d/README; do
  expect_file /usr/share/doc/ikev2d/examples/$example
done
expect_file /etc/ikev2d/ipsec.conf
expect_file /etc/ikev2d/ipsec.secrets
expect_mode /etc/ikev2d/ipsec.conf 644
expect_mode /etc/ikev2d/ipsec.secrets 600
for sub in cacerts certs crls; do
  expect_mode /etc/ikev2d/ipsec.d/$sub 755
done
expect_mode /etc/ikev2d/ipsec.d/private 700
if [ "$daemon_built" = 1 ]; then expect_file /usr/sbin/ikev2d; fi
if [ "$ctl_built" = 1 ]; then expect_file /usr/sbin/ikectl; fi

# An operator's configuration survives a reinstall.
echo "# edited by the operator" >>"$root/etc/ikev2d/ipsec.conf"
install_once
grep -q "edited by the operator" "$root/etc/ikev2d/ipsec.conf" ||
  fail "a second install overwrote /etc/ikev2d/ipsec.conf"

# Another prefix: the unit follows the binary.
DESTDIR="$root/local" cmake --install "$build" --prefix /opt/ikev2d >/dev/null 2>&1 ||
  fail "cmake --install --prefix /opt/ikev2d failed"
grep -qxF "ExecStart=/opt/ikev2d/sbin/ikev2d --foreground" \
  "$root/local/opt/ikev2d/lib/systemd/system/ikev2d.service" ||
  fail "with prefix /opt/ikev2d the unit does not start /opt/ikev2d/sbin/ikev2d"
echo "check_install: all checks passed"
