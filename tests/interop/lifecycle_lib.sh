# shellcheck shell=bash
# Helpers of lifecycle_test.sh and routing_test.sh (sourced after lib.sh):
# hosts alice and bob behind the gateways, one conn per case on both sides
# (case_addresses N), and checks that compare ikev2d's and charon's SAs.
#
#   alice 10.1.0.10 ── west (ikev2d) ══ 10.99.x ══ east (charon) ── bob 10.2.0.10
#          (10.1.0.1 on west)                       (10.2.0.1 on east)

ALICE=10.1.0.10
BOB=10.2.0.10
NS_A=""
NS_B=""
PASSED=0
EXTRA_PIDS=()

# lifecycle_trap: on exit, stop charon and background pings, delete alice's
# and bob's namespaces, then tests/net's cleanup (with the script's status).
lifecycle_trap() { trap 'lifecycle_cleanup' EXIT; }

lifecycle_cleanup() {
  local status=$?
  local pid
  charon_stop
  # LIFECYCLE_LOGS=DIR keeps both daemons' logs (debugging).
  if [[ -n ${LIFECYCLE_LOGS:-} && -n $WORK ]]; then
    mkdir -p "$LIFECYCLE_LOGS"
    cp "$WORK/west/ikev2d.log" "$CHARON_DIR/charon.log" "$LIFECYCLE_LOGS/" 2>/dev/null
  fi
  for pid in "${EXTRA_PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
  done
  [[ -n $NS_A ]] && ip netns delete "$NS_A" 2>/dev/null
  [[ -n $NS_B ]] && ip netns delete "$NS_B" 2>/dev/null
  (exit $status)
  cleanup
}

# hosts_setup: alice behind west and bob behind east, the gateways forward,
# and each gateway routes the other side's subnet over the veth (the CHILD
# SAs' policies take the packets into the tunnel).
hosts_setup() {
  NS_A="${NS_W%-w}-a"
  NS_B="${NS_W%-w}-b"
  ip netns add "$NS_A" || fail "ip netns add $NS_A"
  ip netns add "$NS_B" || fail "ip netns add $NS_B"
  ip -n "$NS_W" link add lan type veth peer name eth0 netns "$NS_A" || fail "veth west-alice"
  ip -n "$NS_E" link add lan type veth peer name eth0 netns "$NS_B" || fail "veth east-bob"
  ip -n "$NS_W" addr add 10.1.0.1/24 dev lan
  ip -n "$NS_E" addr add 10.2.0.1/24 dev lan
  ip -n "$NS_A" addr add $ALICE/24 dev eth0
  ip -n "$NS_B" addr add $BOB/24 dev eth0
  local ns
  for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
  ip -n "$NS_W" link set lan up
  ip -n "$NS_E" link set lan up
  ip -n "$NS_A" link set eth0 up
  ip -n "$NS_B" link set eth0 up
  ip -n "$NS_A" route add default via 10.1.0.1
  ip -n "$NS_B" route add default via 10.2.0.1
  ip netns exec "$NS_W" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$NS_E" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$NS_W" route add 10.2.0.0/24 dev vw
  ip -n "$NS_E" route add 10.1.0.0/24 dev ve
}

# want CASE: the case runs (LIFECYCLE_ONLY=REGEX picks cases by name).
want() { [[ -z ${LIFECYCLE_ONLY:-} || $1 =~ ^(${LIFECYCLE_ONLY})$ ]]; }

pass() {
  PASSED=$((PASSED + 1))
  log "PASS: $*"
}

# poll SECONDS 'COMMAND': evaluates COMMAND until it succeeds or SECONDS
# (real time: a check can take a second in a busy lab kernel) have passed;
# returns 1 then, so the caller fails with the state at that moment.
poll() {
  local end=$((SECONDS + $1 + 1))
  while ((SECONDS < end)); do
    eval "$2" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# --- configuration -------------------------------------------------------------

# west_conn NAME N EXTRA [host]: an ikev2d conn between case N's addresses,
# alice's and bob's subnets (or, with host, the two addresses only), EXTRA
# lines inside.
west_conn() {
  local name=$1 n=$2 extra=$3 host=${4:-}
  echo "conn $name"
  echo "    left=10.99.1.$n"
  echo "    right=10.99.2.$n"
  echo "    leftid=@west.example"
  echo "    rightid=@east.example"
  if [[ -z $host ]]; then
    echo "    leftsubnet=${LEFT_SUBNET:-10.1.0.0/24}"
    echo "    rightsubnet=${RIGHT_SUBNET:-10.2.0.0/24}"
  fi
  echo "    authby=psk"
  echo "    auto=${AUTO:-add}"
  [[ -n $extra ]] && echo "    $extra"
  echo
}

# charon_conn NAME N CHILD_EXTRA [host] [CONN_EXTRA]: the matching charon
# connection NAME with one child NAME (CHILDREN overrides the children
# block's content).
charon_conn() {
  local name=$1 n=$2 child_extra=$3 host=${4:-} conn_extra=${5:-}
  local ts="" children
  [[ -z $host ]] && ts="local_ts = ${RIGHT_SUBNET:-10.2.0.0/24}
                 remote_ts = ${LEFT_SUBNET:-10.1.0.0/24}"
  children="      $name { $ts
                 $child_extra }"
  [[ -n ${CHILDREN:-} ]] && children=$CHILDREN
  cat <<CONF
  $name {
    local_addrs = 10.99.2.$n
    remote_addrs = 10.99.1.$n
    $conn_extra
    local { auth = psk
            id = east.example }
    remote { auth = psk
             id = west.example }
    children {
$children
    }
  }
CONF
}

