#!/bin/bash
# Issue 6's scale targets, measured: ikev2d holds COUNT (100,000) concurrent
# IKE SAs, `ikectl status` lists them all, every one is rekeyed once and then
# deleted, with no failure. ikev2d runs as a PSK road-warrior responder in
# one network namespace (tests/net/lib.sh's east, 10.99.0.2), ikev2d-load
# initiates from 254 addresses x PORTS ports in the other (west). IKE-only on
# a kernel without ESP (the responder refuses each CHILD SA with
# NO_PROPOSAL_CHOSEN and keeps the IKE SA); IKEV2D_ARGS=--null-kernel
# negotiates the CHILD SAs too and installs nothing.
#
# As root, after building the three programs in the README's build/
# (`cmake --build build --target ikev2d ikectl ikev2d-load`, or one run of
# bench/compare/compare.sh, which builds them):
#   bench/scale/scale_run.sh
# Environment (defaults): COUNT=100000 PORTS=8 LOAD_THREADS=$(nproc)
#   CONCURRENCY=128 HOLD=10 (s) IKEV2D_ARGS="" IKEV2D IKECTL IKEV2D_LOAD (build/)
# Prints what it measured and exits 0 only if every IKE SA was established,
# listed, rekeyed and deleted.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IKEV2D=${IKEV2D:-$REPO/build/daemon/ikev2d}
IKECTL=${IKECTL:-$REPO/build/cli/ikectl}
IKEV2D_LOAD=${IKEV2D_LOAD:-$REPO/build/tools/load/ikev2d-load}
COUNT=${COUNT:-100000}
PORTS=${PORTS:-8}
LOAD_THREADS=${LOAD_THREADS:-$(nproc)}
CONCURRENCY=${CONCURRENCY:-128}
HOLD=${HOLD:-10}
IKEV2D_ARGS=${IKEV2D_ARGS:-}
source "$REPO/tests/net/lib.sh"
for tool in "$IKEV2D" "$IKECTL" "$IKEV2D_LOAD"; do
  [[ -x $tool ]] || { echo "scale_run: $tool missing (build it first: README.md)"; exit 1; }
done
command -v jq >/dev/null || { echo "scale_run: needs jq"; exit 1; }
net_setup scale

PSK=ikev2d-bench-scale-0123456789abcdef
SOURCES=254
# One socket per source endpoint in ikev2d-load.
ulimit -n "$(ulimit -Hn)"
source "$REPO/tests/net/road_warrior.sh"
add_load_sources "$SOURCES"
write_road_warrior_psk "$WORK/east" "$EAST_ADDRESS" "$PSK"
# info: start_daemon waits for its "ikev2d started" line.
start_daemon east --log-level info $IKEV2D_ARGS
EAST_PID=${DAEMON_PID[east]}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
RSS_IDLE=$(rss_kb "$EAST_PID")

log "ikev2d-load: $COUNT IKE SAs from $SOURCES addresses x $PORTS ports, $LOAD_THREADS threads, hold ${HOLD}s, rekey, down"
ip netns exec "$NS_W" "$IKEV2D_LOAD" "$EAST_ADDRESS" --from "10.77.0.1-10.77.0.$SOURCES" \
  --ports "$PORTS" --first-port 1000 --count "$COUNT" --concurrency "$CONCURRENCY" \
  --threads "$LOAD_THREADS" --psk "$PSK" --remote-id @east.example --hold "$HOLD" --rekey \
  --down --timeout 600 --json >"$WORK/load.json" 2>"$WORK/load.err" &
LOAD_PID=$!
DAEMON_PID[load]=$LOAD_PID # killed by lib.sh's cleanup if the run fails first

# During the hold: east has them all; time the listings.
count_established() { ike_states east | grep -c ":ESTABLISHED$"; }
held=0
for _ in $(seq 1 600); do
  kill -0 "$LOAD_PID" 2>/dev/null || break
  held=$(count_established)
  [[ $held -eq $COUNT ]] && break
  sleep 1
done
[[ $held -eq $COUNT ]] || fail "east holds $held of $COUNT established IKE SAs"
RSS_HELD=$(rss_kb "$EAST_PID")
log "east holds $COUNT established IKE SAs, RSS $RSS_HELD kB (idle $RSS_IDLE kB)"
time_listing() {
  local start=$EPOCHREALTIME lines
  lines=$(ctl east "$@" status | wc -l)
  echo "$(awk -v from="$start" -v to="$EPOCHREALTIME" 'BEGIN { printf "%.3f", to - from }') s, $lines lines"
}
for round in 1 2 3; do
  log "ikectl status, round $round: $(time_listing); ikectl --json status: $(time_listing --json)"
done

wait "$LOAD_PID"
load_code=$?
unset "DAEMON_PID[load]"
cat "$WORK/load.err"
report=$(cat "$WORK/load.json")
jq -r '"established \(.ike.succeeded)/\(.requested) (failed \(.ike.failed)) at \(.handshakes_per_second | floor) handshakes/s, p99 \(.ike_latency.p99_ms) ms
CHILD SAs: \(.child.succeeded) up, \(.child.failed) refused \(.child.failures | keys)
rekeyed \(.rekey.succeeded)/\(.rekey.attempted) (failed \(.rekey.failed)) in \(.rekey_seconds) s
deleted \(.down.succeeded)/\(.down.attempted) (failed \(.down.failed)) in \(.down_seconds) s, lost unasked \(.ike_lost)
ikev2d-load: \(.tool_cpu_seconds) CPU s, \(.wall_seconds) s wall"' <<<"$report"
[[ $load_code -eq 0 ]] || fail "ikev2d-load exited with $load_code"
jq -e ".ike.succeeded == $COUNT and .ike.failed == 0 and .rekey.succeeded == $COUNT and
  .rekey.failed == 0 and .down.succeeded == $COUNT and .down.failed == 0 and .ike_lost == 0" \
  <<<"$report" >/dev/null || fail "not every IKE SA was established, rekeyed and deleted"
wait_for 30 "no IKE SA on east" 'test -z "$(ike_states east)"'
log "east after the deletes: RSS $(rss_kb "$EAST_PID") kB, $(awk '{print $14 + $15}' "/proc/$EAST_PID/stat") CPU ticks in all"
stop_daemon east
log "PASS: $COUNT IKE SAs held, listed, rekeyed once and deleted without a failure"
