# shellcheck shell=bash
# daemon_lib.sh — what the demo (demo_lab.sh) and the daemon's lab tests
# (daemon_*_lab.sh) share: a site-to-site topology in four network
# namespaces, a PKI made with openssl, configurations, two ikev2d driven by
# ikectl, and readers of the kernel's XFRM tables. Sourced, never run; needs
# bash, iproute2, jq and (for certificates) openssl, and a kernel with ESP
# (tests/lab/lab-run provides one).
#
#   alice ─────── moon ═══════ IKEv2 + ESP ═══════ sun ─────── bob
#   10.1.1.10  10.1.1.1 | 10.1.0.1        10.1.0.2 | 10.1.2.1  10.1.2.10
#              (lan)      (wan)              (wan)   (lan)
#
# moon and sun are the gateways (one ikev2d each, with its own runtime
# directory and control socket under $WORK/SIDE/run); alice and bob are hosts
# on the subnets behind them, so a ping from alice to bob crosses the tunnel
# the way a site-to-site VPN carries it (forwarded by both gateways).
#
# Everything the script created is removed on exit, whatever happens:
# daemons by PID (SIGTERM, then SIGKILL), namespaces by name, $WORK.

set -u

LAB_SKIP=77
MOON_WAN=10.1.0.1
SUN_WAN=10.1.0.2
MOON_LAN=10.1.1.1
SUN_LAN=10.1.2.1
ALICE=10.1.1.10
BOB=10.1.2.10
MOON_NET=10.1.1.0/24
SUN_NET=10.1.2.0/24
# Namespace names; the lab starts with none, a host may have its own.
NS_PREFIX=${NS_PREFIX:-}
declare -A NETNS=([moon]=${NS_PREFIX}moon [sun]=${NS_PREFIX}sun [alice]=${NS_PREFIX}alice
  [bob]=${NS_PREFIX}bob)
declare -A DAEMON_PID=()
# Other background processes of the test (pings), ended on exit too.
OTHER_PIDS=()
CREATED_NETNS=()
WORK=""
KEEP_WORK=${KEEP_WORK:-0}

# --- output -----------------------------------------------------------------

heading() { printf '\n=== %s ===\n' "$*"; }
say() { printf '%s\n' "$*"; }
ok() { printf '  ok: %s\n' "$*"; }

show_logs() {
  local side
  for side in moon sun; do
    if [[ -n "$WORK" && -f "$WORK/$side/ikev2d.log" ]]; then
      echo "----- $side ikev2d.log (last 80 lines)"
      tail -n 80 "$WORK/$side/ikev2d.log"
    fi
  done
}

fail() {
  echo "FAIL: $*" >&2
  show_logs >&2
  exit 1
}

# --- binaries and kernel ------------------------------------------------------

# find_binaries BUILD_DIR: sets IKEV2D and IKECTL, or exits 77 (skip) when
# they are not built or are an ASan/TSan build (which cannot run in the lab).
find_binaries() {
  local build_dir=$1
  IKEV2D=$build_dir/daemon/ikev2d
  IKECTL=$build_dir/cli/ikectl
  local binary
  for binary in "$IKEV2D" "$IKECTL"; do
    if [[ ! -x $binary ]]; then
      echo "skipped: $binary is not built (targets ikev2d ikectl)"
      exit $LAB_SKIP
    fi
    if ldd "$binary" 2>/dev/null | grep -q -e libasan -e libtsan; then
      echo "skipped: $binary is an ASan/TSan build, which cannot run in the lab kernel"
      exit $LAB_SKIP
    fi
  done
}

in_lab_kernel() { grep -q 'User Mode Linux' /proc/cpuinfo 2>/dev/null; }