charon_secrets() {
  cat <<CONF
secrets { ike-1 { id-1 = east.example
                  id-2 = west.example
                  secret = "interop-lifecycle-0123456789" } }
CONF
}

# --- state of both sides ---------------------------------------------------------

# west_sa CONN: "IKE_SAS CHILD_SAS SPI_I/SPI_R IKE_STATE CHILD_STATE SPI_IN
# SPI_OUT" of ikev2d's IKE SAs of CONN (the rest of the first IKE SA and its
# first CHILD SA; "-" for what is missing).
west_sa() {
  ctl west --json status | jq -r -s --arg c "$1" '
    map(select(.type == "ike_sa" and .connection == $c)) |
    "\(length) \(map(.children | length) | add // 0) \(.[0].spi_i // "-")/\(.[0].spi_r // "-")" +
    " \(.[0].state // "-") \(.[0].children[0].state // "-") \(.[0].children[0].spi_in // "-")" +
    " \(.[0].children[0].spi_out // "-")"'
}

# raw_field NAME TEXT: REPLY = the first NAME=value in swanctl --raw TEXT,
# or "-" (no subshell: process creation is slow in the lab kernel).
raw_field() {
  if [[ $2 =~ (^|[ {])$1=([^ }]*) ]]; then REPLY=${BASH_REMATCH[2]}; else REPLY=-; fi
}

