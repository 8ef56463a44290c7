#!/bin/bash
# IKE over IPv6: the daemons' IPv6 sockets (IPV6_V6ONLY, IPV6_PKTINFO) carry
# the IKE SA; status shows the IPv6 endpoints on both sides. West's conn is
# auto=start: it comes up at start-up without ikectl. At SIGTERM with the
# peer frozen, west waits about two seconds for its delete, then leaves
# clean.

source "$(dirname "$0")/lib.sh"
net_setup ipv6
ip -n "$NS_W" -6 addr show dev vw | grep -q "$WEST_ADDRESS6" ||
  { echo "SKIP: no IPv6 in the namespaces"; exit $SKIP; }
write_psk_secrets
six_conn() {
  local side=$1 auto=$2 left right lid rid
  if [[ $side == west ]]; then
    left=$WEST_ADDRESS6 right=$EAST_ADDRESS6 lid=west.example rid=east.example
  else
    left=$EAST_ADDRESS6 right=$WEST_ADDRESS6 lid=east.example rid=west.example
  fi
  cat <<CONF
conn six
    left=$left
    right=$right
    leftid=@$lid
    rightid=@$rid
    authby=psk
    type=transport
    auto=$auto
CONF
}
six_conn west start >"$WORK/west/ipsec.conf"
six_conn east add >"$WORK/east/ipsec.conf"
start_daemon east
start_daemon west

log "auto=start brings the IKE SA up over IPv6"
wait_for 5 "IKE SA on east" 'test "$(ike_states east)" == "six:ESTABLISHED"'
[[ $(ike_states west) == "six:ESTABLISHED" ]] || fail "west status: $(ike_states west)"
check_first west ike_sa '.local == "fd00:99::1[500]" and .remote == "fd00:99::2[500]"' ||
  fail "west endpoints: $(records west ike_sa)"
check_first east ike_sa '.local == "fd00:99::2[500]" and .remote == "fd00:99::1[500]"' ||
  fail "east endpoints: $(records east ike_sa)"

log "SIGTERM while the peer is frozen: the delete gets about 2 s, then ikev2d leaves"
kill -STOP "${DAEMON_PID[east]}"
started=$(date +%s%N)
stop_daemon west
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
kill -CONT "${DAEMON_PID[east]}"
log "west stopped after ${elapsed_ms} ms"
((elapsed_ms >= 1500 && elapsed_ms < 4500)) || fail "shutdown took ${elapsed_ms} ms, not about 2 s"
grep -q "did not finish deleting in time" "$WORK/west/ikev2d.log" ||
  fail "west did not say the delete went unanswered"
stop_daemon east
for side in west east; do
  [[ -z $(our_policies $side) ]] || fail "$side policies after SIGTERM: $(our_policies $side)"
  [[ -z $(our_states $side) ]] || fail "$side SAs after SIGTERM: $(our_states $side)"
done
log "PASS"
