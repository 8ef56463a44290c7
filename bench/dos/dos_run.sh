#!/bin/bash
# The denial-of-service run of issue 6 (README.md in this folder): ikev2d as
# a PSK responder in one network namespace; in another, ikev2d-load's
# legitimate initiators (10.77.0.1-16) and ikev2d-flood's spoofed IKE_SA_INIT
# requests (10.66.0.0/16, routed back there and local, so the answers are
# counted and nothing leaves the two namespaces). Per round:
#   undisturbed: ikev2d-load alone (COUNT IKE SAs, CONCURRENCY in flight)
#   flood:       ikev2d-flood at its highest rate; after WARMUP seconds the
#                same ikev2d-load run; the flood goes on for TAIL seconds
# ikev2d's RSS is sampled every second, its half-open IKE SAs (ikectl status,
# state CONNECTING) at three points, its CPU time and UDP counters per phase.
# Prints a table and the verdict against issue 6: cookies engage, memory
# stays bounded, legitimate handshakes/s under flood > 1/2 undisturbed.
#
# Root; run on the host. Namespaces are deleted by name and processes killed
# by PID on exit, whatever happens.
#   bench/dos/dos_run.sh [--count N] [--concurrency C] [--rounds R] [--warmup S]
#                        [--tail S] [--flood-rate R|max] [--memory-limit-mib M]
# Binaries: IKEV2D, IKECTL, IKEV2D_LOAD, IKEV2D_FLOOD (default: the README's build/;
# cmake --build build --target ikev2d ikectl ikev2d-load ikev2d-flood).

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IKEV2D=${IKEV2D:-$ROOT/build/daemon/ikev2d}
IKECTL=${IKECTL:-$ROOT/build/cli/ikectl}
IKEV2D_LOAD=${IKEV2D_LOAD:-$ROOT/build/tools/load/ikev2d-load}
IKEV2D_FLOOD=${IKEV2D_FLOOD:-$ROOT/build/tools/load/ikev2d-flood}

COUNT=3000
CONCURRENCY=64
ROUNDS=2
WARMUP=3
TAIL=8
FLOOD_RATE=max
MEMORY_LIMIT_MIB=64
while [[ $# -gt 0 ]]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --tail) TAIL=$2; shift 2 ;;
    --flood-rate) FLOOD_RATE=$2; shift 2 ;;
    --memory-limit-mib) MEMORY_LIMIT_MIB=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

[[ $(id -u) -eq 0 ]] || { echo "dos_run.sh: needs root (namespaces, raw socket)" >&2; exit 2; }
for tool in "$IKEV2D" "$IKECTL" "$IKEV2D_LOAD" "$IKEV2D_FLOOD"; do
  [[ -x $tool ]] || { echo "dos_run.sh: $tool is not built" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "dos_run.sh: needs jq" >&2; exit 2; }

RESPONDER=10.99.0.2
LOADER=10.99.0.1
SPOOFED=10.66.0.0/16
PSK=ikev2d-dos-run-0123456789abcdef
NS_R="ikev2d-dos-$$-r"
NS_L="ikev2d-dos-$$-l"
WORK=$(mktemp -d /tmp/ikev2d-dos-XXXXXX)
DAEMON_PID=""
FLOOD_PID=""
SAMPLER_PID=""
NAMESPACES=()
FAILED=""

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  local status=$?
  for pid in "$SAMPLER_PID" "$FLOOD_PID" "$DAEMON_PID"; do
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  for ns in "${NAMESPACES[@]}"; do ip netns delete "$ns" 2>/dev/null; done
  if [[ -n $FAILED && -f $WORK/ikev2d.log ]]; then
    echo "----- ikev2d.log (last 30 lines)" >&2
    tail -n 30 "$WORK/ikev2d.log" >&2
  fi
  [[ -n ${KEEP_WORK:-} ]] && echo "work files kept in $WORK" >&2 || rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
  FAILED=1
  echo "FAIL: $*" >&2
  exit 1
}

# --- namespaces: responder <-veth-> load, both routes into the load side
ip netns add "$NS_R" || fail "ip netns add $NS_R"
NAMESPACES+=("$NS_R")
ip netns add "$NS_L" || fail "ip netns add $NS_L"
NAMESPACES+=("$NS_L")
ip -n "$NS_L" link add vl type veth peer name vr netns "$NS_R" || fail "veth pair"
ip -n "$NS_L" addr add "$LOADER/24" dev vl
ip -n "$NS_R" addr add "$RESPONDER/24" dev vr
for ns in "$NS_R" "$NS_L"; do ip -n "$ns" link set lo up; done
ip -n "$NS_L" link set vl up
ip -n "$NS_R" link set vr up
for i in $(seq 1 16); do ip -n "$NS_L" addr add "10.77.0.$i/24" dev vl; done
ip -n "$NS_R" route add 10.77.0.0/24 via "$LOADER" || fail "route to the legitimate sources"
ip -n "$NS_R" route add "$SPOOFED" via "$LOADER" || fail "route to the spoofed sources"
# The spoofed prefix is local in the load namespace: its answers end there.
ip -n "$NS_L" route add local "$SPOOFED" dev lo || fail "local route for the spoofed sources"

