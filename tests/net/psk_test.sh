#!/bin/bash
# Two ikev2d in two network namespaces with a PSK connection: `ikectl up`
# establishes the IKE SA on both sides; the host kernel has no ESP, so the
# CHILD SA cannot be installed and the reason is reported readably; `ikectl
# down` and SIGTERM leave no SA or policy of ours behind.

source "$(dirname "$0")/lib.sh"
net_setup psk
write_psk_secrets
# leftupdown: a script that notes each call (it runs when a CHILD SA is
# installed or removed, so only where the kernel has ESP).
cat >"$WORK/west/updown.sh" <<SCRIPT
#!/bin/sh
echo "\$PLUTO_VERB \$PLUTO_CONNECTION \$PLUTO_MY_CLIENT \$PLUTO_PEER_CLIENT" >>"$WORK/west/updown.out"
SCRIPT
chmod +x "$WORK/west/updown.sh"
psk_conn west office add "    leftupdown=$WORK/west/updown.sh" >"$WORK/west/ipsec.conf"
psk_conn east office add >"$WORK/east/ipsec.conf"
start_daemon west
start_daemon east

log "ikectl up office"
up_output=$(ctl west up office 2>&1)
up_code=$?
echo "$up_output"
if [[ $up_code -eq 0 ]]; then
  # A kernel with ESP: the CHILD SA is installed with its policies.
  log "the kernel has ESP: checking the installed CHILD SA"
  grep -q "established successfully" <<<"$up_output" || fail "ikectl up did not say so"
  for side in west east; do
    check_first $side ike_sa '.children[0].state == "INSTALLED" and .children[0].reqid > 0' ||
      fail "$side: no installed CHILD SA in status: $(records $side ike_sa)"
    reqid=$(records $side ike_sa | jq '.[0].children[0].reqid')
    # out, in and fwd policies bound to the CHILD SA's reqid, and its two SAs.
    [[ $(our_policies $side | grep -c "reqid $reqid\$") -eq 3 ]] ||
      fail "$side: expected 3 policies with reqid $reqid: $(our_policies $side)"
    [[ $(our_states $side | grep -c "reqid $reqid ") -eq 2 ]] ||
      fail "$side: expected 2 SAs with reqid $reqid: $(our_states $side)"
  done
  again=$(ctl west up office 2>&1) || fail "a second ikectl up failed: $again"
  grep -q "is already up" <<<"$again" || fail "a second ikectl up: $again"
  # Traffic through the tunnel shows in the status counters (Kernel::query_sa).
  ip -n "$NS_W" addr add 10.1.0.1/32 dev lo
  ip -n "$NS_E" addr add 10.2.0.1/32 dev lo
  ip -n "$NS_W" route add 10.2.0.0/24 via "$EAST_ADDRESS" src 10.1.0.1
  ip -n "$NS_E" route add 10.1.0.0/24 via "$WEST_ADDRESS" src 10.2.0.1
  ip netns exec "$NS_W" bash -c 'echo through-the-tunnel >/dev/udp/10.2.0.1/9' 2>/dev/null
  wait_for 5 "packets_out on west" \
    'check_first west ike_sa ".children[0].packets_out >= 1 and .children[0].bytes_out > 0"'
  wait_for 5 "packets_in on east" \
    'check_first east ike_sa ".children[0].packets_in >= 1 and .children[0].bytes_in > 0"'
  wait_for 5 "the up-client script" \
    'grep -q "^up-client office 10.1.0.0/24 10.2.0.0/24$" "$WORK/west/updown.out"'
else
  # Host kernel without ESP: the responder cannot install its inbound SA and
  # refuses the CHILD SA; the reason must be readable where it happened.
  grep -q "kernel has no ESP support" "$WORK/east/ikev2d.log" ||
    grep -q "kernel has no ESP support" <<<"$up_output" ||
    fail "no readable 'kernel has no ESP support' reason"
  grep -qE "CHILD SA .*(failed|refused)|NO_PROPOSAL_CHOSEN|kernel has no ESP support" \
    <<<"$up_output" || fail "ikectl up did not report the CHILD SA failure"
  log "CHILD SA failure reported: $(grep -o 'kernel has no ESP support[^"]*' \
    "$WORK/east/ikev2d.log" | head -1)"
fi

log "IKE SA established on both sides"
[[ $(ike_states west) == "office:ESTABLISHED" ]] || fail "west status: $(ike_states west)"
[[ $(ike_states east) == "office:ESTABLISHED" ]] || fail "east status: $(ike_states east)"
# status CONNECTION filters
[[ $(records west ike_sa status other | jq length) -eq 0 ]] || fail "status other shows office"
check_first west ike_sa '.initiator == true and .local == "10.99.0.1[500]" and
  .remote == "10.99.0.2[500]" and .local_id == "west.example" and
  .remote_id == "east.example" and (.algorithms | length > 0)' ||
  fail "west's ike_sa record is not as expected: $(records west ike_sa)"
check_first east ike_sa '.initiator == false' || fail "east's ike_sa record is not the responder's"
ctl west status || fail "ikectl status (text) failed"

log "ikectl rekey --ike office: a new IKE SA replaces the old one"
old_spi=$(records west ike_sa | jq -r '.[0].spi_i')
ctl west rekey --ike office || fail "ikectl rekey --ike failed"
wait_for 5 "rekeyed IKE SA on west" \
  'records west ike_sa | jq -e --arg old "$old_spi" "length == 1 and .[0].spi_i != \$old and .[0].state == \"ESTABLISHED\""'
wait_for 5 "rekeyed IKE SA on east" \
  'records east ike_sa | jq -e --arg old "$old_spi" "length == 1 and .[0].spi_i != \$old"'

log "ikectl list-conns"
check_first west connection '.name == "office" and .auto == "add"' list-conns ||
  fail "list-conns does not show office: $(records west connection list-conns)"

log "ikectl down office"
ctl west down office || fail "ikectl down failed"
wait_for 5 "no IKE SA on west" 'test -z "$(ike_states west)"'
wait_for 5 "no IKE SA on east" 'test -z "$(ike_states east)"'
[[ -z $(our_policies west) ]] || fail "west policies after down: $(our_policies west)"
if [[ $up_code -eq 0 ]]; then
  wait_for 5 "the down-client script" \
    'grep -q "^down-client office 10.1.0.0/24 10.2.0.0/24$" "$WORK/west/updown.out"'
fi
[[ -z $(our_policies east) ]] || fail "east policies after down: $(our_policies east)"

log "up again, then SIGTERM with the IKE SA up"
ctl west up office >/dev/null 2>&1
wait_for 5 "IKE SA on east" 'test "$(ike_states east)" == "office:ESTABLISHED"'
stop_daemon west
grep -q "removed every SA and policy of ours" "$WORK/west/ikev2d.log" ||
  fail "west did not clean the kernel at shutdown"
# West's shutdown deleted the IKE SA at the peer too.
wait_for 5 "east saw the delete" 'test -z "$(ike_states east)"'
stop_daemon east
for side in west east; do
  [[ -z $(our_policies $side) ]] || fail "$side policies after SIGTERM: $(our_policies $side)"
  [[ -z $(our_states $side) ]] || fail "$side SAs after SIGTERM: $(our_states $side)"
  [[ ! -e "$WORK/$side/run/ikev2d.sock" ]] || fail "$side control socket left behind"
done
log "PASS"
