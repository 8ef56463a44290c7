#!/bin/bash
# ikev2d-load against ikev2d: ikev2d in east's namespace as a PSK responder
# (a right=%any road-warrior conn), ikev2d-load in west's namespace sending
# from 16 addresses of 10.77.0.0/24 x 4 ports. 300 IKE SAs come up (each with
# one CHILD SA: installed where the kernel has ESP, refused by the responder
# on the host kernel, and counted apart), east's status holds all 300, then
# every one is rekeyed once and deleted, and east ends with none.
# Then east again with --null-kernel and three worker threads (an odd shard
# count): 100 IKE SAs, each with its CHILD SA, are set up and deleted.

source "$(dirname "$0")/lib.sh"
IKEV2D_LOAD=${IKEV2D_LOAD:-}
[[ -n "$IKEV2D_LOAD" ]] || { echo "SKIP: IKEV2D_LOAD (the ikev2d-load binary) not given"; exit $SKIP; }
command -v jq >/dev/null || { echo "SKIP: no jq"; exit $SKIP; }
net_setup load

COUNT=300
PSK=ikev2d-net-load-0123456789abcdef
source "$(dirname "${BASH_SOURCE[0]}")/road_warrior.sh"
add_load_sources 16
write_road_warrior_psk "$WORK/east" "$EAST_ADDRESS" "$PSK"
start_daemon east --log-level info

log "ikev2d-load: $COUNT IKE SAs from 16 addresses x 4 ports, hold, rekey, down"
ip netns exec "$NS_W" "$IKEV2D_LOAD" "$EAST_ADDRESS" --from 10.77.0.1-10.77.0.16 --ports 4 \
  --first-port 1000 --count $COUNT --concurrency 64 --psk "$PSK" --remote-id @east.example \
  --hold 3 --rekey --down --timeout 20 --json >"$WORK/load.json" 2>"$WORK/load.err" &
LOAD_PID=$!
DAEMON_PID[load]=$LOAD_PID  # killed by lib.sh's cleanup if the test fails first
# While the tool holds them: the responder has all of them.
wait_for 20 "$COUNT IKE SAs on east" \
  '[[ $(ike_states east | grep -c ":ESTABLISHED$") -eq $COUNT ]]'
log "east holds $COUNT established IKE SAs"
wait "$LOAD_PID"
load_code=$?
unset "DAEMON_PID[load]"
cat "$WORK/load.err"
report=$(cat "$WORK/load.json")
echo "$report" | jq .
[[ $load_code -eq 0 ]] || fail "ikev2d-load exited with $load_code"
jq -e ".ike.succeeded == $COUNT and .ike.failed == 0 and .established == $COUNT and
  .failed == 0" <<<"$report" >/dev/null || fail "not every IKE SA was established"
jq -e ".child.attempted == $COUNT and .child.succeeded + .child.failed == $COUNT" \
  <<<"$report" >/dev/null || fail "CHILD SAs not accounted for"
if jq -e '.child.failed > 0' <<<"$report" >/dev/null; then
  # The host kernel has no ESP: the responder refuses the CHILD SAs and says why.
  grep -q "kernel has no ESP support" "$WORK/east/ikev2d.log" ||
    fail "CHILD SAs failed without the responder's 'kernel has no ESP support'"
  jq -e '.child.failures | keys | all(test("NO_PROPOSAL_CHOSEN"))' <<<"$report" >/dev/null ||
    fail "CHILD SAs failed for another reason"
fi
jq -e ".ike_latency.samples == $COUNT and .ike_latency.p50_ms > 0 and
  .ike_latency.p99_ms >= .ike_latency.p50_ms and .ike_latency.max_ms >= .ike_latency.p99_ms and
  .handshakes_per_second > 0" <<<"$report" >/dev/null || fail "latency/rate missing"
jq -e ".rekey.attempted == $COUNT and .rekey.succeeded == $COUNT and .rekey.failed == 0" \
  <<<"$report" >/dev/null || fail "not every IKE SA was rekeyed"
jq -e ".down.succeeded == $COUNT and .down.failed == 0 and .ike_lost == 0" \
  <<<"$report" >/dev/null || fail "not every IKE SA was deleted"
wait_for 5 "no IKE SA on east" 'test -z "$(ike_states east)"'
log "$(jq -r '"\(.handshakes_per_second | floor) handshakes/s, p50 \(.ike_latency.p50_ms) ms, p99 \(.ike_latency.p99_ms) ms"' <<<"$report")"
stop_daemon east

log "east with --null-kernel --threads 3: 100 IKE SAs with their CHILD SAs, ikev2d-load --threads 2"
start_daemon east --log-level info --null-kernel --threads 3
grep -q "3 worker thread(s)" "$WORK/east/ikev2d.log" || fail "east did not start 3 worker threads"
ip netns exec "$NS_W" "$IKEV2D_LOAD" "$EAST_ADDRESS" --from 10.77.0.1-10.77.0.16 --ports 4 \
  --first-port 2000 --count 100 --concurrency 32 --threads 2 --psk "$PSK" \
  --remote-id @east.example --hold 1 --down --timeout 20 --json >"$WORK/load-null.json" 2>"$WORK/load-null.err" ||
  fail "ikev2d-load against --null-kernel exited with $?"
jq -e '.ike.succeeded == 100 and .child.succeeded == 100 and .child.failed == 0 and
  .down.succeeded == 100' "$WORK/load-null.json" >/dev/null ||
  fail "with --null-kernel: $(jq -c '{ike, child, down}' "$WORK/load-null.json")"
wait_for 5 "no IKE SA on east" 'test -z "$(ike_states east)"'
stop_daemon east
log "PASS"