# --- ikev2d, a road-warrior PSK responder
mkdir -p "$WORK"/ipsec.d/{cacerts,certs,private,crls} "$WORK/run"
chmod 700 "$WORK/ipsec.d/private"
source "$ROOT/tests/net/road_warrior.sh"
write_road_warrior_psk "$WORK" "$RESPONDER" "$PSK"
ip netns exec "$NS_R" "$IKEV2D" --config "$WORK/ipsec.conf" --secrets "$WORK/ipsec.secrets" \
  --ipsec-d "$WORK/ipsec.d" --runtime-dir "$WORK/run" ${IKEV2D_ARGS:-} >"$WORK/ikev2d.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 100); do
  [[ -S $WORK/run/ikev2d.sock ]] && grep -q "ikev2d started" "$WORK/ikev2d.log" && break
  kill -0 "$DAEMON_PID" 2>/dev/null || fail "ikev2d exited at start"
  sleep 0.05
done
[[ -S $WORK/run/ikev2d.sock ]] || fail "ikev2d did not start"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat" 2>/dev/null || echo 0; }
TICKS=$(getconf CLK_TCK)
# ikev2d's half-open IKE SAs: its responder SAs still in IKE_SA_INIT/IKE_AUTH.
half_open() {
  timeout 5 ip netns exec "$NS_R" "$IKECTL" --socket "$WORK/run/ikev2d.sock" --json status \
    2>/dev/null | jq -s '[.[] | select(.type == "ike_sa" and .state == "CONNECTING")] | length' \
    2>/dev/null || echo "?"
}
# UDP counters in the responder's namespace: InDatagrams RcvbufErrors.
udp_counters() {
  ip netns exec "$NS_R" awk '/^Udp:/ { if (++n == 2) print $2, $6 }' /proc/net/snmp
}

# Samples ikev2d's RSS every second into $1 ("seconds_since_start rss_kib").
start_sampler() {
  local file=$1 start
  start=$(date +%s.%N)
  (
    while kill -0 "$DAEMON_PID" 2>/dev/null; do
      echo "$(echo "$(date +%s.%N) - $start" | bc) $(rss_kib)"
      sleep 1
    done
  ) >"$file" &
  SAMPLER_PID=$!
}
stop_sampler() {
  kill "$SAMPLER_PID" 2>/dev/null
  wait "$SAMPLER_PID" 2>/dev/null
  SAMPLER_PID=""
}

# One legitimate ikev2d-load run; its JSON report into $1.
legitimate_load() {
  ip netns exec "$NS_L" "$IKEV2D_LOAD" "$RESPONDER" --from 10.77.0.1-10.77.0.16 --ports 4 \
    --first-port 1000 --count "$COUNT" --concurrency "$CONCURRENCY" --psk "$PSK" \
    --remote-id @east.example --down --timeout 60 --json >"$1" 2>"$1.err"
  [[ -s $1 ]] || fail "ikev2d-load printed no report: $(cat "$1.err")"
}

# Waits until ikev2d holds no IKE SA: the --down of the last run done, and
# the flood's half-open SAs gone (ikev2d drops them after 30 s).
wait_idle() {
  local deadline=$((SECONDS + 45))
  while ((SECONDS < deadline)); do
    [[ $(half_open) == 0 ]] &&
      [[ $(timeout 5 ip netns exec "$NS_R" "$IKECTL" --socket "$WORK/run/ikev2d.sock" --json status |
        jq -s '[.[] | select(.type == "ike_sa")] | length') == 0 ]] && return 0
    sleep 0.2
  done
  log "ikev2d still holds IKE SAs; going on"
}

RESULTS=$WORK/results.jsonl
: >"$RESULTS"

run_undisturbed() {
  local round=$1 before_cpu before_udp after_udp rss_before
  wait_idle
  rss_before=$(rss_kib)
  before_cpu=$(cpu_ticks)
  before_udp=$(udp_counters)
  start_sampler "$WORK/rss-u$round"
  legitimate_load "$WORK/load-u$round.json"
  stop_sampler
  after_udp=$(udp_counters)
  jq -c --arg round "$round" --argjson loadavg "$(cut -d' ' -f1 /proc/loadavg)" --argjson cpu "$(( $(cpu_ticks) - before_cpu ))" \
    --argjson ticks "$TICKS" --arg udp_before "$before_udp" --arg udp_after "$after_udp" \
    --argjson rss_peak "$(sort -k2 -n "$WORK/rss-u$round" | tail -1 | cut -d' ' -f2)" \
    --argjson rss_final "$(rss_kib)" --argjson rss_before "$rss_before" \
    '{phase: "undisturbed", round: ($round | tonumber), load: ., cpu_seconds: ($cpu / $ticks),
      loadavg_1m: $loadavg, udp_before: $udp_before, udp_after: $udp_after, rss_before_kib: $rss_before,
      rss_peak_kib: $rss_peak,
      rss_final_kib: $rss_final}' "$WORK/load-u$round.json" >>"$RESULTS"
  log "round $round undisturbed: $(jq -r '"\(.handshakes_per_second | floor) handshakes/s, \(.established)/\(.requested) established, p99 \(.ike_latency.p99_ms) ms"' "$WORK/load-u$round.json")"
}

