# Shared helpers of the network-namespace tests (tests/net/README.md).
# Each test sources this file, then calls net_setup NAME and uses west/east:
#   west: namespace $NS_W, address 10.99.0.1, files under $WORK/west
#   east: namespace $NS_E, address 10.99.0.2, files under $WORK/east
# Everything the test created (daemons by PID, namespaces by name, files) is
# removed on exit, whatever happens.

set -u

IKEV2D=${IKEV2D:?path of ikev2d}
IKECTL=${IKECTL:?path of ikectl}
SKIP=77
WEST_ADDRESS=10.99.0.1
EAST_ADDRESS=10.99.0.2
WEST_ADDRESS6=fd00:99::1
EAST_ADDRESS6=fd00:99::2
declare -A DAEMON_PID=()
NS_W=""
NS_E=""
WORK=""

log() { echo "[$(date +%H:%M:%S.%3N)] $*"; }

show_logs() {
  for side in west east; do
    if [[ -f "$WORK/$side/ikev2d.log" ]]; then
      echo "----- $side ikev2d.log (last 60 lines)"
      tail -n 60 "$WORK/$side/ikev2d.log"
    fi
  done
}

fail() {
  echo "FAIL: $*" >&2
  show_logs >&2
  exit 1
}

cleanup() {
  local status=$?
  for side in "${!DAEMON_PID[@]}"; do
    local pid=${DAEMON_PID[$side]}
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  [[ -n "$NS_W" ]] && ip netns delete "$NS_W" 2>/dev/null
  [[ -n "$NS_E" ]] && ip netns delete "$NS_E" 2>/dev/null
  [[ -n "$WORK" && -d "$WORK" ]] && rm -rf "$WORK"
  exit $status
}

# net_setup NAME: two namespaces joined by a veth pair.
net_setup() {
  local name=$1
  if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: network namespaces need root"
    exit $SKIP
  fi
  trap cleanup EXIT
  trap 'exit 1' INT TERM
  WORK=$(mktemp -d "/tmp/ikev2d-net-$name-XXXXXX")
  NS_W="ikev2d-net-$name-$$-w"
  NS_E="ikev2d-net-$name-$$-e"
  if ! ip netns add "$NS_W" 2>"$WORK/netns.err"; then
    echo "SKIP: cannot create a network namespace: $(cat "$WORK/netns.err")"
    NS_W=""
    exit $SKIP
  fi
  ip netns add "$NS_E" || fail "ip netns add $NS_E"
  # Interface names are at most 15 characters; create them inside the
  # namespaces so nothing of ours ever appears in the host's namespace.
  ip -n "$NS_W" link add vw type veth peer name ve netns "$NS_E" || fail "veth pair"
  ip -n "$NS_W" addr add "$WEST_ADDRESS/24" dev vw
  ip -n "$NS_E" addr add "$EAST_ADDRESS/24" dev ve
  # IPv6 too, without duplicate address detection's delay.
  ip -n "$NS_W" addr add "$WEST_ADDRESS6/64" dev vw nodad 2>/dev/null
  ip -n "$NS_E" addr add "$EAST_ADDRESS6/64" dev ve nodad 2>/dev/null
  for ns in "$NS_W" "$NS_E"; do ip -n "$ns" link set lo up; done
  ip -n "$NS_W" link set vw up
  ip -n "$NS_E" link set ve up
  mkdir -p "$WORK"/{west,east}/{ipsec.d/cacerts,ipsec.d/certs,ipsec.d/private,ipsec.d/crls,run}
  chmod 700 "$WORK"/{west,east}/ipsec.d/private
}

ns_of() { [[ $1 == west ]] && echo "$NS_W" || echo "$NS_E"; }

# add_load_sources COUNT: 10.77.0.1..COUNT on west for ikev2d-load, routed
# to from east.
add_load_sources() {
  local i
  for i in $(seq 1 "$1"); do
    ip -n "$NS_W" addr add "10.77.0.$i/24" dev vw || fail "address 10.77.0.$i"
  done
  ip -n "$NS_E" route add 10.77.0.0/24 via "$WEST_ADDRESS" || fail "route to 10.77.0.0/24"
}

# start_daemon SIDE [EXTRA ARGS...]: runs ikev2d in SIDE's namespace and waits
# for its control socket.
start_daemon() {
  local side=$1
  shift
  local dir=$WORK/$side
  ip netns exec "$(ns_of "$side")" "$IKEV2D" --config "$dir/ipsec.conf" \
    --secrets "$dir/ipsec.secrets" --ipsec-d "$dir/ipsec.d" --runtime-dir "$dir/run" \
    --log-level debug "$@" >>"$dir/ikev2d.log" 2>&1 &
  DAEMON_PID[$side]=$!
  for _ in $(seq 1 100); do
    [[ -S "$dir/run/ikev2d.sock" ]] && grep -q "ikev2d started" "$dir/ikev2d.log" && return 0
    kill -0 "${DAEMON_PID[$side]}" 2>/dev/null || fail "$side ikev2d exited at start"
    sleep 0.05
  done
  fail "$side ikev2d did not start within 5 s"
}

