#!/bin/bash
# check_unit.sh UNIT MAN_DIR [DAEMON] — systemd/ikev2d.service passes
# `systemd-analyze verify` (with its Documentation= man pages found in
# MAN_DIR), keeps the settings issue 4 asks for, and stays well hardened
# (`systemd-analyze security` exposure at most 3.0 of 10).
#
# verify needs ExecStart's binary to exist: a copy of the unit is checked
# with /usr/sbin/ikev2d replaced by DAEMON (the built daemon) or, before the
# daemon is built, by /bin/true. Exit 77 (skipped) without systemd-analyze.
set -euo pipefail
unit=$1
man_dir=$2
daemon=${3:-}
command -v systemd-analyze >/dev/null || {
  echo "skipped: systemd-analyze not installed (apt-get install systemd)"
  exit 77
}
[ -n "$daemon" ] && [ -x "$daemon" ] || daemon=/bin/true

work=$(mktemp -d /tmp/ikev2d-check-unit.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "check_unit: FAIL: $*" >&2
  exit 1
}

# The man pages where `man ikev2d(8)` finds them.
mkdir -p "$work/man/man5" "$work/man/man8"
cp "$man_dir"/*.5 "$work/man/man5/"
cp "$man_dir"/*.8 "$work/man/man8/"
sed "s#/usr/sbin/ikev2d#$daemon#g" "$unit" >"$work/ikev2d.service"

echo "== systemd-analyze verify"
output=$(MANPATH="$work/man" systemd-analyze verify "$work/ikev2d.service" 2>&1) ||
  fail "systemd-analyze verify failed: $output"
[ -z "$output" ] || fail "systemd-analyze verify warned: $output"
echo "ok"

echo "== required settings"
# Each as one exact line of the [Service] section.
required=(
  "Type=notify"
  "ExecStart=/usr/sbin/ikev2d --foreground"
  "ExecReload=/bin/kill -HUP \$MAINPID"
  "Restart=on-failure"
  "RuntimeDirectory=ikev2d"
  "RuntimeDirectoryMode=0700"
  "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE"
  "NoNewPrivileges=yes"
  "ProtectSystem=strict"
  "ProtectHome=yes"
  "PrivateTmp=yes"
  "ProtectKernelModules=yes"
  "ProtectControlGroups=yes"
  "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"
  "RestrictNamespaces=yes"
  "LockPersonality=yes"
  "MemoryDenyWriteExecute=yes"
  "SystemCallArchitectures=native"
  "SystemCallFilter=@system-service"
)
for line in "${required[@]}"; do
  grep -qxF -- "$line" "$unit" || fail "missing line: $line"
done
# No other capability may be granted anywhere in the unit.
if grep -E '^(CapabilityBoundingSet|AmbientCapabilities)=' "$unit" |
  grep -vE '=CAP_NET_ADMIN CAP_NET_BIND_SERVICE$' | grep -q .; then
  fail "a capability other than CAP_NET_ADMIN and CAP_NET_BIND_SERVICE is granted"
fi
echo "ok"

echo "== systemd-analyze security"
MANPATH="$work/man" systemd-analyze security --offline=yes --threshold=30 \
  "$work/ikev2d.service" >"$work/security" 2>&1 ||
  fail "exposure above 3.0: $(tail -n 1 "$work/security")"
tail -n 1 "$work/security"
echo "check_unit: all checks passed"