run_flood() {
  local round=$1 before_cpu before_udp after_udp rss_before half_warm half_after half_end
  wait_idle
  rss_before=$(rss_kib)
  before_cpu=$(cpu_ticks)
  before_udp=$(udp_counters)
  start_sampler "$WORK/rss-f$round"
  ip netns exec "$NS_L" "$IKEV2D_FLOOD" "$RESPONDER" --from "$SPOOFED" --rate "$FLOOD_RATE" \
    --json >"$WORK/flood-f$round.json" 2>"$WORK/flood-f$round.err" &
  FLOOD_PID=$!
  sleep "$WARMUP"
  kill -0 "$FLOOD_PID" 2>/dev/null || fail "ikev2d-flood ended early: $(cat "$WORK/flood-f$round.err")"
  half_warm=$(half_open)
  legitimate_load "$WORK/load-f$round.json"
  half_after=$(half_open)
  sleep "$TAIL"
  half_end=$(half_open)
  kill -TERM "$FLOOD_PID"
  wait "$FLOOD_PID"
  FLOOD_PID=""
  stop_sampler
  after_udp=$(udp_counters)
  [[ -s $WORK/flood-f$round.json ]] || fail "ikev2d-flood printed no report: $(cat "$WORK/flood-f$round.err")"
  # RSS growth over the flood's last 5 samples: a plateau means bounded.
  local last_growth
  last_growth=$(tail -n 5 "$WORK/rss-f$round" | awk 'NR == 1 { first = $2 } { last = $2 } END { print last - first }')
  jq -c --arg round "$round" --argjson loadavg "$(cut -d' ' -f1 /proc/loadavg)" --argjson cpu "$(( $(cpu_ticks) - before_cpu ))" \
    --argjson ticks "$TICKS" --arg udp_before "$before_udp" --arg udp_after "$after_udp" \
    --argjson rss_before "$rss_before" \
    --argjson rss_peak "$(sort -k2 -n "$WORK/rss-f$round" | tail -1 | cut -d' ' -f2)" \
    --argjson rss_final "$(rss_kib)" --argjson last_growth "$last_growth" \
    --arg half_warm "$half_warm" --arg half_after "$half_after" --arg half_end "$half_end" \
    --slurpfile flood "$WORK/flood-f$round.json" \
    '{phase: "flood", round: ($round | tonumber), load: ., flood: $flood[0],
      cpu_seconds: ($cpu / $ticks), loadavg_1m: $loadavg, udp_before: $udp_before, udp_after: $udp_after,
      rss_before_kib: $rss_before, rss_peak_kib: $rss_peak, rss_final_kib: $rss_final,
      rss_last5_growth_kib: $last_growth,
      half_open: {flood_warm: $half_warm, after_load: $half_after, flood_end: $half_end}}' \
    "$WORK/load-f$round.json" >>"$RESULTS"
  log "round $round flood: $(jq -r '"\(.handshakes_per_second | floor) handshakes/s, \(.established)/\(.requested) established, p99 \(.ike_latency.p99_ms) ms, \(.cookies_received) cookies"' "$WORK/load-f$round.json"); flood $(jq -r '"\(.sent_per_second | floor)/s, answers \(.answers)"' "$WORK/flood-f$round.json"); half-open $half_warm/$half_after/$half_end"
}

log "ikev2d $(ip netns exec "$NS_R" "$IKEV2D" --version 2>/dev/null | head -1) pid $DAEMON_PID; $COUNT IKE SAs, concurrency $CONCURRENCY, $ROUNDS round(s), flood $FLOOD_RATE"
for round in $(seq 1 "$ROUNDS"); do
  run_undisturbed "$round"
  run_flood "$round"
done
kill -0 "$DAEMON_PID" 2>/dev/null || fail "ikev2d died during the run"

# --- the table and the verdict (dos_report.jq); the exit status is the verdict's
[[ -n ${DOS_RESULTS:-} ]] && cp "$RESULTS" "$DOS_RESULTS"
jq -s -r --argjson limit "$MEMORY_LIMIT_MIB" -f "$(dirname "$0")/dos_report.jq" "$RESULTS" |
  tee "$WORK/report.txt"
grep -q "^verdict: PASS" "$WORK/report.txt"
