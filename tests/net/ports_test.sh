#!/bin/bash
# Two ikev2d in ONE namespace, told apart by --port/--natt-port and their own
# runtime directories: west on 10.99.0.1 ports 5500/5501, east on 10.99.0.2
# ports 5600/5601 (leftikeport/rightikeport in the conns). The IKE SA comes
# up between them; each removes only what it owns at SIGTERM.

source "$(dirname "$0")/lib.sh"
net_setup ports
# Both daemons in west's namespace: east's address moves there too.
ip -n "$NS_W" addr add "$EAST_ADDRESS/24" dev vw 2>/dev/null ||
  ip -n "$NS_W" addr add "$EAST_ADDRESS/32" dev lo
ns_of() { echo "$NS_W"; }
write_psk_secrets
psk_conn west office add "    leftikeport=5500
    rightikeport=5600" >"$WORK/west/ipsec.conf"
psk_conn east office add "    leftikeport=5600
    rightikeport=5500" >"$WORK/east/ipsec.conf"
start_daemon west --port 5500 --natt-port 5501
start_daemon east --port 5600 --natt-port 5601
grep -q "listening on IPv4 UDP 5501 (NAT-T)" "$WORK/west/ikev2d.log" || fail "west not on 5501"
grep -q "listening on IPv4 UDP 5600" "$WORK/east/ikev2d.log" || fail "east not on 5600"

log "ikectl up office between the two ports"
ctl west up office
wait_for 5 "IKE SA on east" 'test "$(ike_states east)" == "office:ESTABLISHED"'
check_first west ike_sa '.local == "10.99.0.1[5500]" and .remote == "10.99.0.2[5600]"' ||
  fail "west endpoints: $(records west ike_sa)"
check_first east ike_sa '.local == "10.99.0.2[5600]" and .remote == "10.99.0.1[5500]"' ||
  fail "east endpoints: $(records east ike_sa)"

log "SIGTERM both"
stop_daemon west
stop_daemon east
[[ -z $(our_policies west) ]] || fail "policies after SIGTERM: $(our_policies west)"
[[ -z $(our_states west) ]] || fail "SAs after SIGTERM: $(our_states west)"
log "PASS"
