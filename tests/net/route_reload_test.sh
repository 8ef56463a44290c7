#!/bin/bash
# auto=route: trap policies appear in the kernel and a matching packet makes
# the kernel's ACQUIRE start the IKE SA; reload applies only what changed and
# keeps the running configuration when the file is broken; a broken file at
# start makes ikev2d refuse to start with file:line and reason; SIGTERM
# leaves no policy of ours.

source "$(dirname "$0")/lib.sh"
net_setup route
write_psk_secrets
psk_conn west trap route >"$WORK/west/ipsec.conf"
psk_conn east trap add >"$WORK/east/ipsec.conf"

log "a broken file: ikev2d refuses to start"
cp "$WORK/west/ipsec.conf" "$WORK/west/broken.conf"
echo "    lefsubnet=10.9.0.0/24" >>"$WORK/west/broken.conf"
broken_line=$(grep -n lefsubnet "$WORK/west/broken.conf" | cut -d: -f1)
set +e
refusal=$(ip netns exec "$NS_W" "$IKEV2D" --config "$WORK/west/broken.conf" \
  --secrets "$WORK/west/ipsec.secrets" --ipsec-d "$WORK/west/ipsec.d" \
  --runtime-dir "$WORK/west/broken-run" 2>&1)
code=$?
set +e
echo "$refusal"
[[ $code -eq 1 ]] || fail "a broken configuration exited with $code, not 1"
grep -q "^ikev2d: $WORK/west/broken.conf:$broken_line: .*lefsubnet" <<<"$refusal" ||
  fail "the refusal does not name file, line $broken_line and keyword"
ip netns exec "$NS_W" "$IKEV2D" --config "$WORK/west/ipsec.conf" \
  --secrets "$WORK/west/ipsec.secrets" --ipsec-d "$WORK/west/ipsec.d" --check-config ||
  fail "--check-config refused a good file"

start_daemon west
start_daemon east

log "trap policies of auto=route"
wait_for 2 "a trap policy on west" 'test -n "$(our_policies west)"'
our_policies west
our_policies west | grep -qE "src 10.1.0.0/24 dst 10.2.0.0/24 .*dir out" ||
  fail "no outbound trap policy 10.1.0.0/24 -> 10.2.0.0/24"
[[ -z $(our_policies east) ]] || fail "east (auto=add) has policies"

log "a second ikev2d on the same runtime directory refuses and removes nothing"
if second=$(ip netns exec "$NS_W" "$IKEV2D" --config "$WORK/west/ipsec.conf" \
  --secrets "$WORK/west/ipsec.secrets" --ipsec-d "$WORK/west/ipsec.d" \
  --runtime-dir "$WORK/west/run" --port 5500 --natt-port 5501 2>&1); then
  fail "a second daemon started on the same control socket"
fi
echo "$second" | tail -1
grep -q "^ikev2d: control socket" <<<"$second" || fail "second daemon: $second"
[[ -n $(our_policies west) ]] || fail "the second daemon removed the first one's traps"

log "a packet matching the trap: ACQUIRE starts the IKE SA"
ip -n "$NS_W" addr add 10.1.0.1/32 dev lo
ip -n "$NS_W" route add 10.2.0.0/24 via "$EAST_ADDRESS" src 10.1.0.1
# One UDP datagram from 10.1.0.1 (the route's source): bash's /dev/udp.
ip netns exec "$NS_W" bash -c 'echo x >/dev/udp/10.2.0.5/9' 2>/dev/null

wait_for 5 "IKE SA started by the acquire" 'test "$(ike_states east)" == "trap:ESTABLISHED"'
grep -q "acquire for reqid" "$WORK/west/ikev2d.log" || fail "west did not log the acquire"

log "reload: trap becomes auto=add, a new conn is added"
psk_conn west trap add >"$WORK/west/ipsec.conf"
psk_conn west extra add >>"$WORK/west/ipsec.conf"
reload_output=$(ctl west reload 2>&1) || fail "ikectl reload failed: $reload_output"
echo "$reload_output"
grep -q "1 added (extra), 1 changed (trap), 0 removed, 0 unchanged" <<<"$reload_output" ||
  fail "reload summary: $reload_output"
if check_first west ike_sa '.children[0].state == "INSTALLED"'; then
  # An ESP kernel (the lab): the CHILD SA the acquire made keeps its own
  # out/in/fwd policies; only the trap is gone (it was replaced by them).
  wait_for 2 "only the CHILD SA's policies left" 'test "$(our_policies west | wc -l)" -eq 3'
else
  wait_for 2 "trap policies removed" 'test -z "$(our_policies west)"'
fi
[[ $(ike_states west) == "trap:ESTABLISHED" ]] || fail "the running IKE SA did not survive reload"
check_first west connection '.name == "trap" and .auto == "add"' list-conns ||
  fail "list-conns: $(records west connection list-conns)"

log "reload with a broken file keeps the running configuration"
cp "$WORK/west/ipsec.conf" "$WORK/west/good.conf"
cp "$WORK/west/broken.conf" "$WORK/west/ipsec.conf"
if bad=$(ctl west reload 2>&1); then fail "reload of a broken file succeeded: $bad"; fi
echo "$bad"
grep -q "ipsec.conf:$broken_line" <<<"$bad" || fail "reload error lacks file:line: $bad"
kill -0 "${DAEMON_PID[west]}" || fail "ikev2d died on a broken reload"
[[ $(records west connection list-conns | jq length) -eq 2 ]] ||
  fail "running configuration changed: $(records west connection list-conns)"

log "SIGHUP reloads: back to auto=route"
psk_conn west trap route >"$WORK/west/ipsec.conf"
kill -HUP "${DAEMON_PID[west]}"
wait_for 3 "trap policy back after SIGHUP" 'test -n "$(our_policies west)"'
grep -q "SIGHUP: reloaded: 0 added, 1 changed (trap), 1 removed (extra)" \
  "$WORK/west/ikev2d.log" || fail "SIGHUP reload not logged as expected"

log "ikectl log changes levels at run time"
ctl west log warning ike || fail "ikectl log failed"
grep -q "log level warning for ike" "$WORK/west/ikev2d.log" || fail "log level change not logged"

log "SIGTERM removes every policy and SA of ours"
stop_daemon west
stop_daemon east
for side in west east; do
  [[ -z $(our_policies $side) ]] || fail "$side policies after SIGTERM: $(our_policies $side)"
  [[ -z $(our_states $side) ]] || fail "$side SAs after SIGTERM: $(our_states $side)"
done
[[ ! -s "$WORK/west/run/xfrm-owned" ]] || fail "ownership ledger not emptied"
log "PASS"
