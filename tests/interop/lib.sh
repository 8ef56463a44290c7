# Shared helpers of the strongSwan interop tests (tests/interop/README.md).
# Builds on tests/net/lib.sh: namespace west runs ikev2d (files under
# $WORK/west, address 10.99.0.1), namespace east runs strongSwan's charon
# (files under $WORK/east/charon, address 10.99.0.2). A test sources this
# file, calls interop_setup NAME, writes west's ipsec.conf and east's
# swanctl.conf, then start_daemon west and charon_start.
#
# Whether the kernel has ESP decides what a case can check: on the host
# (no ESP) IKE SAs establish and CHILD SAs fail to install; in the lab
# kernel (tests/lab) CHILD SAs install and carry traffic. has_esp says which.

source "$(dirname "${BASH_SOURCE[0]}")/../net/lib.sh"

CHARON=${CHARON:-/usr/lib/ipsec/charon}
CHARON_DIR=""
CHARON_PID=""
# The plugins a gateway needs. Debian's default set also loads
# kernel-libipsec and bypass-lan, which would take the IKE traffic into a
# TUN device. openssl brings x25519, x448, Ed25519, RSA-PSS,
# ChaCha20-Poly1305 and the MODP groups (Debian has no curve25519 plugin).
CHARON_PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey \
aes sha1 sha2 hmac gcm kdf kernel-netlink socket-default vici updown"

# Stops charon, then tests/net's cleanup (daemons, namespaces, files) ends
# the script with its status.
interop_cleanup() {
  local status=$?
  charon_stop
  return $status
}

# interop_setup NAME: the namespaces of tests/net/lib.sh, charon's folders,
# and a cleanup that stops charon before the namespaces go.
interop_setup() {
  [[ -x $CHARON ]] || { echo "SKIP: no charon (apt-get install strongswan-charon)"; exit $SKIP; }
  command -v swanctl >/dev/null || { echo "SKIP: no swanctl"; exit $SKIP; }
  net_setup "$1"
  trap 'interop_cleanup; cleanup' EXIT
  CHARON_DIR=$WORK/east/charon
  mkdir -p "$CHARON_DIR"/swanctl/{x509,x509ca,x509crl,private,rsa,ecdsa,pkcs8}
  chmod 700 "$CHARON_DIR"/swanctl/private
}

# has_esp: the running kernel can install ESP SAs (the lab kernel), so CHILD
# SAs are expected to come up and carry traffic.
has_esp() {
  [[ -n ${HAS_ESP_CACHE:-} ]] && return "$HAS_ESP_CACHE"
  local ns="ikev2d-espcheck-$$"
  ip netns add "$ns" 2>/dev/null || return 1
  if ip -n "$ns" xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 mode tunnel \
    aead 'rfc4106(gcm(aes))' 0x0102030405060708091011121314151617181920 128 2>/dev/null; then
    HAS_ESP_CACHE=0
  else
    HAS_ESP_CACHE=1
  fi
  ip netns delete "$ns"
  return "$HAS_ESP_CACHE"
}