# charon_sa CONN: the same of charon's IKE SAs of CONN, from one swanctl.
charon_sa() {
  local raw line ikes=0 children=0 first="" rest head child spi_i
  raw=$(swan --list-sas --ike "$1" --raw 2>/dev/null)
  while IFS= read -r line; do
    [[ $line == "list-sa event"* ]] || continue
    ikes=$((ikes + 1))
    [[ -z $first ]] && first=$line
    rest=$line
    while [[ $rest == *spi-in=* ]]; do
      children=$((children + 1))
      rest=${rest#*spi-in=}
    done
  done <<<"$raw"
  head=${first%%child-sas \{*}
  child=""
  [[ $first == *"child-sas {"* ]] && child=${first#*child-sas \{}
  local out="$ikes $children"
  raw_field initiator-spi "$head"
  spi_i=$REPLY
  raw_field responder-spi "$head"
  out+=" $spi_i/$REPLY"
  raw_field state "$head"
  out+=" $REPLY"
  local name
  for name in state spi-in spi-out; do
    raw_field "$name" "$child"
    out+=" $REPLY"
  done
  echo "$out"
}

# sa_pair_ok CONN: both sides hold exactly one IKE SA of CONN, ESTABLISHED,
# with the same SPIs; under has_esp exactly one CHILD SA INSTALLED on both
# with SPIs that pair up, else none. Sets IKE_SPIS and CHILD_SPIS (west's
# in/out).
sa_pair_ok() {
  local w_ike w_child w_spis w_istate w_state w_in w_out
  local c_ike c_child c_spis c_istate c_state c_in c_out
  read -r w_ike w_child w_spis w_istate w_state w_in w_out <<<"$(west_sa "$1")"
  read -r c_ike c_child c_spis c_istate c_state c_in c_out <<<"$(charon_sa "$1")"
  [[ $w_ike == 1 && $c_ike == 1 && $w_spis == "$c_spis" ]] || return 1
  [[ $w_istate == ESTABLISHED && $c_istate == ESTABLISHED ]] || return 1
  IKE_SPIS=$w_spis
  if has_esp; then
    [[ $w_child == 1 && $c_child == 1 && $w_state == INSTALLED && $c_state == INSTALLED ]] ||
      return 1
    [[ $w_in == "$c_out" && $w_out == "$c_in" ]] || return 1
    CHILD_SPIS=$w_in/$w_out
  else
    [[ $w_child == 0 && $c_child == 0 ]] || return 1
    CHILD_SPIS=none
  fi
}

# kernel_spis SIDE: REPLY = the ESP SPIs in SIDE's kernel (without the
# kernel's own larval SPI 0 states), space-separated, in kernel order.
kernel_spis() {
  local line
  REPLY=""
  while IFS= read -r line; do
    [[ $line =~ proto\ esp\ spi\ 0x([0-9a-f]+) ]] || continue
    [[ ${BASH_REMATCH[1]} == 00000000 ]] && continue
    REPLY+="${BASH_REMATCH[1]} "
  done < <(ip -n "$(ns_of "$1")" xfrm state)
}

# kernels_hold_only IN/OUT: both kernels hold exactly these two SAs (as
# west names them; hex without 0x).
kernels_hold_only() {
  local side spi
  for side in west east; do
    kernel_spis "$side"
    set -- $REPLY
    [[ $# -eq 2 ]] || return 1
    for spi in "${CHILD_WANT%/*}" "${CHILD_WANT#*/}"; do
      [[ " $REPLY " == *" $spi "* ]] || return 1
    done
  done
}

describe() { echo "west: $(west_sa "$1") | charon: $(charon_sa "$1")"; }

# --- traffic -----------------------------------------------------------------------

# ping_from NS DESTINATION COUNT [SOURCE]: COUNT pings 0.05 s apart; exit
# status 0 when none was lost.
ping_from() {
  local ns=$1 destination=$2 count=$3 source=${4:-}
  ip netns exec "$ns" ping -n -q -i 0.05 -W 1 -c "$count" ${source:+-I "$source"} "$destination" 2>&1 |
    grep -q ' 0% packet loss'
}

# traffic_start CONN: under has_esp, a ping every 50 ms for 3 s in the
# background through CONN's CHILD SA (alice -> bob, or gateway to gateway
# for the transport case tr).
traffic_start() {
  PING_PID=""
  has_esp || return 0
  if [[ $1 == tr ]]; then
    ip netns exec "$NS_W" ping -n -i 0.05 -W 1 -c 60 -I 10.99.1.3 10.99.2.3 >"$WORK/ping.out" 2>&1 &
  else
    ip netns exec "$NS_A" ping -n -i 0.05 -W 1 -c 60 $BOB >"$WORK/ping.out" 2>&1 &
  fi
  PING_PID=$!
  EXTRA_PIDS+=("$PING_PID")
  sleep 0.3
}

# traffic_check WHAT: the background ping ended without a loss.
traffic_check() {
  [[ -n $PING_PID ]] || return 0
  wait "$PING_PID"
  local summary
  summary=$(grep 'packets transmitted' "$WORK/ping.out")
  grep -q ' 0% packet loss' <<<"$summary" || fail "$1: the ping lost packets: $summary"
  log "  ping during $1: $summary"
}

# --- steps --------------------------------------------------------------------------

# bring_up CONN SIDE: SIDE (west: ikectl up, east: swanctl --initiate)
# initiates CONN; both sides then hold it (sa_pair_ok).
bring_up() {
  local conn=$1 side=$2
  if [[ $side == west ]]; then
    ctl west up "$conn" >"$WORK/up.out" 2>&1
  else
    swan --initiate --ike "$conn" --child "$conn" --timeout 10 >"$WORK/up.out" 2>&1
  fi
  poll 10 "sa_pair_ok $conn" ||
    fail "$conn: not up on both sides after $side initiated: $(describe "$conn"); $(cat "$WORK/up.out")"
  log "$conn up (started by $side): IKE $IKE_SPIS CHILD $CHILD_SPIS"
}

# ike_rekey CONN SIDE: SIDE rekeys the IKE SA; afterwards one IKE SA with new
# SPIs on both sides, the CHILD SA unchanged, no ping lost.
ike_rekey() {
  local conn=$1 side=$2
  sa_pair_ok "$conn" || fail "$conn: not up before the IKE rekey: $(describe "$conn")"
  local old_ike=$IKE_SPIS old_child=$CHILD_SPIS t0=$EPOCHREALTIME
  traffic_start "$conn"
  if [[ $side == west ]]; then
    ctl west rekey --ike "$conn" >"$WORK/rekey.out" 2>&1 || fail "ikectl rekey --ike: $(cat "$WORK/rekey.out")"
  else
    swan --rekey --ike "$conn" >"$WORK/rekey.out" 2>&1 || fail "swanctl --rekey --ike: $(cat "$WORK/rekey.out")"
  fi
  poll 15 "sa_pair_ok $conn && [[ \$IKE_SPIS != $old_ike ]]" ||
    fail "$conn: not one IKE SA with new SPIs on both sides after $side's IKE rekey: $(describe "$conn")"
  [[ $CHILD_SPIS == "$old_child" ]] || fail "$conn: the IKE rekey changed the CHILD SA $old_child -> $CHILD_SPIS"
  log "$conn: IKE rekey by $side: $old_ike -> $IKE_SPIS in $(seconds_since "$t0") s, CHILD $CHILD_SPIS kept"
  traffic_check "the IKE rekey of $conn by $side"
}

# child_rekey CONN SIDE: under has_esp, SIDE rekeys the CHILD SA; afterwards
# one CHILD SA with new SPIs on both sides, only its SAs in both kernels, the
# IKE SA unchanged, no ping lost.
child_rekey() {
  local conn=$1 side=$2
  if ! has_esp; then
    log "$conn: CHILD rekey by $side skipped (no ESP in this kernel)"
    return 0
  fi
  sa_pair_ok "$conn" || fail "$conn: not up before the CHILD rekey: $(describe "$conn")"
  local old_ike=$IKE_SPIS old_child=$CHILD_SPIS t0=$EPOCHREALTIME
  traffic_start "$conn"
  if [[ $side == west ]]; then
    ctl west rekey "$conn" >"$WORK/rekey.out" 2>&1 || fail "ikectl rekey: $(cat "$WORK/rekey.out")"
  else
    swan --rekey --child "$conn" >"$WORK/rekey.out" 2>&1 || fail "swanctl --rekey --child: $(cat "$WORK/rekey.out")"
  fi
  poll 15 "sa_pair_ok $conn && [[ \${CHILD_SPIS%/*} != ${old_child%/*} && \${CHILD_SPIS#*/} != ${old_child#*/} ]]" ||
    fail "$conn: not one CHILD SA with new SPIs on both sides after $side's CHILD rekey: $(describe "$conn")"
  local new_child=$CHILD_SPIS
  CHILD_WANT=$new_child
  poll 10 "kernels_hold_only" ||
    fail "$conn: not only the new SAs $new_child in the kernels: $(ip -n "$NS_W" xfrm state; ip -n "$NS_E" xfrm state)"
  [[ $IKE_SPIS == "$old_ike" ]] || fail "$conn: the CHILD rekey changed the IKE SA"
  log "$conn: CHILD rekey by $side: $old_child -> $new_child in $(seconds_since "$t0") s"
  traffic_check "the CHILD rekey of $conn by $side"
}

# delete_by CONN SIDE: SIDE deletes the IKE SA (ikectl down / swanctl
# --terminate); the other side removes it, neither kernel keeps anything.
delete_by() {
  local conn=$1 side=$2
  if [[ $side == west ]]; then
    ctl west down "$conn" >"$WORK/down.out" 2>&1 || fail "ikectl down: $(cat "$WORK/down.out")"
  else
    swan --terminate --ike "$conn" --timeout 10 >"$WORK/down.out" 2>&1 ||
      fail "swanctl --terminate: $(cat "$WORK/down.out")"
  fi
  poll 10 "[[ \$(west_sa $conn) == '0 0 '* && \$(charon_sa $conn) == '0 0 '* ]]" ||
    fail "$conn: not gone on both sides after $side's delete: $(describe "$conn")"
  poll 5 'test -z "$(our_policies west)$(our_states west)"' ||
    fail "$conn: west's kernel not clean: $(our_policies west) $(our_states west)"
  poll 5 'test -z "$(our_policies east)$(our_states east)"' ||
    fail "$conn: east's kernel not clean: $(our_policies east) $(our_states east)"
  log "$conn: deleted by $side, both sides and kernels clean"
}

# tunnel_ping CONN: under has_esp, alice reaches bob through the tunnel.
tunnel_ping() {
  has_esp || return 0
  ping_from "$NS_A" $BOB 5 || fail "$1: alice cannot ping bob through the tunnel"
  log "$1: alice -> bob through the tunnel"
}

# transport_ping N: under has_esp, the gateways of case N reach each other.
transport_ping() {
  has_esp || return 0
  ping_from "$NS_W" "10.99.2.$1" 5 "10.99.1.$1" || fail "no ping 10.99.1.$1 -> 10.99.2.$1"
  log "transport: 10.99.1.$1 -> 10.99.2.$1 through the CHILD SA"
}

# check_mode CONN MODE: both sides installed CONN's CHILD SA in MODE.
check_mode() {
  local conn=$1 mode=$2
  [[ $(ctl west --json status | jq -r --arg c "$conn" \
    'select(.type == "ike_sa" and .connection == $c) | .children[0].mode') == "$mode" ]] ||
    fail "$conn: west's CHILD SA is not in $mode mode"
  swan --list-sas --ike "$conn" --raw | grep -q "mode=${mode^^}" ||
    fail "$conn: charon's CHILD SA is not in $mode mode"
  our_states west | grep -q "mode $mode" || fail "$conn: west's kernel SAs are not $mode"
}
