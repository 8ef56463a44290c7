#!/bin/bash
# check_examples.sh DAEMON ETC_DIR — every example configuration in etc/
# loads in the daemon itself (`ikev2d --check-config`: certificates, keys,
# PSKs, which side is local), without a single warning, on the host each is
# written for: a private network namespace that has that host's address and
# a default route. A throw-away CA and moon's certificate and key are made
# with openssl. Needs root (unshare --net); exit 77 (skipped) otherwise.
set -euo pipefail
daemon=$1
etc=$2
if [ ! -x "$daemon" ]; then
  echo "skipped: the daemon is not built ($daemon)"
  exit 77
fi
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v openssl >/dev/null; then
  echo "skipped: needs root, unshare (util-linux) and openssl"
  exit 77
fi
work=$(mktemp -d /tmp/ikev2d-check-examples.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "check_examples: FAIL: $*" >&2
  exit 1
}

# The PKI of ipsec.conf.site-to-site, laid out as etc/ipsec.d/README says.
pki=$work/ipsec.d
mkdir -p "$pki/cacerts" "$pki/certs" "$pki/private" "$pki/crls"
(
  cd "$work"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out caKey.pem
  openssl req -x509 -new -key caKey.pem -days 30 -sha256 \
    -subj "/C=CH/O=Example/CN=Example Root CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ipsec.d/cacerts/exampleCA.pem
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ipsec.d/private/moonKey.pem
  openssl req -new -key ipsec.d/private/moonKey.pem \
    -subj "/C=CH/O=Example/CN=moon.example.net" -out moon.csr
  printf '%s\n' 'subjectAltName=DNS:moon.example.net,IP:10.0.0.1' \
    'keyUsage=critical,digitalSignature' >moon.ext
  openssl x509 -req -in moon.csr -CA ipsec.d/cacerts/exampleCA.pem -CAkey caKey.pem \
    -days 30 -sha256 -extfile moon.ext -out ipsec.d/certs/moonCert.pem
) >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; fail "openssl"; }

# check CONFIG SECRETS ADDRESS: --check-config as the host with ADDRESS.
check() {
  local config=$1 secrets=$2 address=$3 out err
  out=$work/out err=$work/err
  unshare --net sh -c "ip link set lo up && ip addr add $address/32 dev lo &&
    ip route add default dev lo src $address &&
    exec \"\$0\" --check-config --config \"\$1\" --secrets \"\$2\" --ipsec-d \"\$3\"" \
    "$daemon" "$config" "$secrets" "$pki" >"$out" 2>"$err" ||
    fail "$(basename "$config") as $address did not load: $(cat "$err")"
  [ ! -s "$err" ] || fail "$(basename "$config") as $address: $(cat "$err")"
  echo "ok: $(basename "$config") as $address: $(cat "$out")"
}

secrets=$etc/ipsec.secrets.example
check "$etc/ipsec.conf.site-to-site" "$secrets" 10.0.0.1
check "$etc/ipsec.conf.roadwarrior" "$secrets" 10.0.0.1  # the gateway
# alice's laptop: the client half of the file, with auto=start, as its
# comments say.
sed -n '/^# ---- client half/,$p' "$etc/ipsec.conf.roadwarrior" |
  sed 's/^    auto=ignore$/    auto=start/' >"$work/ipsec.conf.roadwarrior-client"
grep -q '^    auto=start$' "$work/ipsec.conf.roadwarrior-client" || fail "no client half"
check "$work/ipsec.conf.roadwarrior-client" "$secrets" 10.4.7.20
check "$etc/ipsec.conf.transport" "$secrets" 10.0.5.10   # app
check "$etc/ipsec.conf.transport" "$secrets" 10.0.5.20   # db
check "$etc/ipsec.conf" "$etc/ipsec.secrets" 10.0.0.1    # as installed

# The harness notices a configuration that does not load.
printf 'conn broken\n    leftsubnet=10.1.0.0/33\n' >"$work/broken.conf"
if unshare --net "$daemon" --check-config --config "$work/broken.conf" \
  --secrets "$etc/ipsec.secrets" --ipsec-d "$pki" >/dev/null 2>"$work/err"; then
  fail "a broken configuration passed --check-config"
fi
grep -q "broken.conf:2" "$work/err" || fail "no file:line in: $(cat "$work/err")"
echo "check_examples: all checks passed"