# kernel_has_esp: whether this kernel accepts an ESP SA (tried in a
# throwaway namespace; the host kernels of our machines answer "Requested
# type not found").
kernel_has_esp() {
  local probe=ikev2d-esp-probe-$$ result=1
  ip netns add "$probe" 2>/dev/null || return 1
  if ip -n "$probe" xfrm state add src 10.255.0.1 dst 10.255.0.2 proto esp spi 0x100 \
    mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 \
    2>/dev/null; then
    result=0
  fi
  ip netns delete "$probe"
  return $result
}

# enter_lab SCRIPT [BUILD_DIR]: on a kernel without ESP (outside the lab),
# boots the lab kernel once and runs SCRIPT inside it (exec, with
# IKEV2D_SOURCE_DIR and IKEV2D_BUILD_DIR); returns where ESP works already.
# Exits 77 (skip) when there is no lab kernel.
enter_lab() {
  local script=$1 build_dir=$2
  in_lab_kernel && return 0
  kernel_has_esp && return 0
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  if ! command -v linux.uml >/dev/null; then
    echo "skipped: this kernel has no ESP and there is no lab kernel (install user-mode-linux)"
    exit $LAB_SKIP
  fi
  echo "This kernel has no ESP: running $(basename "$script") in the lab kernel (tests/lab/lab-run)."
  cd "$build_dir" || exit 1
  exec "$here/lab-run" env IKEV2D_SOURCE_DIR="$(cd "$here/../.." && pwd)" \
    IKEV2D_BUILD_DIR="$build_dir" NS_PREFIX="$NS_PREFIX" bash "$script"
}

# --- cleanup ------------------------------------------------------------------