# stop_daemon SIDE: SIGTERM, expect exit 0 within 5 s.
stop_daemon() {
  local side=$1 pid=${DAEMON_PID[$1]}
  kill -TERM "$pid" || fail "$side ikev2d is not running"
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"
      local code=$?
      unset "DAEMON_PID[$side]"
      [[ $code -eq 0 ]] || fail "$side ikev2d exited with $code after SIGTERM"
      # Sanitizer builds: UBSan reports without failing the process.
      ! grep -qE "runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer" \
        "$WORK/$side/ikev2d.log" || fail "$side ikev2d: sanitizer report in its log"
      return 0
    fi
    sleep 0.05
  done
  fail "$side ikev2d still running 5 s after SIGTERM"
}

# ctl SIDE ARGS...: ikectl on SIDE's socket; output on stdout, exit code kept.
ctl() {
  local side=$1
  shift
  ip netns exec "$(ns_of "$side")" "$IKECTL" --socket "$WORK/$side/run/ikev2d.sock" "$@"
}

# ike_states SIDE: "connection:STATE" per IKE SA, from `ikectl --json status`.
ike_states() {
  ctl "$1" --json status | jq -r 'select(.type == "ike_sa") | "\(.connection):\(.state)"'
}

# records SIDE TYPE [COMMAND...]: the reply lines of one TYPE as a JSON array
# (default command: status).
records() {
  local side=$1 type=$2
  shift 2
  [[ $# -eq 0 ]] && set -- status
  ctl "$side" --json "$@" | jq -s -c --arg type "$type" 'map(select(.type == $type))'
}

# check_first SIDE TYPE FILTER [COMMAND...]: FILTER holds for the first record.
check_first() {
  local side=$1 type=$2 filter=$3
  shift 3
  records "$side" "$type" "$@" | jq -e ".[0] | $filter" >/dev/null
}

# wait_for SECONDS DESCRIPTION 'COMMAND': polls COMMAND (a string, evaluated
# anew each time) until it succeeds.
wait_for() {
  local seconds=$1 what=$2 command=$3
  local tries=$((seconds * 20))
  for _ in $(seq 1 $tries); do
    eval "$command" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  fail "timed out after ${seconds}s waiting for: $what"
}

# our_policies SIDE: the XFRM policies with a template (ours; socket bypass
# policies have none), one "src ... dst ... dir ... reqid N" line each.
our_policies() {
  ip -n "$(ns_of "$1")" xfrm policy | awk '
    /^src/ { selector = $0 }
    /dir/ { direction = $0 }
    /reqid/ { for (i = 1; i <= NF; ++i) if ($i == "reqid") print selector " |" direction " | reqid " $(i + 1) }'
}

# our_states SIDE: the XFRM SAs, one line each, without the larval states the
# kernel itself creates for an ACQUIRE (SPI 0; they expire on their own after
# net.core.xfrm_acq_expires and cannot be deleted by SPI).
our_states() {
  ip -n "$(ns_of "$1")" xfrm state | awk '
    /^src/ { if (entry != "" && entry !~ /spi 0x00000000/) print entry; entry = $0; next }
    { entry = entry " " $0 }
    END { if (entry != "" && entry !~ /spi 0x00000000/) print entry }'
}

# psk_conn SIDE NAME AUTO [EXTRA LINES] [ID PREFIX]: a PSK conn between the
# namespaces, identities west.example / east.example (or PREFIX-west.example
# / PREFIX-east.example, so a responder tells two conns apart).
psk_conn() {
  local side=$1 name=$2 auto=$3 extra=${4:-} prefix=${5:+$5-}
  local left right lid rid lnet rnet
  if [[ $side == west ]]; then
    left=$WEST_ADDRESS right=$EAST_ADDRESS lid=${prefix}west.example rid=${prefix}east.example
    lnet=10.1.0.0/24 rnet=10.2.0.0/24
  else
    left=$EAST_ADDRESS right=$WEST_ADDRESS lid=${prefix}east.example rid=${prefix}west.example
    lnet=10.2.0.0/24 rnet=10.1.0.0/24
  fi
  cat <<CONF
conn $name
    left=$left
    right=$right
    leftid=@$lid
    rightid=@$rid
    leftsubnet=$lnet
    rightsubnet=$rnet
    authby=psk
    auto=$auto
$extra
CONF
}

write_psk_secrets() {
  for side in west east; do
    echo '@west.example @east.example : PSK "ikev2d-net-test-0123456789abcdef"' \
      >"$WORK/$side/ipsec.secrets"
    chmod 600 "$WORK/$side/ipsec.secrets"
  done
}