# charon_start [EXTRA strongswan.conf charon-section LINES]: one charon in
# east's namespace with a private /run (its pid file is fixed at
# /var/run/charon.pid), loading $CHARON_DIR/swanctl/swanctl.conf.
charon_start() {
  local extra=${1:-}
  cat >"$CHARON_DIR/strongswan.conf" <<CONF
charon {
  load = $CHARON_PLUGINS
  install_routes = no
  retransmit_tries = 3
  retransmit_timeout = 2
  $extra
  plugins { vici { socket = unix://$CHARON_DIR/charon.vici } }
  filelog { log { path = $CHARON_DIR/charon.log
                  time_format = %T
                  default = 1
                  ike = 2
                  knl = 2
                  cfg = 2
                  enc = 1
                  flush_line = yes } }
}
swanctl { load = pem pkcs1 pkcs8 x509 openssl }
CONF
  rm -f "$CHARON_DIR/charon.log" "$CHARON_DIR/charon.vici"
  ip netns exec "$NS_E" unshare -m sh -c \
    "mount -t tmpfs none /run; STRONGSWAN_CONF=$CHARON_DIR/strongswan.conf exec $CHARON" \
    >"$CHARON_DIR/charon.stdout" 2>&1 &
  CHARON_PID=$!
  for _ in $(seq 1 100); do
    [[ -S "$CHARON_DIR/charon.vici" ]] && break
    kill -0 "$CHARON_PID" 2>/dev/null || fail "charon exited at start: $(cat "$CHARON_DIR/charon.stdout")"
    sleep 0.05
  done
  [[ -S "$CHARON_DIR/charon.vici" ]] || fail "charon did not start within 5 s"
  swan_load
}

# swan_load: (re)loads swanctl.conf with its credentials.
swan_load() {
  local out
  out=$(cd "$CHARON_DIR/swanctl" &&
    swan --load-all --noprompt --file "$CHARON_DIR/swanctl/swanctl.conf" 2>&1) ||
    fail "swanctl --load-all: $out"
  grep -v "^opening directory" <<<"$out" | grep -qi "fail\|error" && fail "swanctl --load-all: $out"
  return 0
}

charon_stop() {
  [[ -n $CHARON_PID ]] || return 0
  if kill -0 "$CHARON_PID" 2>/dev/null; then
    kill -TERM "$CHARON_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$CHARON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CHARON_PID" 2>/dev/null
  fi
  wait "$CHARON_PID" 2>/dev/null
  CHARON_PID=""
}

# swan COMMAND ARGS...: swanctl against our charon (--uri must follow the
# command).
swan() {
  local command=$1
  shift
  STRONGSWAN_CONF=$CHARON_DIR/strongswan.conf swanctl "$command" \
    --uri "unix://$CHARON_DIR/charon.vici" "$@"
}

# charon_ike_count CONN: IKE SAs of CONN that charon holds ESTABLISHED.
charon_ike_count() {
  swan --list-sas --ike "$1" --raw 2>/dev/null | grep -o 'state=ESTABLISHED' | wc -l
}

# charon_child_count CONN: INSTALLED CHILD SAs under CONN's IKE SAs.
charon_child_count() {
  swan --list-sas --ike "$1" --raw 2>/dev/null | grep -o 'state=INSTALLED' | wc -l
}

show_charon_log() {
  [[ -f "$CHARON_DIR/charon.log" ]] || return 0
  echo "----- charon.log (last 60 lines)"
  tail -n 60 "$CHARON_DIR/charon.log"
}

# fail: tests/net's, plus charon's log.
fail() {
  echo "FAIL: $*" >&2
  show_logs >&2
  show_charon_log >&2
  exit 1
}

# --- PKI with strongSwan's pki tool: keys and certificates land in
# $WORK/pki/NAME.{key,pem}.
#   pki_key NAME TYPE SIZE                 (TYPE: rsa, ecdsa, ed25519)
#   pki_ca NAME TYPE SIZE "DN"             a self-signed root CA
#   pki_cert NAME ISSUER TYPE SIZE "DN" SAN [pki --issue options...]
#                                          an end entity or (--ca) intermediate
pki_key() {
  local name=$1 type=$2 size=$3
  mkdir -p "$WORK/pki"
  local size_option=()
  [[ $type != ed25519 ]] && size_option=(--size "$size")
  pki --gen --type "$type" "${size_option[@]}" --outform pem >"$WORK/pki/$name.key" ||
    fail "pki --gen $type $size"
}

pki_ca() {
  local name=$1 type=$2 size=$3 dn=$4
  pki_key "$name" "$type" "$size"
  pki --self --ca --lifetime 30 --in "$WORK/pki/$name.key" --type "${type/ecdsa/ecdsa}" \
    --dn "$dn" --outform pem >"$WORK/pki/$name.pem" || fail "pki --self $name"
}

pki_cert() {
  local name=$1 issuer=$2 type=$3 size=$4 dn=$5 san=$6
  shift 6
  pki_key "$name" "$type" "$size"
  pki --issue --lifetime 30 --cacert "$WORK/pki/$issuer.pem" --cakey "$WORK/pki/$issuer.key" \
    --type priv --in "$WORK/pki/$name.key" --dn "$dn" ${san:+--san "$san"} "$@" \
    --crl "http://crl.invalid/$issuer.crl" --outform pem >"$WORK/pki/$name.pem" ||
    fail "pki --issue $name"
}

# ikev2d_credential NAME: NAME's certificate and key into west's ipsec.d,
# the key listed in ipsec.secrets (appended).
ikev2d_credential() {
  local name=$1 kind
  cp "$WORK/pki/$name.pem" "$WORK/west/ipsec.d/certs/$name.pem"
  cp "$WORK/pki/$name.key" "$WORK/west/ipsec.d/private/$name.key"
  chmod 600 "$WORK/west/ipsec.d/private/$name.key"
  case $(head -1 "$WORK/pki/$name.key") in
    *"RSA PRIVATE"*) kind=RSA ;;
    *"EC PRIVATE"*) kind=ECDSA ;;
    *) kind=PKCS8 ;;
  esac
  echo ": $kind $name.key" >>"$WORK/west/ipsec.secrets"
  chmod 600 "$WORK/west/ipsec.secrets"
}

# ikev2d_ca NAME: a CA certificate west trusts.
ikev2d_ca() { cp "$WORK/pki/$1.pem" "$WORK/west/ipsec.d/cacerts/$1.pem"; }

# charon_credential NAME: NAME's certificate and key for charon
# (swanctl/x509 and swanctl/private; use certs = NAME.pem in swanctl.conf).
charon_credential() {
  cp "$WORK/pki/$1.pem" "$CHARON_DIR/swanctl/x509/$1.pem"
  cp "$WORK/pki/$1.key" "$CHARON_DIR/swanctl/private/$1.key"
  chmod 600 "$CHARON_DIR/swanctl/private/$1.key"
}

# charon_ca NAME: a CA certificate charon trusts.
charon_ca() { cp "$WORK/pki/$1.pem" "$CHARON_DIR/swanctl/x509ca/$1.pem"; }

# --- Addresses: each case of a matrix gets its own pair, so both daemons
# pick the case's configuration by address (10.99.0.0/24 is the veth's).
#   case_addresses N   sets CASE_WEST=10.99.1.N and CASE_EAST=10.99.2.N
#                      and adds them (idempotent) with routes via the veth.
case_addresses() {
  local n=$1
  CASE_WEST=10.99.1.$n
  CASE_EAST=10.99.2.$n
  ip -n "$NS_W" addr add "$CASE_WEST/32" dev vw 2>/dev/null
  ip -n "$NS_E" addr add "$CASE_EAST/32" dev ve 2>/dev/null
  ip -n "$NS_W" route replace 10.99.2.0/24 dev vw src "$WEST_ADDRESS" 2>/dev/null
  ip -n "$NS_E" route replace 10.99.1.0/24 dev ve src "$EAST_ADDRESS" 2>/dev/null
  return 0
}