cleanup() {
  local status=$?
  local side pid
  for side in "${!DAEMON_PID[@]}"; do
    pid=${DAEMON_PID[$side]}
    kill -TERM "$pid" 2>/dev/null
  done
  for side in "${!DAEMON_PID[@]}"; do
    pid=${DAEMON_PID[$side]}
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
  done
  for pid in "${OTHER_PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
  done
  local ns
  for ns in "${CREATED_NETNS[@]}"; do
    ip netns delete "$ns" 2>/dev/null
  done
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    if [[ $KEEP_WORK == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit $status
}

# lab_setup NAME: root check, cleanup trap, work directory.
lab_setup() {
  local name=$1
  if [[ $(id -u) -ne 0 ]]; then
    echo "skipped: network namespaces need root"
    exit $LAB_SKIP
  fi
  local tool
  for tool in ip jq; do
    command -v $tool >/dev/null || {
      echo "skipped: $tool is not installed"
      exit $LAB_SKIP
    }
  done
  trap cleanup EXIT
  trap 'exit 1' INT TERM
  WORK=$(mktemp -d "/tmp/ikev2d-$name-XXXXXX")
  local side
  for side in moon sun; do
    mkdir -p "$WORK/$side"/{ipsec.d/cacerts,ipsec.d/certs,ipsec.d/private,ipsec.d/crls,run}
    chmod 700 "$WORK/$side/ipsec.d/private"
  done
}

# --- topology -----------------------------------------------------------------

add_netns() {
  local ns=$1
  if ip netns list | awk -v ns="$ns" '$1 == ns { found = 1 } END { exit !found }'; then
    fail "a network namespace named $ns exists already (set NS_PREFIX to use other names)"
  fi
  ip netns add "$ns" || fail "ip netns add $ns"
  CREATED_NETNS+=("$ns")
  ip -n "$ns" link set lo up
}

# topology_up: the four namespaces, links, addresses and routes above.
topology_up() {
  local m=${NETNS[moon]} s=${NETNS[sun]} a=${NETNS[alice]} b=${NETNS[bob]}
  add_netns "$m"
  add_netns "$s"
  add_netns "$a"
  add_netns "$b"
  # Links are created inside the namespaces: nothing appears on the host.
  ip -n "$m" link add wan type veth peer name wan netns "$s" || fail "veth moon-sun"
  ip -n "$m" link add lan type veth peer name eth0 netns "$a" || fail "veth moon-alice"
  ip -n "$s" link add lan type veth peer name eth0 netns "$b" || fail "veth sun-bob"
  ip -n "$m" addr add $MOON_WAN/24 dev wan
  ip -n "$s" addr add $SUN_WAN/24 dev wan
  ip -n "$m" addr add $MOON_LAN/24 dev lan
  ip -n "$s" addr add $SUN_LAN/24 dev lan
  ip -n "$a" addr add $ALICE/24 dev eth0
  ip -n "$b" addr add $BOB/24 dev eth0
  local ns dev
  for ns in "$m" "$s"; do
    for dev in wan lan; do ip -n "$ns" link set $dev up; done
    ip netns exec "$ns" sysctl -q -w net.ipv4.ip_forward=1
  done
  for ns in "$a" "$b"; do ip -n "$ns" link set eth0 up; done
  ip -n "$a" route add default via $MOON_LAN
  ip -n "$b" route add default via $SUN_LAN
  # The gateways route the remote subnet towards the peer; the IPsec policies
  # then decide that it leaves encrypted.
  ip -n "$m" route add $SUN_NET via $SUN_WAN
  ip -n "$s" route add $MOON_NET via $MOON_WAN
}

# --- PKI and configuration ----------------------------------------------------

# make_pki: an ECDSA P-256 CA and one certificate per gateway
# (CN=moon.example / sun.example, subjectAltName DNS of the same), installed
# into each side's ipsec.d with "ipsec.secrets: : ECDSA SIDE.key".
make_pki() {
  command -v openssl >/dev/null || fail "openssl is not installed"
  local pki=$WORK/pki side
  mkdir -p "$pki"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null ||
    fail "CA key"
  openssl req -x509 -new -key "$pki/ca.key" -sha256 -days 7 \
    -subj "/O=ikev2d demo/CN=ikev2d demo CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$pki/ca.pem" 2>/dev/null || fail "CA certificate"
  for side in moon sun; do
    openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$side.key" 2>/dev/null ||
      fail "$side key"
    openssl req -new -key "$pki/$side.key" -subj "/O=ikev2d demo/CN=$side.example" \
      -out "$pki/$side.csr" 2>/dev/null || fail "$side request"
    printf 'subjectAltName=DNS:%s.example\nkeyUsage=critical,digitalSignature\n' "$side" \
      >"$pki/$side.ext"
    openssl x509 -req -in "$pki/$side.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
      -CAcreateserial -days 7 -sha256 -extfile "$pki/$side.ext" -out "$pki/$side.pem" \
      2>/dev/null || fail "$side certificate"
    cp "$pki/ca.pem" "$WORK/$side/ipsec.d/cacerts/demo-ca.pem"
    cp "$pki/$side.pem" "$WORK/$side/ipsec.d/certs/$side.pem"
    cp "$pki/$side.key" "$WORK/$side/ipsec.d/private/$side.key"
    echo ": ECDSA $side.key" >"$WORK/$side/ipsec.secrets"
    chmod 600 "$WORK/$side/ipsec.secrets" "$WORK/$side/ipsec.d/private/$side.key"
  done
}

# write_psk_secrets: one PSK for moon.example <-> sun.example on both sides.
write_psk_secrets() {
  local side
  for side in moon sun; do
    echo '@moon.example @sun.example : PSK "ikev2d-lab-0123456789abcdef0123456789"' \
      >"$WORK/$side/ipsec.secrets"
    chmod 600 "$WORK/$side/ipsec.secrets"
  done
}

peer_of() { [[ $1 == moon ]] && echo sun || echo moon; }

# conn_text SIDE NAME MODE ESP AUTH [EXTRA]: one conn section seen from SIDE.
#   MODE tunnel: moon's and sun's subnets; transport: the gateways themselves.
#   ESP: the esp= proposal (exactly it, "!"); AUTH: pubkey or psk.
conn_text() {
  local side=$1 name=$2 mode=$3 esp=$4 auth=$5 extra=${6:-}
  local peer left right lnet rnet
  peer=$(peer_of "$side")
  if [[ $side == moon ]]; then
    left=$MOON_WAN right=$SUN_WAN lnet=$MOON_NET rnet=$SUN_NET
  else
    left=$SUN_WAN right=$MOON_WAN lnet=$SUN_NET rnet=$MOON_NET
  fi
  echo "conn $name"
  echo "    left=$left"
  echo "    right=$right"
  echo "    leftid=@$side.example"
  echo "    rightid=@$peer.example"
  [[ $auth == pubkey ]] && echo "    leftcert=$side.pem"
  echo "    authby=$auth"
  if [[ $mode == tunnel ]]; then
    echo "    leftsubnet=$lnet"
    echo "    rightsubnet=$rnet"
  else
    echo "    type=transport"
  fi
  echo "    esp=$esp!"
  echo "    auto=add"
  [[ -n $extra ]] && printf '%s\n' "$extra"
  return 0
}

# write_conf NAME MODE ESP AUTH [EXTRA]: the same conn on both sides.
write_conf() {
  local side
  for side in moon sun; do
    conn_text "$side" "$@" >"$WORK/$side/ipsec.conf"
  done
}

# --- daemons ------------------------------------------------------------------

socket_of() { echo "$WORK/$1/run/ikev2d.sock"; }

# start_daemon SIDE [ARGS...]: ikev2d in SIDE's namespace (log appended to
# $WORK/SIDE/ikev2d.log); waits until it has started.
start_daemon() {
  local side=$1
  shift
  local dir=$WORK/$side
  local lines_before=0
  [[ -f $dir/ikev2d.log ]] && lines_before=$(wc -l <"$dir/ikev2d.log")
  ip netns exec "${NETNS[$side]}" "$IKEV2D" --config "$dir/ipsec.conf" \
    --secrets "$dir/ipsec.secrets" --ipsec-d "$dir/ipsec.d" --runtime-dir "$dir/run" \
    --socket "$(socket_of "$side")" "$@" >>"$dir/ikev2d.log" 2>&1 &
  DAEMON_PID[$side]=$!
  for _ in $(seq 1 300); do
    if [[ -S $(socket_of "$side") ]] &&
      tail -n +"$((lines_before + 1))" "$dir/ikev2d.log" | grep -q "ikev2d started"; then
      return 0
    fi
    kill -0 "${DAEMON_PID[$side]}" 2>/dev/null || fail "$side: ikev2d exited at start"
    sleep 0.05
  done
  fail "$side: ikev2d did not start within 15 s"
}

# wait_exit SIDE SECONDS: waits for SIDE's ikev2d to exit; its status in
# EXIT_CODE.
wait_exit() {
  local side=$1 seconds=$2 pid=${DAEMON_PID[$1]}
  for _ in $(seq 1 $((seconds * 20))); do
    if ! kill -0 "$pid" 2>/dev/null; then
      # (braces: bash's "Killed" job notice goes to /dev/null too)
      { wait "$pid"; } 2>/dev/null
      EXIT_CODE=$?
      unset "DAEMON_PID[$side]"
      return 0
    fi
    sleep 0.05
  done
  fail "$side: ikev2d still running after ${seconds}s"
}

# stop_daemon SIDE: SIGTERM; it must exit with status 0 within 10 s.
stop_daemon() {
  local side=$1
  kill -TERM "${DAEMON_PID[$side]}" || fail "$side: ikev2d is not running"
  wait_exit "$side" 10
  [[ $EXIT_CODE -eq 0 ]] || fail "$side: ikev2d exited with $EXIT_CODE after SIGTERM"
}

# kill_daemon SIDE: SIGKILL, no chance to clean up.
kill_daemon() {
  local side=$1 pid=${DAEMON_PID[$1]}
  kill -0 "$pid" 2>/dev/null || fail "$side: ikev2d is not running"
  # bash reports a job killed by a signal on its own stderr when it reaps it
  # ("line N: PID Killed ..."); that notice is expected here.
  exec 3>&2 2>/dev/null
  kill -KILL "$pid"
  wait "$pid"
  exec 2>&3 3>&-
  unset "DAEMON_PID[$side]"
}

# ctl SIDE ARGS...: ikectl on SIDE's control socket.
ctl() {
  local side=$1
  shift
  ip netns exec "${NETNS[$side]}" "$IKECTL" --socket "$(socket_of "$side")" "$@"
}

# ike_sas SIDE: the ike_sa records of `ikectl --json status` as a JSON array.
ike_sas() {
  ctl "$1" --json status | jq -s -c 'map(select(.type == "ike_sa"))'
}

# child_of SIDE CONN: the first CHILD SA of CONN's first IKE SA (JSON object,
# or null).
child_of() {
  ike_sas "$1" | jq -c --arg conn "$2" \
    'map(select(.connection == $conn and .state == "ESTABLISHED")) | .[0].children[0] // null'
}

# read_child SIDE CONN: the first CHILD SA of CONN's established IKE SA,
# from one `ikectl --json status` and one jq: its JSON in CHILD_JSON, its
# scalar members (state, mode, algorithms, reqid, spi_in, spi_out, bytes_in,
# packets_in, bytes_out, packets_out, ...) in the associative array CHILD.
# Fails when there is none.
declare -A CHILD=()
CHILD_JSON=null
read_child() {
  local lines line
  lines=$(ctl "$1" --json status | jq -r -s --arg conn "$2" '
    (map(select(.type == "ike_sa" and .connection == $conn and .state == "ESTABLISHED"))
      | .[0].children[0]) as $child
    | if $child == null then empty else
        ("json=" + ($child | tojson)),
        ($child | to_entries[] | select(.value | type != "array" and type != "object")
          | "\(.key)=\(.value)")
      end')
  CHILD=()
  CHILD_JSON=null
  # shellcheck disable=SC2034 # CHILD is read by the callers
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    if [[ $line == json=* ]]; then CHILD_JSON=${line#json=}; else CHILD[${line%%=*}]=${line#*=}; fi
  done <<<"$lines"
  [[ $CHILD_JSON != null ]]
}

# wait_for SECONDS DESCRIPTION COMMAND: polls COMMAND (a string, evaluated
# anew each time) every 0.1 s until it succeeds, for SECONDS of real time.
wait_for() {
  local seconds=$1 what=$2 command=$3
  local deadline=$((SECONDS + seconds))
  while true; do
    eval "$command" >/dev/null 2>&1 && return 0
    ((SECONDS < deadline)) || break
    sleep 0.1
  done
  fail "timed out after ${seconds}s waiting for: $what"
}

# --- the kernel's XFRM tables ---------------------------------------------------

# xfrm_states SIDE: one line per ESP SA (larval SPI-0 states the kernel makes
# for an ACQUIRE are left out):
#   spi=0x... reqid=N mode=M src=A dst=B bytes=N packets=N algs=ALG/KEYBITS,...
# e.g. algs=rfc4106(gcm(aes))/160 (AES-128 key + 32-bit salt) or
# algs=hmac(sha256)/256,cbc(aes)/256 (ip lists the integrity algorithm first).
xfrm_states() {
  ip -n "${NETNS[$1]}" -s xfrm state | awk '
    function flush() {
      if (spi != "" && spi != "0x00000000")
        printf "spi=%s reqid=%s mode=%s src=%s dst=%s bytes=%s packets=%s algs=%s\n",
          spi, reqid, mode, src, dst, bytes, packets, algs
      spi = ""; reqid = ""; mode = ""; bytes = 0; packets = 0; algs = ""
    }
    /^src / { flush(); src = $2; dst = $4; next }
    /proto / {
      for (i = 1; i <= NF; ++i) {
        if ($i == "spi") { spi = $(i + 1); sub(/\(.*/, "", spi) }
        if ($i == "reqid") { reqid = $(i + 1); sub(/\(.*/, "", reqid) }
        if ($i == "mode") mode = $(i + 1)
      }
    }
    /^[ \t]+(aead|enc|auth|auth-trunc) / {
      bits = ""
      for (i = 3; i < NF; ++i) if ($(i + 1) == "bits)") { bits = $i; sub(/^\(/, "", bits) }
      algs = algs (algs == "" ? "" : ",") $2 (bits == "" ? "" : "/" bits)
    }
    /^[ \t]+[0-9]+\(bytes\), [0-9]+\(packets\)/ {
      bytes = $1; sub(/\(.*/, "", bytes); packets = $2; sub(/\(.*/, "", packets)
    }
    END { flush() }'
}

# xfrm_policies SIDE: one line per policy with a template (a CHILD SA's):
#   sel=SRC>DST dir=D reqid=N mode=M
xfrm_policies() {
  ip -n "${NETNS[$1]}" xfrm policy | awk '
    /^src / { selector = $2 ">" $4 }
    /^[ \t]+dir / { direction = $2 }
    /reqid/ {
      for (i = 1; i <= NF; ++i) {
        if ($i == "reqid") reqid = $(i + 1)
        if ($i == "mode") mode = $(i + 1)
      }
      printf "sel=%s dir=%s reqid=%s mode=%s\n", selector, direction, reqid, mode
    }'
}

# sa_get STATES SPI FIELD: one field (bytes, packets, reqid, mode, algs, ...)
# of the SA with SPI (0x + 8 hex digits) in STATES, the output of
# xfrm_states (read once, then queried without starting processes: every
# process start costs 50-120 ms in the lab).
sa_get() {
  local states=$1 spi=$2 field=$3 line
  while IFS= read -r line; do
    if [[ $line == "spi=$spi "* && " $line" =~ \ $field=([^ ]*) ]]; then
      printf '%s\n' "${BASH_REMATCH[1]}"
      return 0
    fi
  done <<<"$states"
  return 0
}

# kernel_is_clean SIDE: no ESP SA and no policy with a template left (the lab
# kernel holds nothing but what the daemons installed).
kernel_is_clean() {
  [[ -z $(xfrm_states "$1") && -z $(xfrm_policies "$1") ]]
}

# mentions_reqids SIDE REQID...: the SAs and policies of SIDE that carry one
# of the reqids (empty when none is left).
mentions_reqids() {
  local side=$1
  shift
  local reqid
  for reqid in "$@"; do
    xfrm_states "$side" | grep -w "reqid=$reqid"
    xfrm_policies "$side" | grep -w "reqid=$reqid"
  done
  return 0
}

# assert_clean SIDE WHAT: fails with the leftovers when SIDE's kernel is not
# clean.
assert_clean() {
  local side=$1 what=$2
  if ! kernel_is_clean "$side"; then
    fail "$side: SAs or policies left after $what:
$(xfrm_states "$side")
$(xfrm_policies "$side")"
  fi
}

# --- traffic ------------------------------------------------------------------

# ping_from FROM TO COUNT [INTERVAL]: ping in FROM's namespace; prints ping's
# summary; succeeds only without loss.
ping_from() {
  local from=$1 to=$2 count=$3 interval=${4:-0.2}
  local output
  output=$(ip netns exec "${NETNS[$from]}" ping -n -q -c "$count" -i "$interval" -W 2 "$to" 2>&1)
  local code=$?
  printf '%s\n' "$output" | grep -E 'packets transmitted|rtt'
  [[ $code -eq 0 ]] && grep -q ' 0% packet loss' <<<"$output"
}
